"""Screening for dry needling: the answers contract, the cited rules and their evaluation.

Pure: no Django, no I/O. The question ids, plan input and result shape follow the screening
contract (docs/screening.md); rules cite bibliography ids from needlepoint.knowledge.
"""

from needlepoint.clinical.screening.answers import QUESTION_IDS, ScreeningInputError, validate_answers, validate_plan
from needlepoint.clinical.screening.engine import Result, evaluate, result_with_overrides
from needlepoint.clinical.screening.rules import RULES, Rule

__all__ = [
    "QUESTION_IDS",
    "RULES",
    "Result",
    "Rule",
    "ScreeningInputError",
    "evaluate",
    "result_with_overrides",
    "validate_answers",
    "validate_plan",
]
