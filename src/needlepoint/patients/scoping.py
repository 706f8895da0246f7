"""Who may see a record about a patient: one rule for every app.

Staff (clinic admin, clinician, front desk) see their clinic's records; a patient sees only records
about themselves; anyone else sees nothing. A model's queryset names the path from the record to
the Patient (``patient_path``) and, for the Patient itself, uses an empty path.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from needlepoint.accounts.models import STAFF_ROLES, Role

Q = TypeVar("Q", bound="PatientScopedQuerySet")


class PatientScopedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    patient_path = "patient"  # lookup from this model to patients.Patient ("" for Patient itself)

    def visible_to(self: Q, user: Any) -> Q:
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.clinic_id is None:
            return self.none()
        if user.role in STAFF_ROLES:
            return self.filter(clinic_id=user.clinic_id)
        if user.role == Role.PATIENT:
            owner = f"{self.patient_path}__user_id" if self.patient_path else "user_id"
            return self.filter(clinic_id=user.clinic_id, **{owner: user.pk})
        return self.none()
