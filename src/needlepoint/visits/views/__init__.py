"""Episode and visit-note pages (see ``urls.py``): episodes, the note and its sections, the needle
log, signing and addenda, the PDFs, and the aftercare handout in the patient portal."""

from needlepoint.visits.views.documents import (
    aftercare_pdf,
    note_pdf,
    portal_aftercare,
    portal_aftercare_pdf,
    superbill_pdf,
)
from needlepoint.visits.views.episodes import episode_detail, episode_edit, episode_new, visit_start
from needlepoint.visits.views.needles import (
    insertion_add,
    insertion_check,
    insertion_confirm,
    insertion_edit,
    insertion_remove,
)
from needlepoint.visits.views.note import (
    adverse_event_add,
    clinical_notes,
    co_intervention_add,
    co_intervention_remove,
    finding_add,
    finding_remove,
    pain_drawing,
    pain_ratings,
    visit_note,
)
from needlepoint.visits.views.signing import addendum_add, discard, sign, sign_check

__all__ = [
    "addendum_add",
    "adverse_event_add",
    "aftercare_pdf",
    "clinical_notes",
    "co_intervention_add",
    "co_intervention_remove",
    "discard",
    "episode_detail",
    "episode_edit",
    "episode_new",
    "finding_add",
    "finding_remove",
    "insertion_add",
    "insertion_check",
    "insertion_confirm",
    "insertion_edit",
    "insertion_remove",
    "note_pdf",
    "pain_drawing",
    "pain_ratings",
    "portal_aftercare",
    "portal_aftercare_pdf",
    "sign",
    "sign_check",
    "superbill_pdf",
    "visit_note",
    "visit_start",
]
