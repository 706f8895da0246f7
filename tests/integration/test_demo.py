from __future__ import annotations

import pytest

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.audit.services import verify_chain
from needlepoint.demo.seed import seed_demo
from needlepoint.patients.models import Patient
from needlepoint.scheduling.models import Appointment


@pytest.mark.django_db
def test_demo_has_two_isolated_clinics_and_is_idempotent() -> None:
    logins = seed_demo()
    assert Clinic.objects.count() == 2
    for clinic in Clinic.objects.all():
        staff = User.objects.filter(clinic=clinic)
        assert staff.filter(role=Role.CLINIC_ADMIN).count() == 1
        assert staff.filter(role=Role.CLINICIAN).count() == 2
        assert staff.filter(role=Role.FRONT_DESK).count() == 1
        assert Patient.objects.filter(clinic=clinic).count() >= 20
        assert Patient.objects.filter(clinic=clinic, user__isnull=False).count() == 1
        assert Appointment.objects.filter(clinic=clinic).exists()
        assert all(a.patient.clinic_id == clinic.pk for a in Appointment.objects.filter(clinic=clinic))
    assert {"alice", "bob", "charlie", "pat"} <= {login.username for login in logins}
    counts = (Patient.objects.count(), Appointment.objects.count())
    seed_demo()
    assert (Patient.objects.count(), Appointment.objects.count()) == counts
    assert verify_chain().ok
