"""The public practitioner directory: no sign-in; only practitioners with a verified licence and a
current, verified certification are listed, with those shown as such; their sites (or the clinic's)
and how to book an evaluation; another clinic's people and any patient data never appear; an
unknown clinic is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from tests.base import ClinicTestCase, make_user

from needlepoint.accounts.models import DryNeedlingCertification, PractitionerProfile, Role, Site, User
from needlepoint.audit.models import AuditEvent

URL = "/clinics/front-range/practitioners/"


def credential(
    user: User,
    *,
    verified_licence: bool = True,
    licence_expires: dt.date | None = None,
    cert_expires: dt.date | None = dt.date(2099, 3, 1),
    cert_verified: bool = True,
    jurisdiction: str = "US-CO",
) -> PractitionerProfile:
    profile = PractitionerProfile.objects.get(user=user)
    profile.licence_number = f"PT-{user.pk:05d}"
    profile.licence_jurisdiction = jurisdiction
    profile.licence_expires_on = licence_expires or timezone.localdate() + dt.timedelta(days=365)
    profile.licence_verified_at = timezone.now() if verified_licence else None
    profile.save()
    DryNeedlingCertification.objects.create(
        practitioner=profile,
        issuer="Myopain Seminars",
        hours=Decimal("54"),
        completed_on=dt.date(2020, 3, 1),
        expires_on=cert_expires,
        verified=cert_verified,
    )
    return profile


class DirectoryTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client = Client()  # anonymous
        Site.objects.filter(pk=self.site.pk).update(address="1800 Pearl St, Boulder, CO 80302", phone="+1 303 555 0140")
        self.denver = Site.objects.create(
            clinic=self.clinic, name="Denver Highlands", address="3300 W 32nd Ave, Denver", phone="+1 303 555 0175"
        )
        self.closed = Site.objects.create(clinic=self.clinic, name="Old Town", phone="+1 303 555 0999", is_active=False)
        self.alice_profile = credential(self.alice)
        self.alice_profile.sites.set([self.denver])
        credential(self.charlie)  # another clinic: never on this page

    def names(self) -> list[str]:
        response = self.client.get(URL)
        assert response.status_code == 200
        return [p.name for p in response.context["directory"].practitioners]

    def test_a_listed_practitioner_shows_a_verified_licence_and_current_certification(self) -> None:
        response = self.client.get(URL)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Alice Chen" in content and "Physical therapist" in content
        assert "Licence verified" in content and "licensed in Colorado" in content
        assert "Dry-needling certification current until 1 March 2099" in content
        assert "Myopain Seminars · 54 hours of training" in content
        assert "PT-" not in content  # the licence number itself is not published

    def test_unverified_expired_or_missing_credentials_are_not_listed(self) -> None:
        assert self.names() == ["Alice Chen"]  # Bob has a profile but no licence or certification
        credential(self.bob, verified_licence=False)
        assert self.names() == ["Alice Chen"]
        PractitionerProfile.objects.filter(user=self.bob).update(licence_verified_at=timezone.now())
        assert self.names() == ["Alice Chen", "Bob Okafor"]
        DryNeedlingCertification.objects.filter(practitioner__user=self.bob).update(
            expires_on=timezone.localdate() - dt.timedelta(days=400)
        )
        assert self.names() == ["Alice Chen"]  # certification expired
        DryNeedlingCertification.objects.filter(practitioner__user=self.bob).update(expires_on=None, verified=False)
        assert self.names() == ["Alice Chen"]  # certification not verified by the clinic
        DryNeedlingCertification.objects.filter(practitioner__user=self.bob).update(verified=True)
        PractitionerProfile.objects.filter(user=self.bob).update(
            licence_expires_on=timezone.localdate() - dt.timedelta(days=400)
        )
        assert self.names() == ["Alice Chen"]  # licence expired

    def test_a_certification_without_expiry_is_current_without_a_date(self) -> None:
        credential(self.bob, cert_expires=None)
        content = self.client.get(URL).content.decode()
        assert "Dry-needling certification current</span>" in content

    def test_a_jurisdiction_that_forbids_needling_keeps_them_off(self) -> None:
        credential(self.bob, jurisdiction="US-CA")
        assert self.names() == ["Alice Chen"]

    def test_only_active_clinicians_of_this_clinic(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(is_active=False)
        assert self.names() == []
        content = self.client.get(URL).content.decode()
        assert "No practitioner at Front Range Physical Therapy is listed" in content
        assert "Charlie" not in content

    def test_sites_and_how_to_book(self) -> None:
        response = self.client.get(URL)
        [alice] = response.context["directory"].practitioners
        assert [s.name for s in alice.sites] == ["Denver Highlands"] and not alice.works_at_all_sites
        content = response.content.decode()
        assert "1800 Pearl St, Boulder, CO 80302" in content and "3300 W 32nd Ave, Denver" in content
        assert 'href="tel:+13035550140"' in content and "+1 303 555 0175" in content
        assert "Old Town" not in content and "555 0999" not in content  # a closed site
        assert 'href="/login/?next=/portal/"' in content
        assert "Book an evaluation" in content

    def test_without_a_site_of_their_own_the_clinics_open_sites_are_shown(self) -> None:
        self.alice_profile.sites.clear()
        [alice] = self.client.get(URL).context["directory"].practitioners
        assert [s.name for s in alice.sites] == ["Boulder", "Denver Highlands"] and alice.works_at_all_sites

    def test_no_patient_data_and_no_audit_of_charts(self) -> None:
        content = self.client.get(URL).content.decode()
        for text in ("Kowalski", "Brennan", "NP-000001", "Rossi", "Yarra"):
            assert text not in content, text
        assert not AuditEvent.objects.filter(action="read").exists()

    def test_signed_in_users_see_the_same_page(self) -> None:
        for user in (self.pat, self.charlie, self.fran):
            self.client.force_login(user)
            assert self.names() == ["Alice Chen"], user.username

    def test_the_other_clinic_has_its_own_directory(self) -> None:
        response = self.client.get("/clinics/yarra/practitioners/")
        assert response.status_code == 200
        assert [p.name for p in response.context["directory"].practitioners] == ["Charlie Nguyen"]
        assert "Alice" not in response.content.decode()

    def test_an_unknown_clinic_is_404(self) -> None:
        assert self.client.get("/clinics/nowhere/practitioners/").status_code == 404

    def test_only_reading_methods(self) -> None:
        assert self.client.post(URL).status_code == 405
        assert self.client.head(URL).status_code == 200

    def test_query_count_does_not_grow_with_practitioners(self) -> None:
        self.client.get(URL)
        with self.assertNumQueries(5):
            self.client.get(URL)
        for i in range(4):
            user = make_user(f"extra{i}", self.clinic, Role.CLINICIAN, "Extra", f"Person{i}")
            credential(user).sites.set([self.site, self.denver])
        with self.assertNumQueries(5):
            assert len(self.client.get(URL).context["directory"].practitioners) == 5
