"""A base test class with named people, after healthchecks' BaseTestCase.

Alice and Bob are clinicians at Front Range; Ada is its administrator and Fran its front desk;
Pat is a Front Range patient with a portal login. Charlie is a clinician at another clinic:
the outsider who must never learn that Front Range's records exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client, TestCase

from needlepoint.accounts.models import Clinic, PractitionerProfile, Profession, Role, Site, User
from needlepoint.accounts.services import issue_token
from needlepoint.patients.models import Patient


def make_user(username: str, clinic: Clinic, role: str, first: str, last: str) -> User:
    user = User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        clinic=clinic,
        role=role,
        first_name=first,
        last_name=last,
        email=f"{username}@example.org",
    )
    if role == Role.CLINICIAN:
        PractitionerProfile.objects.create(user=user, profession=Profession.PHYSICAL_THERAPIST)
    return user


class ClinicTestCase(TestCase):
    clinic: Clinic
    other_clinic: Clinic
    site: Site
    alice: User
    bob: User
    ada: User
    fran: User
    charlie: User
    pat: User
    pat_record: Patient
    olive: Patient
    bruno: Patient

    @classmethod
    def setUpTestData(cls) -> None:
        cls.clinic = Clinic.objects.create(
            name="Front Range Physical Therapy", slug="front-range", time_zone="America/Denver"
        )
        cls.other_clinic = Clinic.objects.create(name="Yarra Myotherapy", slug="yarra", time_zone="Australia/Melbourne")
        cls.site = Site.objects.create(clinic=cls.clinic, name="Boulder")
        cls.other_site = Site.objects.create(clinic=cls.other_clinic, name="Fitzroy")
        cls.alice = make_user("alice", cls.clinic, Role.CLINICIAN, "Alice", "Chen")
        cls.bob = make_user("bob", cls.clinic, Role.CLINICIAN, "Bob", "Okafor")
        cls.ada = make_user("ada", cls.clinic, Role.CLINIC_ADMIN, "Ada", "Morgan")
        cls.fran = make_user("fran", cls.clinic, Role.FRONT_DESK, "Fran", "Diaz")
        cls.charlie = make_user("charlie", cls.other_clinic, Role.CLINICIAN, "Charlie", "Nguyen")
        cls.pat = make_user("pat", cls.clinic, Role.PATIENT, "Pat", "Kowalski")
        cls.pat_record = Patient.objects.create(
            clinic=cls.clinic,
            chart_number="NP-000001",
            given_name="Pat",
            family_name="Kowalski",
            date_of_birth=dt.date(1986, 4, 12),
            sex="female",
            user=cls.pat,
            height_cm=Decimal("166.0"),
            weight_kg=Decimal("58.5"),
        )
        cls.olive = Patient.objects.create(
            clinic=cls.clinic,
            chart_number="NP-000002",
            given_name="Olive",
            family_name="Brennan",
            date_of_birth=dt.date(1971, 9, 3),
            sex="female",
        )
        cls.bruno = Patient.objects.create(
            clinic=cls.other_clinic,
            chart_number="NP-000001",
            given_name="Bruno",
            family_name="Rossi",
            date_of_birth=dt.date(1990, 1, 20),
            sex="male",
        )

    def setUp(self) -> None:
        self.client = Client(enforce_csrf_checks=True)

    def login(self, user: User) -> Client:
        self.client.force_login(user)
        return self.client

    def token_for(self, user: User) -> str:
        return issue_token(username=user.username).secret

    def api(self, user: User | None) -> Client:
        """A client that sends the user's bearer token (or none)."""
        if user is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {self.token_for(user)}"})

    def csrf_post(self, path: str, data: dict[str, object], *, form_page: str | None = None) -> object:
        """POST like a browser: fetch the page with the form for its CSRF cookie, then send the token."""
        self.client.get(form_page or path)
        token = self.client.cookies["csrftoken"].value
        return self.client.post(path, {**data, "csrfmiddlewaretoken": token})
