"""The aftercare handout: what to expect, self-care, warning signs and the next visit, from what was done.

Pure: the visit's facts come in as an :class:`AftercareInput`; the handout comes out as plain
:class:`Handout` text (sections of paragraphs and bullets). Rendering (PDF, page) is elsewhere.
Every fact cites a bibliography id; the handout's ``sources`` lists them all:

- post-needling soreness in every patient, starting 2-8 hours after, easing in 24-48 hours, stronger
  and longer than after a lidocaine injection: hong-1994 (``post-needling-soreness``);
- bruising after 7.55% of treatments, bleeding, flare-up, tiredness: brady-2014 (rates are read
  from ``knowledge/data/adverse_effects.yaml``, not typed here);
- pneumothorax after needling over the chest wall, shoulder top or upper back, with symptoms that
  can start hours later: lin-2019, grusche-2018, white-2004;
- infection, nerve irritation: the sources of those records in ``adverse_effects.yaml``;
- after needling of the neck, a sudden severe headache or new neurological symptoms (weakness,
  numbness, trouble speaking or seeing, dizziness) need emergency care: bleeding inside the skull
  or a cerebellar stroke after needles at the back of the neck (choo-2000, heo-2011, both
  acupuncture), a cervical epidural haematoma after dry needling (lee-2011-epidural,
  berrigan-2018), and the spinal cord within reach of a 50 mm needle (kearns-2022);
- a faint that does not recover within a minute or two is an emergency (nhs-wales-fainting); a
  short faint is the vasovagal reaction of ``adverse_effects.yaml`` (brady-2014, boyce-2020);
- electrical stimulation may leave slightly less soreness: leon-hernandez-2016 (unconfirmed, so
  the handout says little); implanted electrical devices: acupuntura-electroacupuncture.

The chest-wall warning is shown when the clinician says the chest wall was needled *or* when a
needled muscle lies near the lung (``near_lung`` in ``muscles.yaml``: over the chest wall, beside
the scapula, above the lung apex or below the medial 12th rib) or a needled region is on the
thorax or the top of the shoulder: a missing tick must not hide the one emergency. The neck
warning likewise follows from the regions or the muscles needled.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from needlepoint.knowledge import Knowledge, load_knowledge

SIDES = ("left", "right")
# Regions over the lung besides the thorax group: the shoulder top (grusche-2018: pneumothorax
# after needling over the shoulder or upper back).
CHEST_WALL_GROUPS = frozenset({"thorax"})
CHEST_WALL_REGIONS = frozenset({"shoulder.top"})
# Needling near the spine (neck, upper and low back, buttock): a rare nerve or cord injury shows as
# sudden weakness or loss of bladder or bowel control (kearns-2022, hannah-2023).
SPINE_GROUPS = frozenset({"neck", "thorax", "lumbopelvic"})
PNEUMOTHORAX_SOURCES = ("lin-2019", "grusche-2018", "white-2004")
# Needling of the neck: any region in the neck group, the back of the head (suboccipital area), or
# a muscle of the neck group or lying in a neck region.
NECK_GROUPS = frozenset({"neck"})
NECK_REGIONS = frozenset({"head.occiput"})
NECK_SOURCES = ("choo-2000", "heo-2011", "lee-2011-epidural", "berrigan-2018", "kearns-2022")
# A faint normally ends within about 20 seconds; one that lasts beyond a minute is an emergency.
FAINT_SOURCES = ("nhs-wales-fainting", "brady-2014", "boyce-2020")
ESTIM_SOURCES = ("leon-hernandez-2016", "acupuntura-electroacupuncture")
# Adverse-event types the visit record may use that are not ids in adverse_effects.yaml.
EVENT_ALIASES = {
    "haematoma": "bruising",
    "hematoma": "bruising",
    "bruise": "bruising",
    "vasovagal": "fainting",
    "syncope": "fainting",
    "faint": "fainting",
    "soreness": "post-needling-soreness",
    "aggravation": "symptom-aggravation",
    "nerve-irritation": "nerve-irritation-or-injury",
    "nerve-injury": "nerve-irritation-or-injury",
}
# "(see nerve-irritation-or-injury)" points at another record; the handout has no such page.
_SEE_ALSO = re.compile(r"\s*\(see [a-z0-9]+(?:-[a-z0-9]+)*\)")


@dataclass(frozen=True)
class AftercareInput:
    """What was done at the visit, as the handout needs it.

    ``regions_needled`` holds (region code from ``regions.yaml``, "left" | "right" | None);
    ``muscles_needled`` holds muscle ids from ``muscles.yaml``; ``adverse_events`` holds
    (type, severity), the type being an ``adverse_effects.yaml`` id (a few aliases such as
    "haematoma" are understood; anything else is shown in words with general advice).
    """

    patient_name: str
    visit_date: dt.date
    regions_needled: tuple[tuple[str, str | None], ...]
    muscles_needled: tuple[str, ...]
    chest_wall_needled: bool
    electrical_stimulation: bool
    adverse_events: tuple[tuple[str, str], ...]
    next_visit: dt.date | None
    interval_days: int | None
    clinic_name: str
    clinic_phone: str
    emergency_number: str = "911"


@dataclass(frozen=True)
class Section:
    """One part of the handout. ``urgent`` sections are warning signs, drawn as boxes.

    ``key`` names the section for renderers and tests, in handout order: visit, emergency,
    contact-clinic, expect, self-care, estim (if used), events (if any), next-visit, contact.
    """

    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    urgent: bool = False
    key: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Handout:
    title: str
    sections: tuple[Section, ...]
    sources: tuple[str, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


# --- wording helpers ------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    """'Tuesday 19 May 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def region_phrases(regions: Iterable[tuple[str, str | None]], kb: Knowledge) -> tuple[str, ...]:
    """Regions in words, in the order given: 'Top of the shoulder (…), left side'; a region needled on
    both sides is named once with 'both sides'. Unknown codes or sides raise ValueError."""
    sides: dict[str, list[str]] = {}
    for code, side in regions:
        region = kb.regions.get(code)
        if region is None:
            raise ValueError(f"regions_needled: unknown region code {code!r}")
        if side is not None and side not in SIDES:
            raise ValueError(f"regions_needled: side must be 'left', 'right' or None, got {side!r}")
        seen = sides.setdefault(code, [])
        if side is not None and not region.midline and side not in seen:
            seen.append(side)
    phrases = []
    for code, seen in sides.items():
        label = _capitalise(kb.regions[code].label)
        if len(seen) == 2:
            phrases.append(f"{label}, both sides")
        elif seen:
            phrases.append(f"{label}, {seen[0]} side")
        else:
            phrases.append(label)
    return tuple(phrases)


