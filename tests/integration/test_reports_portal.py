"""The patient's progress page: their own episodes and charts in plain words, no clinician notes,
no JavaScript needed; staff and signed-out users cannot open it; every episode read is audited."""

from __future__ import annotations

from tests.base import make_user
from tests.integration.test_reports_helpers import ReportTestCase, make_episode, make_visit

from needlepoint.accounts.models import Role
from needlepoint.audit.models import AuditEvent

PATH = "/portal/progress/"


class PortalProgressTests(ReportTestCase):
    def test_the_patient_sees_their_chart_in_plain_words(self) -> None:
        self.login(self.pat)
        response = self.client.get(PATH)
        assert response.status_code == 200
        html = response.content.decode()
        assert "My progress" in html and "Neck pain" in html
        assert "Your pain has improved by a meaningful amount." in html
        assert "Your range of movement (cervical rotation, left) has improved by a meaningful amount." in html
        assert "3 of 6 planned sessions" in html
        # The charts are inline SVG with their own title and description: no script draws them.
        assert html.count('role="img"') >= 2
        assert 'id="pp0-0-threshold-band"' in html
        chart = html[html.index('<div class="chart">') : html.index("</svg>")]
        assert "<script" not in chart and "on" + "load=" not in chart

    def test_no_clinician_only_text_reaches_the_portal(self) -> None:
        self.login(self.pat)
        html = self.client.get(PATH).content.decode()
        assert "CLINICIAN ONLY" not in html
        assert "Responder rule" not in html and "ostelo-2008" not in html

    def test_each_episode_read_is_audited(self) -> None:
        self.login(self.pat)
        self.client.get(PATH)
        rows = AuditEvent.objects.filter(action="read", object_id=str(self.episode.pk), actor_id=self.pat.pk)
        assert rows.count() == 1
        assert rows.get().patient_id == str(self.pat_record.pk)

    def test_a_patient_sees_only_their_own_record(self) -> None:
        olive_user = make_user("olive", self.clinic, Role.PATIENT, "Olive", "Brennan")
        self.olive.user = olive_user
        self.olive.save()
        mine = make_episode(self.olive, self.alice, condition="low-back-pain", icd10="M54.50")
        make_visit(mine, self.alice, mine.opened_on, pain=(8, 5))
        self.login(olive_user)
        html = self.client.get(PATH).content.decode()
        assert "Low back pain" in html
        assert "Neck pain" not in html and "Kowalski" not in html
        assert not AuditEvent.objects.filter(actor_id=olive_user.pk, object_id=str(self.episode.pk)).exists()

    def test_a_patient_without_episodes_is_told_so(self) -> None:
        olive_user = make_user("olive", self.clinic, Role.PATIENT, "Olive", "Brennan")
        self.olive.user = olive_user
        self.olive.save()
        self.login(olive_user)
        assert "no course of care with us yet" in self.client.get(PATH).content.decode()

    def test_staff_cannot_open_it(self) -> None:
        for user in (self.alice, self.ada, self.fran, self.charlie):
            self.login(user)
            assert self.client.get(PATH).status_code == 404, user.username

    def test_signed_out_users_are_sent_to_sign_in(self) -> None:
        response = self.client.get(PATH)
        assert response.status_code == 302 and "/login/" in response["Location"]
