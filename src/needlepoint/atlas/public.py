"""Public (no login) patient-education pages under /learn/: "Learn about dry needling".

Every page reads the knowledge base only (no patient data), works signed-out and signed-in,
and lists its sources. Clinician-only topics are not published here, and sections headed
"For clinicians ..." inside shared topics are left out of the patient view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from needlepoint.atlas import services
from needlepoint.atlas.templatetags.learn_text import evidence_badge
from needlepoint.bodymap import Mark, RegionKey, Side, render_both
from needlepoint.errors import NotFound
from needlepoint.knowledge import AdverseEffect, Condition, Reference, Topic, TopicSection, load_knowledge

PUBLIC_AUDIENCES = ("patient", "both")
RISKS_TOPIC = "risks"
BANDS = ("common", "uncommon", "rare", "very-rare")
#: Topics linked from the index's "before and after your treatment" list, in reading order.
KEY_TOPICS = (
    "what-to-expect",
    "aftercare",
    "who-should-not-have-it",
    "choosing-a-practitioner",
    "dry-needling-vs-acupuncture",
)


# --- helpers --------------------------------------------------------------------------


def public_topics() -> list[Topic]:
    """Topics written for patients (audience patient or both), in knowledge-base order."""
    return [t for t in load_knowledge().topics.values() if t.audience in PUBLIC_AUDIENCES]


def public_topic(topic_id: str) -> Topic:
    """A topic patients may read; Http404 for unknown and clinician-only topics."""
    try:
        topic = services.topic(topic_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if topic.audience not in PUBLIC_AUDIENCES:
        raise Http404(f"no public topic {topic_id!r}")
    return topic


def patient_sections(topic: Topic) -> list[TopicSection]:
    """The sections a patient sees: all but those headed "For clinicians ..."."""
    return [s for s in topic.sections if not s.heading.lower().startswith("for clinicians")]


def topic_url(topic: Topic) -> str:
    if topic.id == RISKS_TOPIC:
        return reverse("learn-risks")
    return reverse("learn-topic", args=[topic.id])


def numbered(references: Sequence[Reference]) -> dict[str, int]:
    """Source id -> its 1-based number in a page's source list."""
    return {r.id: i for i, r in enumerate(references, start=1)}


def public_source_ids() -> list[str]:
    """Every source the public pages cite: patient topics, conditions, adverse effects."""
    kb = load_knowledge()
    ids: list[str] = []
    for topic in public_topics():
        ids.extend(topic.sources)
    for condition in kb.conditions.values():
        ids.extend(r.id for r in services.condition_sources(condition))
    for effect in kb.adverse_effects.values():
        ids.extend(_effect_source_ids(effect))
    return ids


def _effect_source_ids(effect: AdverseEffect) -> list[str]:
    return [*(rate.source for rate in effect.rates), *effect.sources]


def _svg(markup: str) -> SafeString:
    """Body-map SVG built by needlepoint.bodymap, which escapes every text it embeds."""
    return mark_safe(markup)  # noqa: S308


def condition_chart(condition: Condition) -> SafeString | None:
    """The condition's usual pain areas painted on both sides of a static body chart."""
    kb = load_knowledge()
    marks: dict[RegionKey, Mark] = {}
    sides: tuple[Side | None, ...]
    for code in condition.regions:
        region = kb.regions.get(code)
        if region is None:
            continue
        sides = (None,) if region.midline else ("left", "right")
        for side in sides:
            marks[(code, side)] = Mark("pain")
    if not marks:
        return None
    return _svg(
        render_both(marks=marks, id_prefix="cond", title=f"Where {condition.plain_name.lower()} is usually felt")
    )


def _links(topics: Iterable[Topic]) -> list[dict[str, Any]]:
    return [{"topic": t, "url": topic_url(t)} for t in topics]


def _key_links(exclude: str = "") -> list[dict[str, Any]]:
    """Links to the key patient topics that exist, except ``exclude``."""
    by_id = {t.id: t for t in public_topics()}
    return _links(by_id[t] for t in (*KEY_TOPICS, RISKS_TOPIC) if t in by_id and t != exclude)


# --- views ----------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    kb = load_knowledge()
    topics = public_topics()
    by_id = {t.id: t for t in topics}
    conditions = list(kb.conditions.values())
    studied = sorted(
        (c for c in conditions if evidence_badge(c.evidence).kind == "benefit"), key=lambda c: c.plain_name
    )
    return render(
        request,
        "learn/index.html",
        {
            "topics": _links(topics),
            "key_topics": _key_links(RISKS_TOPIC),
            "risks": by_id.get(RISKS_TOPIC),
            "studied_conditions": studied,
            "condition_count": len(conditions),
        },
    )


@require_safe
def topic_detail(request: HttpRequest, topic_id: str) -> HttpResponse:
    topic = public_topic(topic_id)
    others = [t for t in public_topics() if t.id != topic.id]
    return render(
        request,
        "learn/topic.html",
        {
            "topic": topic,
            "sections": patient_sections(topic),
            "sources": services.references(topic.sources),
            "related": _links(others),
        },
    )


@require_safe
def condition_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    all_conditions = list(load_knowledge().conditions.values())
    found = services.search_conditions(query) if query else all_conditions
    rows = [{"condition": c, "badge": evidence_badge(c.evidence)} for c in sorted(found, key=lambda c: c.plain_name)]
    counts = {"benefit": 0, "mixed": 0, "against": 0, "none": 0}
    for c in all_conditions:
        counts[evidence_badge(c.evidence).kind] += 1
    overview = load_knowledge().topics.get("conditions-treated")
    return render(
        request,
        "learn/conditions.html",
        {
            "rows": rows,
            "query": query,
            "total": len(all_conditions),
            "counts": counts,
            "overview": overview if overview and overview.audience in PUBLIC_AUDIENCES else None,
        },
    )


@require_safe
def condition_detail(request: HttpRequest, condition_id: str) -> HttpResponse:
    try:
        condition = services.condition(condition_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    kb = load_knowledge()
    sources = services.condition_sources(condition)
    return render(
        request,
        "learn/condition.html",
        {
            "condition": condition,
            "badge": evidence_badge(condition.evidence),
            "sources": sources,
            "numbers": numbered(sources),
            "muscles": services.muscles_for_condition(condition),
            "places": [kb.regions[c].label for c in condition.regions if c in kb.regions],
            "chart": condition_chart(condition),
            "related": _key_links(),
        },
    )


@require_safe
def risks(request: HttpRequest) -> HttpResponse:
    topic = public_topic(RISKS_TOPIC)
    effects = list(load_knowledge().adverse_effects.values())
    ids: list[str] = [*topic.sources]
    for effect in effects:
        ids.extend(_effect_source_ids(effect))
    sources = services.references(ids)
    bands = [
        {"band": band, "effects": [e for e in effects if e.band == band]}
        for band in BANDS
        if any(e.band == band for e in effects)
    ]
    return render(
        request,
        "learn/risks.html",
        {
            "topic": topic,
            "sections": patient_sections(topic),
            "bands": bands,
            "effect_names": {e.id: e.plain_name for e in effects},
            "pneumothorax": load_knowledge().adverse_effects.get("pneumothorax"),
            "related": _key_links(RISKS_TOPIC),
            "sources": sources,
            "numbers": numbered(sources),
        },
    )


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    refs = services.references(public_source_ids())
    refs.sort(key=lambda r: (r.authors.lower(), r.year or 0, r.title.lower()))
    return render(
        request,
        "learn/sources.html",
        {
            "sources": refs,
            "unconfirmed": sum(1 for r in refs if r.status == "unconfirmed"),
        },
    )
