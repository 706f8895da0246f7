"""Plain-language helpers for the public "Learn about dry needling" pages.

The functions at the top are pure (knowledge records in, plain strings out) so they can be
tested without Django; the template filters at the bottom wrap them. Nothing here marks
knowledge text as safe except :func:`plain_text_blocks`, which escapes every line itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from needlepoint.knowledge import Evidence

register = template.Library()

# --- topic bodies ---------------------------------------------------------------------


def plain_text_blocks(text: str) -> SafeString:
    """Render a topic body (plain text) as HTML paragraphs and bullet lists.

    The knowledge base writes bodies as plain text: paragraphs are separated by a blank
    line, and a line starting with ``"- "`` is a list item. Consecutive lines of ordinary
    text in one block join into one paragraph; consecutive list lines form one ``<ul>``.
    Every piece of text is HTML-escaped before any markup is added, so the result is safe
    whatever the data holds.
    """
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        # group the block's lines into runs of paragraph text and runs of list items
        runs: list[tuple[bool, list[str]]] = []
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            is_item = line.startswith("- ")
            if is_item:
                line = line[2:].strip()
            if runs and runs[-1][0] == is_item:
                runs[-1][1].append(line)
            else:
                runs.append((is_item, [line]))
        for is_item, lines in runs:
            if is_item:
                out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in lines) + "</ul>")
            else:
                out.append(f"<p>{escape(' '.join(lines))}</p>")
    return mark_safe("\n".join(out))  # noqa: S308 - every text above went through escape()


def link_see_also(text: str, names: Mapping[str, str], anchor: str = "effect-") -> SafeString:
    """Escape ``text`` and turn "(see some-id)" for a known id into a link to ``#{anchor}{id}``.

    The adverse-effect texts point at each other by id ("see post-needling-soreness");
    on the page that becomes a link named by the entry's plain name.
    """

    def replace(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref not in names:
            return match.group(0)
        name = names[ref]
        name = name[:1].lower() + name[1:]
        return f'(see <a href="#{escape(anchor)}{ref}">{escape(name)}</a>)'

    return mark_safe(re.sub(r"\(see ([a-z0-9]+(?:-[a-z0-9]+)*)\)", replace, str(escape(text))))  # noqa: S308


def first_sentence(text: str) -> str:
    """The first sentence of a plain summary, for one-line listings."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()), maxsplit=1)
    return parts[0]


# --- evidence in plain words ----------------------------------------------------------

BadgeKind = Literal["benefit", "mixed", "against", "none"]

BAND_ORDER = ("immediate", "short-term", "medium-term", "long-term")

#: How far after treatment a benefit was still seen, for the short badge.
BAND_SHORT = {
    "immediate": "straight after treatment",
    "short-term": "short term",
    "medium-term": "up to 6 months",
    "long-term": "longer term",
}

#: The same bands in a sentence ("dry needling reduced pain more ...").
BAND_PHRASE = {
    "immediate": "straight after treatment (up to a week later)",
    "short-term": "in the short term (up to 12 weeks)",
    "medium-term": "in the medium term (3 to 6 months)",
    "long-term": "in the long term (more than 6 months)",
}

QUALITY_WORDS = {
    "high": "high",
    "moderate": "moderate",
    "low": "low",
    "very-low": "very low",
}

#: Outcome names as a patient would say them.
OUTCOME_NOUNS = {
    "pain": "pain",
    "disability": "disability (how much the problem limits daily life)",
    "function": "function (how well you can use that part of the body)",
    "ppt": "tenderness to pressure",
    "treatment-success": "the chance of a good result",
    "fatigue": "tiredness",
    "sleep": "sleep",
    "rom": "range of movement",
    "grip-strength": "grip strength",
    "adverse-events": "side effects",
}

#: What "favours dry needling" means for each outcome.
BENEFIT_VERBS = {
    "pain": "reduced pain more",
    "disability": "reduced disability (how much the problem limits daily life) more",
    "function": "improved function (how well you can use that part of the body) more",
    "ppt": "made tender spots less sensitive to pressure",
    "treatment-success": "led to more good results",
    "fatigue": "reduced tiredness more",
    "sleep": "improved sleep more",
    "rom": "improved range of movement more",
    "grip-strength": "improved grip strength more",
    "adverse-events": "caused fewer side effects",
}

#: Outcome-measure ids (conditions.yaml) as names a patient can look up.
MEASURE_NAMES = {
    "nprs": "pain rating (0-10)",
    "vas": "pain scale (0-100)",
    "odi": "Oswestry Disability Index",
    "ndi": "Neck Disability Index",
    "quickdash": "QuickDASH (arm, shoulder and hand)",
    "psfs": "Patient-Specific Functional Scale",
    "hdi": "Headache Disability Index",
    "ffi": "Foot Function Index",
    "ppt": "pressure pain threshold",
    "rom": "range of movement",
    "grip-strength": "grip strength",
    "fhsq": "Foot Health Status Questionnaire",
}

