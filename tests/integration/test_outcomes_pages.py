"""The clinician's outcomes page of an episode: the series table with labels, thresholds and
sources, the responder status, recording a measurement, entering a questionnaire, marking an entry
in error; staff only, outsiders 404 on every route, every read audited."""

from __future__ import annotations

from typing import Any
from unittest import mock

from tests.integration.test_outcomes_measures_helpers import OutcomesTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.outcomes.models import Measurement, QuestionnaireResponse
from needlepoint.visits import services as visits

NDI_ANSWERS = {
    f"item-{item}": "2"
    for item in (
        "pain-intensity",
        "personal-care",
        "lifting",
        "reading",
        "headaches",
        "concentration",
        "work",
        "driving",
        "sleeping",
        "recreation",
    )
}


class OutcomesPageCase(OutcomesTestCase):
    def url(self, suffix: str = "", *, patient: Any = None, episode: Any = None) -> str:
        patient = patient or self.pat_record.pk
        episode = episode or self.episode.pk
        return f"/patients/{patient}/episodes/{episode}/outcomes/{suffix}"

    def post(self, suffix: str, data: dict[str, Any]) -> Any:
        return self.csrf_post(self.url(suffix), data, form_page="/")

    def nprs_form(self, **changes: Any) -> dict[str, Any]:
        return {
            "measure": "nprs",
            "timepoint": "baseline",
            "taken_on": self.day(0).isoformat(),
            "value": "7",
            **changes,
        }


