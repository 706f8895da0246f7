"""What a consent form says: risks snapshotted from the knowledge base, and the standard wording.

No database here: the services store what these functions return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from needlepoint.knowledge.loader import load_knowledge
from needlepoint.knowledge.models import AdverseEffect, Reference

#: The risks on the standard form (knowledge ids): what the issue asks every clinic to explain.
DEFAULT_RISK_IDS = (
    "post-needling-soreness",
    "bruising",
    "bleeding",
    "pain-during-treatment",
    "pain-after-treatment",
    "drowsiness",
    "fatigue",
    "fainting",
    "infection",
    "nerve-irritation-or-injury",
    "pneumothorax",
)

BAND_LABELS = {"common": "Common", "uncommon": "Uncommon", "rare": "Rare", "very-rare": "Very rare"}

DEFAULT_TITLE = "Consent to trigger-point dry needling"

DEFAULT_BODY = """\
Dry needling is a treatment for painful, tight muscles. Your clinician puts very fine, sterile, \
single-use needles through the skin into the tight, tender spots in a muscle (trigger points). \
You may feel a small prick, then a deep ache or cramp, and the muscle may twitch briefly. No \
medicine is injected. Needles may be moved in and out for a few seconds or left in place for \
several minutes.

Your clinician has assessed you and thinks dry needling may help your problem, as part of a plan \
that usually also includes exercise and advice. It does not help everyone, and there are other \
treatments you can choose instead. Please ask about anything that is not clear before you sign.

Like any treatment, dry needling has possible side effects. Most are minor and short-lived, such \
as soreness or a bruise. Serious problems are rare, but they can happen. The side effects you \
should know about are listed on this form, with how often they were seen in published studies \
and the signs to look out for.

Some problems can start hours after you leave the clinic. If you become short of breath or have \
new chest pain after needling near your chest, shoulders or upper back, go to an emergency \
department or call emergency services straight away and say that you have had needles in that \
area. Do not fly or scuba dive until a doctor has checked you. For increasing redness, heat or \
swelling at a needle site, a fever, or numbness or weakness that does not settle, see a doctor \
and let the clinic know.

Tell your clinician before treatment if you are pregnant or might be, take blood-thinning \
medicine, bleed or bruise easily, have a weakened immune system, diabetes, a heart-valve \
problem, a pacemaker or other implant, epilepsy, a fear of needles, or have ever fainted during \
a medical procedure.

Dry needling is voluntary. You can say no, ask your clinician to stop at any moment during a \
session, or withdraw your consent at any time, without giving a reason and without it affecting \
the rest of your care.

This consent covers a course of dry needling with this clinic. It stays in force until you \
withdraw it, or until the clinic changes this form in an important way (a new main version); you \
will then be asked to read and sign the new version. Your clinician will still check with you \
before each session."""

DEFAULT_ELECTRICAL_STIMULATION = """\
Sometimes the needles are connected by small clips to a battery-powered stimulator that sends a \
gentle pulsed current between them (electrical dry needling, also called percutaneous electrical \
nerve stimulation). It feels like tapping, tingling or rhythmic twitching, and the strength is \
only turned up to a level you find comfortable. Needles usually stay connected for a set time, \
often about 20 minutes. In one study, adding stimulation after needling reduced the soreness \
felt afterwards.

Electrical stimulation is not used if you have a pacemaker or an implanted defibrillator, or \
epilepsy that is not well controlled, and strong stimulation is not used in pregnancy. A metal \
implant in the area the current would cross is a reason for caution. Your clinician will ask \
before using it, and you can decline it and still have dry needling."""

_INITIALS = re.compile(r"^[A-Z][A-Za-z]{0,2}\.?$")
_SEE_ALSO = re.compile(r"\(see ([a-z0-9]+(?:-[a-z0-9]+)*)\)")


def short_citation(ref: Reference | None, fallback: str = "") -> str:
    """'Brady et al. 2014', 'White 2004', 'Hong 1994': enough to find it in the bibliography."""
    if ref is None:
        return fallback
    parts = [p.strip() for p in ref.authors.split(",") if p.strip()]
    first = parts[0] if parts else ref.authors
    words = first.split()
    if len(words) > 1 and _INITIALS.match(words[-1]) and words[-1].isupper():
        first = " ".join(words[:-1])
    authors = [p for p in parts if not p.lower().startswith("et al")]
    if len(parts) > 2 or any(p.lower().startswith("et al") for p in parts):
        name = f"{first} et al."
    elif len(authors) == 2:
        second = authors[1].split()
        name = f"{first} & {second[0] if len(second) > 1 else authors[1]}"
    else:
        name = first
    return f"{name} {ref.year}" if ref.year else name


def plain_see_also(text: str, effects: Any) -> str:
    """'(see post-needling-soreness)' -> '(see “muscle soreness after needling”)': no ids on paper."""

    def replace(match: re.Match[str]) -> str:
        effect = effects.get(match.group(1))
        if effect is None:
            return match.group(0)
        name = effect.plain_name[:1].lower() + effect.plain_name[1:]
        return f"(see “{name}”)"

    return _SEE_ALSO.sub(replace, text)


def risk_snapshot(effect: AdverseEffect, references: Any, effects: Any = None) -> dict[str, Any]:
    """One risk as stored on a form: copied, so the form never changes when knowledge does."""
    effects = effects if effects is not None else {}
    rate = effect.rates[0] if effect.rates else None
    source = rate.source if rate else (effect.sources[0] if effect.sources else "")
    return {
        "id": effect.id,
        "plain_name": effect.plain_name,
        "band": effect.band,
        "serious": effect.serious,
        "rate_text": rate.text if rate else "",
        "source": source,
        "citation": short_citation(references.get(source), source),
        "timing": plain_see_also(effect.timing, effects),
        "what_to_do": plain_see_also(effect.what_to_do, effects),
    }


def risks_for(ids: Iterable[str]) -> list[dict[str, Any]]:
    """Snapshots of the chosen adverse effects, in the knowledge base's order (common first)."""
    knowledge = load_knowledge()
    chosen = set(ids)
    effects = knowledge.adverse_effects
    return [risk_snapshot(e, knowledge.references, effects) for e in effects.values() if e.id in chosen]


def unknown_risk_ids(ids: Iterable[str]) -> list[str]:
    known = load_knowledge().adverse_effects
    return [i for i in ids if i not in known]


def adverse_effect_choices() -> list[AdverseEffect]:
    return list(load_knowledge().adverse_effects.values())


def default_content() -> dict[str, Any]:
    return {
        "title": DEFAULT_TITLE,
        "body": DEFAULT_BODY,
        "risk_ids": list(DEFAULT_RISK_IDS),
        "electrical_stimulation_text": DEFAULT_ELECTRICAL_STIMULATION,
    }