def muscle_names(muscle_ids: Iterable[str], kb: Knowledge) -> tuple[str, ...]:
    names = []
    for ident in _unique(muscle_ids):
        muscle = kb.muscles.get(ident)
        if muscle is None:
            raise ValueError(f"muscles_needled: unknown muscle id {ident!r}")
        names.append(muscle.name)
    return tuple(names)


def touches_chest_wall(regions: Iterable[tuple[str, str | None]], muscle_ids: Iterable[str], kb: Knowledge) -> bool:
    """True when a needled muscle lies over the chest wall or a needled region is over the lung."""
    for ident in muscle_ids:
        muscle = kb.muscles.get(ident)
        if muscle is not None and muscle.near_lung:
            return True
    for code, _side in regions:
        region = kb.regions.get(code)
        if region is not None and (region.group in CHEST_WALL_GROUPS or code in CHEST_WALL_REGIONS):
            return True
    return False


def touches_neck(regions: Iterable[tuple[str, str | None]], muscle_ids: Iterable[str], kb: Knowledge) -> bool:
    """True when a needled region is on the neck or the back of the head, or a needled muscle is a
    neck muscle or lies in a neck region."""
    for code, _side in regions:
        region = kb.regions.get(code)
        if region is not None and (region.group in NECK_GROUPS or code in NECK_REGIONS):
            return True
    for ident in muscle_ids:
        muscle = kb.muscles.get(ident)
        if muscle is None:
            continue
        if muscle.group in NECK_GROUPS or any(
            c in NECK_REGIONS or (c in kb.regions and kb.regions[c].group in NECK_GROUPS) for c in muscle.regions
        ):
            return True
    return False


def _near_spine(regions: Iterable[tuple[str, str | None]], muscle_ids: Iterable[str], kb: Knowledge) -> bool:
    codes = {code for code, _side in regions}
    for ident in muscle_ids:
        muscle = kb.muscles.get(ident)
        if muscle is not None:
            codes.update(muscle.regions)
    return any(kb.regions[c].group in SPINE_GROUPS for c in codes if c in kb.regions)


def _percent(kb: Knowledge, effect: str, source: str) -> float:
    for rate in kb.adverse_effects[effect].rates:
        if rate.source == source and rate.value_percent is not None:
            return rate.value_percent
    raise LookupError(f"adverse_effects.yaml: no {source} rate for {effect!r}")


def next_visit_phrase(next_visit: dt.date | None, interval_days: int | None, visit_date: dt.date) -> str:
    """'Your next visit is booked for Tuesday 19 May 2026.' or 'in about N days', or no plan."""
    if next_visit is not None:
        return f"Your next visit is booked for {long_date(next_visit)}."
    if interval_days is not None:
        unit = "day" if interval_days == 1 else "days"
        return f"Your clinician suggests coming back in about {interval_days} {unit}. Call the clinic to book."
    return "No further visit is planned at the moment. Contact the clinic if you would like another session."


