"""What can go wrong after dry needling, and how bad it was: the words a note records.

Severity follows the three grades of the adverse-event surveys of dry needling: Brady 2014 graded
events *mild* or *significant* (and found no significant ones in 7,629 treatments); Boyce 2020
split *minor* from *major* events. The definitions below are written in our words from those
grades; the exact wording of the papers is still to be checked (clinical-facts tag [R]), so the
clinician chooses the grade and the definitions guide the choice.
"""

from __future__ import annotations

from django.db import models

from needlepoint.clinical import adverse_events as grading

SEVERITY_SOURCES = grading.SOURCES


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


# The clinical rules (definitions, what is always serious) live in needlepoint.clinical.adverse_events.
SEVERITY_DEFINITIONS = {Severity(k): v for k, v in grading.SEVERITY_DEFINITIONS.items()}
ALWAYS_SERIOUS = frozenset(AdverseEventKind(k) for k in grading.ALWAYS_SERIOUS)
