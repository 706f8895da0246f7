"""Who the public directory lists: a verified licence in force, a current verified certification and
nothing that blocks needling today; what it shows of the certification."""

from __future__ import annotations

import datetime as dt

from needlepoint.clinical.credentials import Certification, Credentials
from needlepoint.clinical.directory import public_credentials

TODAY = dt.date(2026, 6, 1)
CERT = Certification(hours=54, completed_on=dt.date(2024, 1, 10), expires_on=dt.date(2027, 1, 10), verified=True)


def creds(*certs: Certification, **changes: object) -> Credentials:
    values: dict[str, object] = {
        "profession": "physical_therapist",
        "licence_number": "PT-1",
        "licence_jurisdiction": "us-co",
        "licence_expires_on": dt.date(2027, 6, 1),
        "certifications": certs or (CERT,),
    }
    values.update(changes)
    return Credentials(**values)  # type: ignore[arg-type]


def test_a_verified_licence_and_current_certification_are_listed_as_such() -> None:
    shown = public_credentials(creds(), licence_verified=True, on=TODAY)
    assert shown is not None
    assert shown.licence_jurisdiction == "US-CO"
    assert shown.certified_until == dt.date(2027, 1, 10)
    assert shown.certification_hours == 54


def test_an_unverified_licence_is_not_listed() -> None:
    assert public_credentials(creds(), licence_verified=False, on=TODAY) is None


def test_an_expired_or_missing_licence_is_not_listed() -> None:
    assert public_credentials(creds(licence_expires_on=dt.date(2026, 5, 31)), licence_verified=True, on=TODAY) is None
    assert public_credentials(creds(licence_number=" "), licence_verified=True, on=TODAY) is None


def test_an_expired_unverified_or_future_certification_is_not_listed() -> None:
    expired = Certification(54, dt.date(2020, 1, 1), dt.date(2026, 5, 31), True)
    unverified = Certification(54, dt.date(2024, 1, 1), None, False)
    future = Certification(54, dt.date(2026, 7, 1), None, True)
    for cert in (expired, unverified, future):
        assert public_credentials(creds(cert), licence_verified=True, on=TODAY) is None, cert


def test_the_jurisdictions_rules_still_apply() -> None:
    # California does not permit physical therapists to dry needle; Colorado requires 50 hours.
    assert public_credentials(creds(licence_jurisdiction="US-CA"), licence_verified=True, on=TODAY) is None
    short = Certification(24, dt.date(2024, 1, 1), None, True)
    assert public_credentials(creds(short), licence_verified=True, on=TODAY) is None


def test_the_latest_expiry_is_shown_and_no_expiry_wins() -> None:
    later = Certification(30, dt.date(2025, 1, 1), dt.date(2028, 3, 1), True)
    shown = public_credentials(creds(CERT, later), licence_verified=True, on=TODAY)
    assert shown is not None and shown.certified_until == dt.date(2028, 3, 1) and shown.certification_hours == 84
    open_ended = Certification(30, dt.date(2025, 1, 1), None, True)
    shown = public_credentials(creds(CERT, open_ended), licence_verified=True, on=TODAY)
    assert shown is not None and shown.certified_until is None
    # An unverified certificate adds nothing to what is shown.
    extra = Certification(100, dt.date(2025, 1, 1), dt.date(2030, 1, 1), False)
    shown = public_credentials(creds(CERT, extra), licence_verified=True, on=TODAY)
    assert shown is not None and shown.certified_until == dt.date(2027, 1, 10) and shown.certification_hours == 54
