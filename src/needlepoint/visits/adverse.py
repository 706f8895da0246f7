"""What can go wrong after dry needling, and how bad it was: the words a note records.

Severity follows the three grades of the adverse-event surveys of dry needling: Brady 2014 graded
events *mild* or *significant* (and found no significant ones in 7,629 treatments); Boyce 2020
split *minor* from *major* events. The definitions below are written in our words from those
grades; the exact wording of the papers is still to be checked (clinical-facts tag [R]), so the
clinician chooses the grade and the definitions guide the choice.
"""

from __future__ import annotations

from django.db import models

SEVERITY_SOURCES = ("brady-2014", "boyce-2020")


class AdverseEventKind(models.TextChoices):
    BRUISING = "bruising", "Bruising"
    BLEEDING = "bleeding", "Bleeding"
    PAIN_DURING = "pain_during", "Pain during treatment"
    PAIN_AFTER = "pain_after", "Pain after treatment"
    WORSE_SYMPTOMS = "worse_symptoms", "Symptoms worse"
    DROWSINESS = "drowsiness", "Drowsiness"
    FAINTING = "fainting", "Fainting"
    NAUSEA = "nausea", "Nausea"
    HEADACHE = "headache", "Headache"
    NERVE_IRRITATION = "nerve_irritation", "Nerve irritation"
    INFECTION = "infection", "Infection"
    PNEUMOTHORAX = "pneumothorax", "Pneumothorax"
    BROKEN_OR_RETAINED_NEEDLE = "broken_or_retained_needle", "Broken or retained needle"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    SIGNIFICANT = "significant", "Significant"
    SERIOUS = "serious", "Serious"


SEVERITY_DEFINITIONS = {
    Severity.MILD: (
        "Short-lived and not distressing: settles without treatment and does not change what the "
        "patient can do (a bruise, a spot of blood, brief soreness)."
    ),
    Severity.SIGNIFICANT: (
        "Distressing or unacceptable to the patient, or needs further treatment or a change of plan, "
        "without a hospital stay or lasting harm."
    ),
    Severity.SERIOUS: (
        "Needs urgent medical care or a hospital stay, or causes lasting harm, disability or death "
        "(a pneumothorax, a needle left in the body)."
    ),
}

#: Events that are serious whatever else happened: a pneumothorax always needs medical care.
ALWAYS_SERIOUS = frozenset({AdverseEventKind.PNEUMOTHORAX})
