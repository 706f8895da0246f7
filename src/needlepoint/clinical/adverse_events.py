"""Grading adverse events after dry needling.

Severity follows the grades of the dry-needling adverse-event surveys: Brady 2014 graded events
mild or significant (no significant ones in 7,629 treatments); Boyce 2020 split minor from major.
The definitions are in our words from those grades; the papers' exact wording is still to be
checked, so the clinician chooses the grade and the definitions guide the choice.
"""

from __future__ import annotations

SOURCES = ("brady-2014", "boyce-2020")
KINDS = (
    "bruising",
    "bleeding",
    "pain_during",
    "pain_after",
    "worse_symptoms",
    "drowsiness",
    "fainting",
    "nausea",
    "headache",
    "nerve_irritation",
    "infection",
    "pneumothorax",
    "broken_or_retained_needle",
    "other",
)
SEVERITIES = ("mild", "significant", "serious")
SEVERITY_DEFINITIONS = {
    "mild": (
        "Short-lived and not distressing: settles without treatment and does not change what the "
        "patient can do (a bruise, a spot of blood, brief soreness)."
    ),
    "significant": (
        "Distressing or unacceptable to the patient, or needs further treatment or a change of plan, "
        "without a hospital stay or lasting harm."
    ),
    "serious": (
        "Needs urgent medical care or a hospital stay, or causes lasting harm, disability or death "
        "(a pneumothorax, a needle left in the body)."
    ),
}
#: Serious whatever else happened: a pneumothorax always needs medical care.
ALWAYS_SERIOUS = frozenset({"pneumothorax"})


def grading_problems(kind: str, severity: str, action_taken: str, description: str) -> dict[str, list[str]]:
    """What is wrong with how an event is graded and described, by field (empty: nothing)."""
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"one of: {', '.join(KINDS)}"]
    if severity not in SEVERITIES:
        errors["severity"] = ["mild, significant or serious"]
    elif kind in ALWAYS_SERIOUS and severity != "serious":
        errors["severity"] = [f"a {kind.replace('_', ' ')} is always serious"]
    if severity in ("significant", "serious") and not action_taken.strip():
        errors["action_taken"] = ["say what was done about it"]
    if kind == "other" and not description.strip():
        errors["description"] = ["describe the event"]
    return errors


def needs_admin_alert(severity: str) -> bool:
    return severity == "serious"