# --- the sections ---------------------------------------------------------------------------


def _visit_section(inp: AftercareInput, kb: Knowledge) -> Section:
    paragraphs = [f"On {long_date(inp.visit_date)} you had dry needling at {inp.clinic_name}."]
    muscles = muscle_names(inp.muscles_needled, kb)
    if muscles:
        paragraphs.append(f"Muscles treated: {_join([m.lower() if m[1:2].islower() else m for m in muscles])}.")
    if inp.electrical_stimulation:
        paragraphs.append("Some of the needles were connected to a mild electrical current.")
    bullets = region_phrases(inp.regions_needled, kb)
    if bullets:
        paragraphs.append("The areas needled:")
    elif not muscles:
        paragraphs.append("Ask your clinician if you are unsure which areas were treated.")
    return Section("What was done today", tuple(paragraphs), bullets, key="visit")


def _expect_section(kb: Knowledge) -> Section:
    bruising = _percent(kb, "bruising", "brady-2014")
    return Section(
        "What to expect",
        paragraphs=(
            "Soreness where you were needled is normal: in one study every patient treated with dry needling "
            "had it. It usually starts a few hours afterwards (2 to 8 hours in that study), feels like the ache "
            "after a hard workout, and eases within 24 to 48 hours. It can be stronger and last a little longer "
            "than the soreness after an injection.",
            f"A small bruise is common: in a large survey it followed {bruising:g}% of treatments, about 1 in "
            f"{round(100 / bruising)}. It fades over several days to two weeks.",
            "A spot of blood, feeling tired, or your usual pain being stirred up for a day can also happen, "
            "and settle on their own.",
        ),
        key="expect",
        sources=("hong-1994", "brady-2014"),
    )


def _self_care_section() -> Section:
    return Section(
        "Looking after yourself",
        bullets=(
            "Keep moving gently. Short walks and easy movement of the area help soreness settle.",
            "Use a warm pack or a cold pack wrapped in a cloth, whichever feels better.",
            "Carry on with your usual daily activities.",
            "Do the exercises your clinician gave you; ease off if they clearly make things worse.",
            "Take your usual pain relief if it is safe for you.",
            "If a needle spot oozes a little blood, press on it for a minute or two.",
        ),
        key="self-care",
        sources=("hong-1994", "brady-2014"),
    )


def _estim_section() -> Section:
    return Section(
        "Electrical stimulation",
        paragraphs=(
            "Some needles were connected to a mild electrical current today. You do not need to do anything "
            "different: the advice on this sheet applies. One study suggests the current may even leave "
            "slightly less soreness afterwards.",
            "If you have a pacemaker, defibrillator or another implanted electrical device and have not told "
            "your clinician, tell them before your next session.",
        ),
        key="estim",
        sources=ESTIM_SOURCES,
    )


def _events_section(events: Sequence[tuple[str, str]], kb: Knowledge) -> Section:
    bullets: list[str] = []
    sources: list[str] = []
    for kind, severity in events:
        ident = EVENT_ALIASES.get(kind.strip().lower(), kind.strip().lower())
        effect = kb.adverse_effects.get(ident)
        grade = f" ({severity.strip().lower()})" if severity.strip() else ""
        if effect is None:
            words = _capitalise(kind.strip().replace("-", " ").replace("_", " "))
            bullets.append(
                f"{words}{grade}. Ask your clinician what to watch for, and contact the clinic if it gets worse."
            )
        else:
            bullets.append(f"{effect.plain_name}{grade}. {_SEE_ALSO.sub('', effect.what_to_do)}")
            sources.extend(effect.sources or tuple(r.source for r in effect.rates))
    return Section(
        "What happened during today's session",
        paragraphs=("Your clinician noted the following today. It is recorded in your notes.",),
        bullets=tuple(bullets),
        key="events",
        sources=_unique(sources),
    )


