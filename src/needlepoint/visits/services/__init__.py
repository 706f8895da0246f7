"""Visit use cases: every call checks who asks, runs in one transaction and is audited.

Split by concern: :mod:`.episodes` (episodes of care), :mod:`.notes` (starting, copying forward
and writing a draft), :mod:`.findings` (trigger-point findings, co-interventions),
:mod:`.insertions` (the needle log and its safety checks), :mod:`.adverse_events`, :mod:`.signing`
(needle counts, signing, addenda) and :mod:`.summary` (the note as plain data). Everything the web
pages, the API and the command line need is importable from here.
"""

from needlepoint.visits.services.adverse_events import add_adverse_event, clinic_admins, severity_definitions
from needlepoint.visits.services.common import find_episode, find_visit
from needlepoint.visits.services.episodes import (
    close_episode,
    create_episode,
    icd10_choices,
    list_episodes,
    open_episode,
    reopen_episode,
    update_episode,
)
from needlepoint.visits.services.findings import (
    add_co_intervention,
    add_finding,
    remove_co_intervention,
    remove_finding,
    update_finding,
)
from needlepoint.visits.services.insertions import (
    EntryFinding,
    InsertionResult,
    UnacknowledgedWarnings,
    add_insertion,
    check_insertion,
    remove_insertion,
    update_insertion,
)
from needlepoint.visits.services.notes import (
    copy_forward,
    discard_visit,
    last_visit,
    list_visits,
    open_visit,
    record_notes,
    record_pain_drawing,
    record_pain_ratings,
    start_visit,
    update_visit,
)
from needlepoint.visits.services.safety import PatientPlanCheck, check_plan, check_plan_for_patient
from needlepoint.visits.services.signing import add_addendum, record_needle_counts, sign_visit, signing_problems
from needlepoint.visits.services.summary import VisitSummary, episode_summary, visit_summary

__all__ = [
    "EntryFinding",
    "InsertionResult",
    "PatientPlanCheck",
    "UnacknowledgedWarnings",
    "VisitSummary",
    "add_addendum",
    "add_adverse_event",
    "add_co_intervention",
    "add_finding",
    "add_insertion",
    "check_insertion",
    "check_plan",
    "check_plan_for_patient",
    "clinic_admins",
    "close_episode",
    "copy_forward",
    "create_episode",
    "discard_visit",
    "episode_summary",
    "find_episode",
    "find_visit",
    "icd10_choices",
    "last_visit",
    "list_episodes",
    "list_visits",
    "open_episode",
    "open_visit",
    "record_needle_counts",
    "record_notes",
    "record_pain_drawing",
    "record_pain_ratings",
    "remove_co_intervention",
    "remove_finding",
    "remove_insertion",
    "reopen_episode",
    "severity_definitions",
    "sign_visit",
    "signing_problems",
    "start_visit",
    "update_episode",
    "update_finding",
    "update_insertion",
    "update_visit",
    "visit_summary",
]
