"""The printable handout of a home exercise programme (PDF through the documents app's WeasyPrint
helper and its data-only fetcher: nothing is fetched, everything printed is escaped text).

Nothing here decides who may print what: the views do, through the services, which audit the read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from needlepoint.consent.content import short_citation
from needlepoint.documents import render as documents
from needlepoint.documents.inputs import ClinicDetails
from needlepoint.homecare.models import ExerciseAssignment
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.exercises import load_exercises
from needlepoint.patients.models import Patient
from needlepoint.visits.documents import clinic_details

TEMPLATE = "homecare/handout_pdf.html"


def handout_context(
    *,
    clinic: ClinicDetails,
    patient_name: str,
    assignments: Sequence[ExerciseAssignment],
    issued_on: dt.date,
    heading: str = "",
) -> dict[str, Any]:
    """What the handout prints, as plain strings (testable without WeasyPrint)."""
    library = load_exercises()
    references = load_knowledge().references
    items = []
    sources: dict[str, None] = {}
    for assignment in assignments:
        exercise = library.get(assignment.exercise_id)
        if exercise is None:  # an id that left the library: print what was prescribed
            items.append({"name": assignment.exercise_id, "dose": assignment.dose_text, "notes": assignment.notes})
            continue
        items.append(
            {
                "name": exercise.name,
                "kind": exercise.kind_label,
                "purpose": exercise.purpose,
                "equipment": list(exercise.equipment),
                "steps": list(exercise.steps),
                "dose": assignment.dose_text,
                "notes": assignment.notes,
                "cautions": list(exercise.cautions),
                "assigned_by": assignment.assigned_by.display_name if assignment.assigned_by_id else "",
            }
        )
        sources.update(dict.fromkeys(exercise.sources))
    for advice in library.advice:
        sources.update(dict.fromkeys(advice.sources))
    return {
        "clinic": clinic,
        "patient_name": patient_name,
        "heading": heading,
        "issued_on": documents.fmt_date(issued_on),
        "items": items,
        "advice": [a.text for a in library.advice],
        "sources": [short_citation(references.get(s), s) for s in sources],
    }


def handout_pdf(
    patient: Patient, assignments: Sequence[ExerciseAssignment], *, issued_on: dt.date, heading: str = ""
) -> bytes:
    context = handout_context(
        clinic=clinic_details(patient),
        patient_name=patient.full_name,
        assignments=assignments,
        issued_on=issued_on,
        heading=heading,
    )
    # The documents app's one PDF path: page size check, template, WeasyPrint with DataOnlyFetcher.
    return documents.render_pdf(TEMPLATE, context, "A4")


def handout_filename(patient: Patient, issued_on: dt.date) -> str:
    return f"home-exercises-{patient.chart_number}-{issued_on:%Y-%m-%d}.pdf"