def _emergency_section(inp: AftercareInput, kb: Knowledge, chest_wall: bool) -> Section:
    call = f"call {inp.emergency_number}" if inp.emergency_number else "call emergency services"
    paragraphs: list[str] = []
    bullets: list[str] = []
    sources: list[str] = []
    if chest_wall:
        paragraphs.append(
            "You were needled near your chest wall. Very rarely this lets air leak around a lung (a collapsed "
            "lung, or pneumothorax), and the signs can start hours later."
        )
        bullets.append(
            "Shortness of breath, chest pain, a dry cough, or pain when you breathe in, even hours later or "
            f"the next day: go to an emergency department or {call}. Tell them you had needles near your "
            "chest. Do not wait to see whether it passes."
        )
        sources.extend(PNEUMOTHORAX_SOURCES)
    bullets.append(
        "Bleeding from a needle site that does not stop after several minutes of firm pressure, or heavy "
        "bleeding: get medical care straight away."
    )
    sources.extend(kb.adverse_effects["bleeding"].sources)
    if touches_neck(inp.regions_needled, inp.muscles_needled, kb):
        # One bullet for the neck: the spinal signs below plus a bleed in the skull or a stroke.
        bullets.append(
            "After neck needling: a sudden severe headache, weakness, numbness, trouble speaking or seeing, "
            f"dizziness, or loss of bladder or bowel control: {call}."
        )
        sources.extend(kb.adverse_effects["nerve-irritation-or-injury"].sources)
        sources.extend(NECK_SOURCES)
    elif _near_spine(inp.regions_needled, inp.muscles_needled, kb):
        bullets.append(
            "Sudden weakness, difficulty walking, or loss of bladder or bowel control after needling of the "
            f"back: {call}."
        )
        sources.extend(kb.adverse_effects["nerve-irritation-or-injury"].sources)
    bullets.append(
        f"A faint lasting more than a minute or two, or chest pain or trouble speaking or moving after a faint: {call}."
    )
    sources.extend(FAINT_SOURCES)
    return Section(
        "Get urgent help straight away",
        tuple(paragraphs),
        tuple(bullets),
        urgent=True,
        key="emergency",
        sources=_unique(sources),
    )


def _contact_clinic_section(inp: AftercareInput, kb: Knowledge) -> Section:
    phone = f" on {inp.clinic_phone}" if inp.clinic_phone else ""
    effects = kb.adverse_effects
    return Section(
        "Contact the clinic if you notice",
        paragraphs=(f"Call {inp.clinic_name}{phone}. If you cannot reach the clinic, see your doctor the same day.",),
        bullets=(
            "Spreading redness, heat or swelling around a needle site, pus, or a fever: these can be signs of "
            "infection.",
            "Numbness, tingling or weakness that does not go away within a day, or that spreads.",
            "Pain that is severe, or soreness that is getting worse rather than better after two days.",
            "A bruise that is large or keeps spreading.",
        ),
        urgent=True,
        key="contact-clinic",
        sources=_unique(
            (
                *effects["infection"].sources,
                *effects["nerve-irritation-or-injury"].sources,
                *effects["post-needling-soreness"].sources,
                *effects["bruising"].sources,
            )
        ),
    )


def _next_visit_section(inp: AftercareInput) -> Section:
    return Section(
        "Your next visit",
        paragraphs=(
            next_visit_phrase(inp.next_visit, inp.interval_days, inp.visit_date),
            "Tell your clinician how you felt after today, good or bad: it helps them choose the right "
            "treatment next time.",
        ),
        key="next-visit",
    )


def _contact_section(inp: AftercareInput) -> Section:
    line = f"{inp.clinic_name}: {inp.clinic_phone}" if inp.clinic_phone else inp.clinic_name
    emergency = f"call {inp.emergency_number}" if inp.emergency_number else "call emergency services"
    return Section(
        "Contact",
        paragraphs=(line, f"In an emergency, {emergency}."),
        key="contact",
    )


def _validate(inp: AftercareInput) -> None:
    if not inp.clinic_name.strip():
        raise ValueError("clinic_name: required")
    if inp.interval_days is not None and inp.interval_days < 1:
        raise ValueError(f"interval_days: must be at least 1, got {inp.interval_days}")
    if inp.next_visit is not None and inp.next_visit < inp.visit_date:
        raise ValueError(f"next_visit: {inp.next_visit} is before the visit date {inp.visit_date}")


def build_handout(inp: AftercareInput, knowledge: Knowledge | None = None) -> Handout:
    """The aftercare handout for one visit. Raises ValueError naming the field for bad input."""
    kb = knowledge if knowledge is not None else load_knowledge()
    _validate(inp)
    chest_wall = inp.chest_wall_needled or touches_chest_wall(inp.regions_needled, inp.muscles_needled, kb)
    # The warning signs come straight after what was done, so they are on the first page.
    sections = [
        _visit_section(inp, kb),
        _emergency_section(inp, kb, chest_wall),
        _contact_clinic_section(inp, kb),
        _expect_section(kb),
        _self_care_section(),
    ]
    if inp.electrical_stimulation:
        sections.append(_estim_section())
    if inp.adverse_events:
        sections.append(_events_section(inp.adverse_events, kb))
    sections += [_next_visit_section(inp), _contact_section(inp)]
    return Handout(
        title=f"Aftercare after dry needling, {long_date(inp.visit_date)}",
        sections=tuple(sections),
        sources=_unique(source for section in sections for source in section.sources),
    )