BAND_LABELS = {
    "common": "Common",
    "uncommon": "Uncommon",
    "rare": "Rare",
    "very-rare": "Very rare",
}


@dataclass(frozen=True)
class EvidenceBadge:
    kind: BadgeKind
    label: str


def evidence_badge(evidence: Iterable[Evidence]) -> EvidenceBadge:
    """One plain-words verdict for a condition's evidence rows.

    The rule is deliberately simple, so a reader can check it against the rows:

    - no rows at all -> ``none``: "Little direct evidence";
    - at least one row favouring dry needling -> ``benefit``: "Studies show benefit (...)",
      naming the LATEST timepoint band at which a row still favoured dry needling;
    - otherwise, at least one row favouring the comparison -> ``against``:
      "Other treatments did better in studies";
    - otherwise (only no-difference / unclear rows) -> ``mixed``: "Mixed or unclear evidence".

    It does not weigh comparisons: a benefit over sham and a draw with exercise both count.
    The condition page spells out every row, so the badge is a pointer, not a verdict.
    """
    rows = list(evidence)
    if not rows:
        return EvidenceBadge("none", "Little direct evidence")
    favouring = [e for e in rows if e.direction == "favours-dn"]
    if favouring:
        latest = max(favouring, key=lambda e: BAND_ORDER.index(e.timepoint_band)).timepoint_band
        return EvidenceBadge("benefit", f"Studies show benefit ({BAND_SHORT[latest]})")
    if any(e.direction == "favours-comparator" for e in rows):
        return EvidenceBadge("against", "Other treatments did better in studies")
    return EvidenceBadge("mixed", "Mixed or unclear evidence")


def _plain_comparison(text: str) -> str:
    text = re.sub(r"\bDN\b", "dry needling", text)
    text = re.sub(r"\bRCTs\b", "randomised trials", text)
    return re.sub(r"\bRCT\b", "randomised trial", text)


def evidence_sentence(e: Evidence) -> str:
    """One evidence row as a sentence, e.g.

    "Compared with sham, dry needling reduced pain more in the short term (up to 12 weeks);
    the quality of this evidence is very low."

    A comparison written "A vs B" becomes "Compared with B, A ..."; one written "vs B"
    (or without "vs") has dry needling as its subject.
    """
    comparison = _plain_comparison(e.comparison.strip())
    subject = "dry needling"
    if comparison.lower().startswith("vs "):
        comparator = comparison[3:].strip()
    elif " vs " in comparison:
        subject, comparator = (part.strip() for part in comparison.split(" vs ", 1))
    else:
        comparator = comparison
    comparator = re.sub(r"^(comparison groups|comparators)\b", r"the \1", comparator)
    comparator = re.sub(r"^control\b", "a control group", comparator)
    noun = OUTCOME_NOUNS.get(e.outcome, e.outcome.replace("-", " "))
    if e.direction == "favours-dn":
        result = BENEFIT_VERBS.get(e.outcome, f"gave better results for {noun}")
    elif e.direction == "favours-comparator":
        result = f"did less well for {noun}"
    elif e.direction == "no-difference":
        result = f"showed no clear difference in {noun}"
    else:
        result = f"had no clear advantage for {noun}"
    if e.quality in QUALITY_WORDS:
        quality = f"the quality of this evidence is {QUALITY_WORDS[e.quality]}"
    else:
        quality = "the quality of this evidence was not formally graded"
    return f"Compared with {comparator}, {subject} {result} {BAND_PHRASE[e.timepoint_band]}; {quality}."


def measure_name(measure_id: str) -> str:
    return MEASURE_NAMES.get(measure_id, measure_id)


# --- template filters -----------------------------------------------------------------


@register.filter(name="plain_text")
def plain_text_filter(text: str) -> SafeString:
    return plain_text_blocks(str(text))


@register.filter(name="see_also")
def see_also_filter(text: str, names: Mapping[str, str]) -> SafeString:
    return link_see_also(str(text), names)


@register.filter(name="full_stop")
def full_stop(text: str) -> str:
    """``text`` ending in one full stop: "Smith J, et al." stays, "Title" gets one, "Why?" stays."""
    text = str(text).rstrip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


@register.filter(name="first_sentence")
def first_sentence_filter(text: str) -> str:
    return first_sentence(str(text))


@register.filter(name="evidence_badge")
def evidence_badge_filter(evidence: Iterable[Evidence]) -> EvidenceBadge:
    return evidence_badge(evidence)


@register.filter(name="evidence_sentence")
def evidence_sentence_filter(e: Evidence) -> str:
    return evidence_sentence(e)


@register.filter(name="measure_name")
def measure_name_filter(measure_id: str) -> str:
    return measure_name(str(measure_id))


@register.filter(name="band_label")
def band_label_filter(band: str) -> str:
    return BAND_LABELS.get(str(band), str(band))


@register.filter(name="cite_number")
def cite_number(source_id: str, numbers: dict[str, int]) -> int | str:
    """The number of ``source_id`` in this page's numbered source list."""
    return numbers.get(source_id, "?")
