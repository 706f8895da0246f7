"""Checking a needling plan before the visit, by the code the needle log runs.

- :func:`check_plan`: a plan that names no patient (spec/safety-check.md), for the API and the
  command line. Nothing is stored and nothing is read from a chart, so nothing is audited.
- :func:`check_plan_for_patient`: the clinic's page. The plan is tried against the patient's own
  measures and the screening in force, exactly as the needle log would check each entry
  (``insertions.checks_for_patient``); reading the chart is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.clinical import plan_check
from needlepoint.clinical.depth import PleuraEstimate
from needlepoint.clinical.plan_check import InsertionCheck, PlanInputError, PlannedInsertion, PlanResult
from needlepoint.errors import InvalidInput
from needlepoint.patients.models import Patient
from needlepoint.patients.readiness import Readiness, readiness
from needlepoint.patients.services import open_chart
from needlepoint.visits.services.common import require_clinician
from needlepoint.visits.services.insertions import checks_for_patient, patient_measures

DOING = "check a needling plan"


def check_plan(actor: User, raw: Any) -> PlanResult:
    """Run every check of the needle log (the practitioner's aside) on a plan that is not stored."""
    require_clinician(actor, DOING)
    try:
        plan = plan_check.parse_plan(raw)
    except PlanInputError as exc:
        raise InvalidInput(exc.errors) from None
    return plan_check.check_plan(plan)


@dataclass(frozen=True)
class PatientPlanCheck:
    patient: Patient
    position: str | None
    checks: tuple[InsertionCheck, ...]
    estimate: PleuraEstimate
    readiness: Readiness

    @property
    def all_passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)


@transaction.atomic
def check_plan_for_patient(
    actor: User, patient_id: Any, insertions: Sequence[PlannedInsertion], position: str | None
) -> PatientPlanCheck:
    """The plan against this patient's measures and screening (audited as a chart read)."""
    require_clinician(actor, DOING)
    patient = open_chart(actor, patient_id)
    checks = tuple(
        InsertionCheck(insertion, tuple(checks_for_patient(patient, insertion, position))) for insertion in insertions
    )
    estimate = plan_check.headline_estimate(patient_measures(patient), position)
    return PatientPlanCheck(patient, position, checks, estimate, readiness(patient))