class PageTests(OutcomesPageCase):
    def test_an_empty_episode_says_what_to_record_first(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url())
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="outcomes-empty"' in body and "Start with a baseline" in body
        assert "Not enough data yet" in body
        assert 'value="baseline" selected' in body, "the first value of a measure defaults to baseline"
        assert 'id="measurement-form"' in body and "/outcomes/questionnaires/ndi/" in body

    def test_the_table_shows_baseline_latest_change_label_threshold_and_source(self) -> None:
        self.measure("nprs", 7)
        self.signed_visit(14, 5, 2)
        self.measure("nprs", 3, day=28, timepoint="discharge")
        self.measure("rom", 50, joint="cervical", movement="rotation", side="left")
        self.measure("rom", 54, day=28, joint="cervical", movement="rotation", side="left", timepoint="discharge")
        self.login(self.alice)
        body = self.client.get(self.url()).content.decode()
        assert "Numeric Pain Rating Scale" in body and "Cervical rotation, left" in body
        assert "meaningful improvement" in body and "within measurement error" in body
        assert "\N{MINUS SIGN}4 points (\N{MINUS SIGN}57%)" in body
        assert "MCID 2 points" in body and "Ostelo et al. 2008" in body, "the threshold and its source are shown"
        assert "MDC of 9.6 degrees" in body and "Fletcher" in body
        assert 'id="fn-1"' in body and 'href="#fn-1"' in body
        assert "Responder" in body and "Responder on NPRS" in body
        assert 'value="visit_pre" selected' in body, "after a baseline the default is before treatment"

    def test_worse_is_labelled(self) -> None:
        self.measure("nprs", 3)
        self.measure("nprs", 7, day=28, timepoint="discharge")
        self.login(self.alice)
        body = self.client.get(self.url()).content.decode()
        assert 'class="pill bad"' in body and ">worse<" in body and "Not a responder" in body

    def test_staff_see_it_and_the_read_is_audited(self) -> None:
        for user in (self.alice, self.ada, self.fran):
            self.login(user)
            assert self.client.get(self.url()).status_code == 200
        reads = AuditEvent.objects.filter(
            action="read", object_id=str(self.episode.pk), object_repr__startswith="Outcomes"
        )
        assert reads.count() == 3

    def test_front_desk_sees_no_forms(self) -> None:
        self.measure("nprs", 7)
        self.login(self.fran)
        body = self.client.get(self.url()).content.decode()
        assert 'id="measurement-form"' not in body and "Mark entered in error" not in body
        assert "Numeric Pain Rating Scale" in body

    def test_the_page_works_without_the_charts(self) -> None:
        self.measure("nprs", 7)
        self.login(self.alice)
        with mock.patch("needlepoint.outcomes.views.clinician.CHARTS_TEMPLATE", "reports/none-such.html"):
            response = self.client.get(self.url())
        assert response.status_code == 200 and 'data-testid="outcome-charts"' not in response.content.decode()

    def test_the_measure_drives_which_fields_show(self) -> None:
        self.login(self.alice)
        response = self.client.get(
            self.url("measurements/form/"), {"measure": "rom", "value": "45"}, HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert response.status_code == 200 and body.lstrip().startswith("{#") is False
        assert 'name="joint"' in body and 'name="movement"' in body and 'name="side"' in body
        assert 'name="site"' not in body and 'value="45"' in body and "Value (degrees)" in body
        body = self.client.get(
            self.url("measurements/form/"), {"measure": "ppt"}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert 'name="site"' in body and 'name="joint"' not in body and "Upper trapezius" in body
        body = self.client.get(
            self.url("measurements/form/"), {"measure": "nprs"}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert 'name="side"' not in body and "whole number" in body
        chosen = {"measure": "rom", "joint": "knee", "timepoint": "discharge"}
        body = self.client.get(
            self.url("measurements/form/"), chosen, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="joint"
        ).content.decode()
        assert 'value="discharge" selected' in body, "choosing the joint keeps the timepoint"
        assert 'value="flexion"' in body and 'value="abduction"' not in body, "only the knee's movements"
        body = self.client.get(
            self.url("measurements/form/"), chosen, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="measure"
        ).content.decode()
        assert 'value="baseline" selected' in body, "a new measure gets its own default timepoint"
        without_js = self.client.get(self.url("measurements/form/"), {"measure": "grip-strength"})
        assert without_js.status_code == 302 and without_js["Location"].endswith("?measure=grip-strength#record")
        assert 'name="side"' in self.client.get(self.url() + "?measure=grip-strength").content.decode()


class RecordTests(OutcomesPageCase):
    def test_a_clinician_records_a_value(self) -> None:
        self.login(self.alice)
        response = self.post("measurements/", self.nprs_form())
        assert response.status_code == 302 and response["Location"].endswith("/outcomes/#series")
        row = Measurement.objects.get()
        assert (row.measure, row.value, row.recorded_by) == ("nprs", 7, self.alice)
        rom = self.nprs_form(measure="rom", value="55", joint="cervical", movement="rotation", side="left")
        assert self.post("measurements/", rom).status_code == 302
        assert Measurement.objects.get(measure="rom").series_key == ("rom", "cervical", "rotation", "", "left")

    def test_bad_input_is_shown_next_to_the_field(self) -> None:
        self.login(self.alice)
        response = self.post("measurements/", self.nprs_form(value="12"))
        assert response.status_code == 422 and "NPRS is from 0 to 10 points" in response.content.decode()
        response = self.post("measurements/", self.nprs_form(measure="rom", value="50", joint="knee"))
        body = response.content.decode()
        assert response.status_code == 422 and "Choose the movement" in body
        assert not Measurement.objects.exists()

    def test_front_desk_may_not_record(self) -> None:
        self.login(self.fran)
        assert self.post("measurements/", self.nprs_form()).status_code == 403
        assert self.client.get(self.url("measurements/form/"), HTTP_HX_REQUEST="true").status_code == 403
        assert not Measurement.objects.exists()

    def test_marking_a_measurement_in_error(self) -> None:
        row = self.measure("nprs", 7)
        self.login(self.fran)
        assert self.post(f"measurements/{row.pk}/entered-in-error/", {"reason": "wrong"}).status_code == 403
        self.login(self.alice)
        response = self.post(f"measurements/{row.pk}/entered-in-error/", {"reason": ""})
        assert response.status_code == 302 and not Measurement.objects.get(pk=row.pk).entered_in_error
        response = self.post(f"measurements/{row.pk}/entered-in-error/", {"reason": "typed 7 for 1"})
        assert response.status_code == 302 and Measurement.objects.get(pk=row.pk).entered_in_error
        body = self.client.get(self.url()).content.decode()
        assert "typed 7 for 1" in body and "entered in error" in body and 'data-testid="outcomes-empty"' in body

    def test_a_measurement_of_another_episode_is_not_found_here(self) -> None:
        other = visits.create_episode(
            self.alice, self.pat_record.pk, {"condition": "neck-pain", "icd10_code": "M54.2", "planned_sessions": 4}
        )
        row = self.measure("nprs", 7)
        self.login(self.alice)
        response = self.csrf_post(
            self.url(f"measurements/{row.pk}/entered-in-error/", episode=other.pk), {"reason": "x"}, form_page="/"
        )
        assert response.status_code == 404 and not Measurement.objects.get(pk=row.pk).entered_in_error


class QuestionnaireEntryTests(OutcomesPageCase):
    def test_a_clinician_enters_answers_given_at_the_clinic(self) -> None:
        self.login(self.alice)
        page = self.client.get(self.url("questionnaires/ndi/"))
        assert page.status_code == 200 and "Neck Disability Index" in page.content.decode()
        assert 'name="item-pain-intensity"' in page.content.decode()
        data = {**NDI_ANSWERS, "entry-timepoint": "baseline", "entry-completed_on": self.day(0).isoformat()}
        response = self.post("questionnaires/ndi/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        stored = QuestionnaireResponse.objects.get()
        assert (stored.source, stored.entered_by, stored.score, stored.timepoint) == (
            "clinic",
            self.alice,
            20,
            "baseline",
        )
        body = self.client.get(self.url()).content.decode()
        assert "Neck Disability Index" in body and "20 points" in body

    def test_a_bad_date_is_named_and_nothing_is_saved(self) -> None:
        self.login(self.alice)
        data = {**NDI_ANSWERS, "entry-timepoint": "baseline", "entry-completed_on": "2999-01-01"}
        response = self.post("questionnaires/ndi/", data)
        assert response.status_code == 422 and "Cannot be in the future" in response.content.decode()
        assert not QuestionnaireResponse.objects.exists()

    def test_unknown_questionnaire_and_front_desk(self) -> None:
        self.login(self.alice)
        assert self.client.get(self.url("questionnaires/sf-36/")).status_code == 404
        self.login(self.fran)
        assert self.client.get(self.url("questionnaires/ndi/")).status_code == 403

    def test_marking_a_response_in_error(self) -> None:
        self.login(self.alice)
        self.post(
            "questionnaires/ndi/",
            {**NDI_ANSWERS, "entry-timepoint": "baseline", "entry-completed_on": self.day(0).isoformat()},
        )
        stored = QuestionnaireResponse.objects.get()
        response = self.post(f"responses/{stored.pk}/entered-in-error/", {"reason": "answered for another episode"})
        assert response.status_code == 302
        stored.refresh_from_db()
        assert stored.entered_in_error and stored.error_reason == "answered for another episode"


class OutsiderTests(OutcomesPageCase):
    """Every route: another clinic's clinician, a patient (even the subject), another patient's
    URL: 404, whatever the method; nothing written."""

    def routes(self) -> list[tuple[str, str]]:
        row = self.measure("nprs", 7)
        response = QuestionnaireResponse.objects.create(
            clinic=self.clinic,
            patient=self.pat_record,
            episode=self.episode,
            questionnaire="ndi",
            questionnaire_version="1.0",
            timepoint="baseline",
            completed_on=self.day(0),
            answers={},
            score=20,
            answered=10,
            missing=0,
            scorable=True,
            source="clinic",
        )
        return [
            ("get", ""),
            ("get", "measurements/form/"),
            ("post", "measurements/"),
            ("post", f"measurements/{row.pk}/entered-in-error/"),
            ("post", f"responses/{response.pk}/entered-in-error/"),
            ("get", "questionnaires/ndi/"),
            ("post", "questionnaires/ndi/"),
        ]

    def test_every_route_is_404_for_outsiders(self) -> None:
        routes = self.routes()
        data = {**self.nprs_form(), "reason": "x", **NDI_ANSWERS}
        for user in (self.charlie, self.pat):
            self.login(user)
            for method, suffix in routes:
                for other_method in ("get", "post"):
                    if other_method == "post":
                        response = self.csrf_post(self.url(suffix), data, form_page="/")
                    else:
                        response = self.client.get(self.url(suffix))
                    assert response.status_code == 404, (user.username, method, suffix, other_method)  # type: ignore[attr-defined]
        self.login(self.alice)
        for _method, suffix in routes:
            response = self.client.get(self.url(suffix, patient=self.olive.pk))
            assert response.status_code == 404, suffix
        assert Measurement.objects.filter(entered_in_error=False).count() == 1
        assert QuestionnaireResponse.objects.filter(entered_in_error=False).count() == 1

    def test_a_wrong_method_is_405_only_for_staff(self) -> None:
        self.routes()
        self.login(self.alice)
        assert self.client.get(self.url("measurements/")).status_code == 405
        assert self.csrf_post(self.url(""), {}, form_page="/").status_code == 405  # type: ignore[attr-defined]

    def test_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url())
        assert response.status_code == 302 and response["Location"].startswith("/login/")
