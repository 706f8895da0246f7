"""Needlepoint knowledge base: body regions, bibliography, muscles, conditions, topics and
adverse effects, shipped as YAML package data and loaded into immutable typed records.

Pure core: imports only the standard library, pydantic and PyYAML (no Django, nothing
from other needlepoint packages).

    from needlepoint.knowledge import load_knowledge
    kb = load_knowledge()
    kb.muscles["upper-trapezius"].trigger_points[0].referral.primary
"""

from .loader import Knowledge, KnowledgeError, data_directory, load_knowledge, load_knowledge_from
from .models import (
    MUSCLE_GROUPS,
    OUTCOME_MEASURE_IDS,
    AdverseEffect,
    Condition,
    DangerStructure,
    Evidence,
    IcdCode,
    Muscle,
    Needling,
    Rate,
    Reference,
    Referral,
    Region,
    RegionGroup,
    Topic,
    TopicSection,
    TriggerPoint,
)

__all__ = [
    "MUSCLE_GROUPS",
    "OUTCOME_MEASURE_IDS",
    "AdverseEffect",
    "Condition",
    "DangerStructure",
    "Evidence",
    "IcdCode",
    "Knowledge",
    "KnowledgeError",
    "Muscle",
    "Needling",
    "Rate",
    "Reference",
    "Referral",
    "Region",
    "RegionGroup",
    "Topic",
    "TopicSection",
    "TriggerPoint",
    "data_directory",
    "load_knowledge",
    "load_knowledge_from",
]
