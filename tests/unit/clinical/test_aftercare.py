"""The aftercare handout: built from what was done, every fact cited, the chest-wall warning when it applies."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from needlepoint.clinical.aftercare import (
    AftercareInput,
    Handout,
    Section,
    build_handout,
    next_visit_phrase,
    touches_chest_wall,
    touches_neck,
)
from needlepoint.knowledge import load_knowledge

VISIT = dt.date(2026, 5, 12)
KB = load_knowledge()


def calf_visit(**changes: object) -> AftercareInput:
    """A visit far from the chest: calf muscles, no e-stim, no events."""
    base = AftercareInput(
        patient_name="Olive Brennan",
        visit_date=VISIT,
        regions_needled=(("leg.posterior", "right"),),
        muscles_needled=("gastrocnemius", "soleus"),
        chest_wall_needled=False,
        electrical_stimulation=False,
        adverse_events=(),
        next_visit=None,
        interval_days=None,
        clinic_name="Front Range Physical Therapy",
        clinic_phone="(303) 555-0100",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def text(section: Section | None) -> str:
    assert section is not None
    return " ".join((section.heading, *section.paragraphs, *section.bullets))


def whole(handout: Handout) -> str:
    return " ".join(text(s) for s in handout.sections)


def test_soreness_bruising_and_self_care_are_always_there_with_sources() -> None:
    handout = build_handout(calf_visit())
    expect = text(handout.section("expect"))
    assert "24 to 48 hours" in expect and "2 to 8 hours" in expect
    assert "7.55%" in expect  # Brady 2014, read from adverse_effects.yaml
    care = text(handout.section("self-care"))
    for words in ("moving gently", "warm pack or a cold pack", "usual daily activities", "exercises"):
        assert words in care
    assert {"hong-1994", "brady-2014"} <= set(handout.sources)
    assert handout.title == "Aftercare after dry needling, Tuesday 12 May 2026"


def test_chest_wall_red_flag_only_when_the_chest_wall_was_needled() -> None:
    calf = build_handout(calf_visit())
    assert "shortness of breath" not in whole(calf).lower()
    assert "lin-2019" not in calf.sources and "grusche-2018" not in calf.sources

    chest = build_handout(calf_visit(chest_wall_needled=True))
    emergency = chest.section("emergency")
    assert emergency is not None and emergency.urgent
    flag = next(b for b in emergency.bullets if "Shortness of breath" in b)
    for words in (
        "chest pain",
        "dry cough",
        "pain when you breathe in",
        "hours later or the next day",
        "emergency department",
        "call 911",
    ):
        assert words in flag
    assert {"lin-2019", "grusche-2018"} <= set(emergency.sources) <= set(chest.sources)


def test_chest_wall_warning_also_follows_from_the_muscles_or_regions_needled() -> None:
    # The tick was missed, but upper trapezius lies over the lung apex: the warning still shows.
    trapezius = calf_visit(muscles_needled=("upper-trapezius",), regions_needled=(("shoulder.top", "left"),))
    assert "Shortness of breath" in text(build_handout(trapezius).section("emergency"))
    assert touches_chest_wall((("back.interscapular", "left"),), (), KB)
    assert not touches_chest_wall((("leg.posterior", "left"),), ("gastrocnemius",), KB)


def test_everyone_gets_the_contact_the_clinic_warning_signs() -> None:
    section = build_handout(calf_visit()).section("contact-clinic")
    assert section is not None and section.urgent
    body = text(section)
    for words in (
        "redness",
        "heat",
        "swelling",
        "fever",
        "infection",
        "Numbness",
        "weakness",
        "severe",
        "(303) 555-0100",
    ):
        assert words in body
    emergency = text(build_handout(calf_visit()).section("emergency"))
    assert "Bleeding" in emergency
    assert "bladder" not in emergency  # calf needling: no spinal warning


def test_spinal_warning_after_neck_or_back_needling() -> None:
    back = calf_visit(regions_needled=(("back.lumbar", "left"),), muscles_needled=("multifidus",))
    assert "loss of bladder or bowel control" in text(build_handout(back).section("emergency"))


def test_electrical_stimulation_section_only_when_used() -> None:
    assert build_handout(calf_visit()).section("estim") is None
    handout = build_handout(calf_visit(electrical_stimulation=True))
    section = handout.section("estim")
    assert section is not None and "electrical current" in text(section)
    assert "leon-hernandez-2016" in handout.sources
    assert "electrical current" in text(handout.section("visit"))


def test_adverse_events_section_lists_the_events() -> None:
    assert build_handout(calf_visit()).section("events") is None
    handout = build_handout(
        calf_visit(adverse_events=(("bruising", "mild"), ("vasovagal", "moderate"), ("cramp", "mild")))
    )
    section = handout.section("events")
    assert section is not None and len(section.bullets) == 3
    assert section.bullets[0].startswith("Bruising (mild).") and "cold pack" in section.bullets[0]
    assert section.bullets[1].startswith("Feeling faint or fainting (moderate).")
    assert section.bullets[2].startswith("Cramp (mild).") and "contact the clinic" in section.bullets[2]


def test_event_advice_has_no_record_ids() -> None:
    section = build_handout(calf_visit(adverse_events=(("numbness", "mild"),))).section("events")
    assert section is not None
    assert section.bullets == (
        "Numbness (mild). Tell your clinician. Numbness that spreads, lasts beyond a day, or comes with weakness "
        "needs to be checked.",
    )


def test_every_source_exists_in_the_bibliography() -> None:
    everything = calf_visit(
        chest_wall_needled=True,
        electrical_stimulation=True,
        regions_needled=(("back.lumbar", "left"),),
        adverse_events=tuple((ident, "mild") for ident in KB.adverse_effects),
    )
    handout = build_handout(everything)
    assert handout.sources
    for source in handout.sources:
        assert source in KB.references, source
    for section in handout.sections:
        assert set(section.sources) <= set(handout.sources)


@pytest.mark.parametrize(
    ("next_visit", "interval", "expected"),
    [
        (dt.date(2026, 5, 19), None, "Your next visit is booked for Tuesday 19 May 2026."),
        (dt.date(2026, 5, 19), 7, "Your next visit is booked for Tuesday 19 May 2026."),
        (None, 10, "in about 10 days"),
        (None, 1, "in about 1 day."),
        (None, None, "No further visit is planned"),
    ],
)
def test_next_visit_phrasing(next_visit: dt.date | None, interval: int | None, expected: str) -> None:
    assert expected in next_visit_phrase(next_visit, interval, VISIT)
    handout = build_handout(calf_visit(next_visit=next_visit, interval_days=interval))
    assert expected in text(handout.section("next-visit"))


def test_regions_are_named_in_words_not_codes() -> None:
    handout = build_handout(
        calf_visit(
            regions_needled=(
                ("shoulder.top", "left"),
                ("shoulder.top", "right"),
                ("back.scapula", "left"),
                ("back.sacrum", None),
            ),
            muscles_needled=("upper-trapezius", "infraspinatus"),
        )
    )
    visit = handout.section("visit")
    assert visit is not None
    assert visit.bullets == (
        "Top of the shoulder (ridge above the shoulder blade), both sides",
        "Over the shoulder blade, left side",
        "Sacrum",
    )
    assert "upper trapezius and infraspinatus" in text(visit)
    body = whole(handout)
    for code in ("shoulder.top", "back.scapula", "upper-trapezius"):
        assert code not in body


def test_clinic_contact_and_date() -> None:
    handout = build_handout(calf_visit())
    assert "Front Range Physical Therapy: (303) 555-0100" in text(handout.section("contact"))
    assert "Tuesday 12 May 2026" in text(handout.section("visit"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"regions_needled": (("shoulder.topp", "left"),)}, "regions_needled"),
        ({"regions_needled": (("shoulder.top", "L"),)}, "regions_needled"),
        ({"muscles_needled": ("trapezius-upper",)}, "muscles_needled"),
        ({"interval_days": 0}, "interval_days"),
        ({"next_visit": VISIT - dt.timedelta(days=1)}, "next_visit"),
        ({"clinic_name": " "}, "clinic_name"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        build_handout(calf_visit(**changes))


@pytest.mark.parametrize("muscle", ["infraspinatus", "quadratus-lumborum"])
def test_near_lung_muscles_give_the_pneumothorax_warning(muscle: str) -> None:
    """Issue 11: infraspinatus (beside the scapula) and quadratus lumborum (pleura below the medial
    12th rib) are near the lung. Needling either warns of a pneumothorax with no tick and no region."""
    assert KB.muscles[muscle].near_lung
    handout = build_handout(calf_visit(muscles_needled=(muscle,), regions_needled=()))
    emergency = text(handout.section("emergency"))
    assert "Shortness of breath" in emergency and "pneumothorax" in emergency
    assert {"lin-2019", "grusche-2018"} <= set(handout.sources)


def test_neck_needling_red_flag_for_headache_and_neurological_symptoms() -> None:
    """After neck needling: a sudden severe headache or new neurological symptoms is an emergency."""
    calf = text(build_handout(calf_visit()).section("emergency"))
    assert "severe headache" not in calf

    for changes in (
        {"muscles_needled": ("obliquus-capitis-inferior",), "regions_needled": ()},
        {"muscles_needled": (), "regions_needled": (("neck.posterior", "left"),)},
        {"muscles_needled": ("upper-trapezius",), "regions_needled": ()},
    ):
        handout = build_handout(calf_visit(**changes))
        emergency = handout.section("emergency")
        assert emergency is not None and emergency.urgent
        flag = next(b for b in emergency.bullets if "severe headache" in b)
        for words in ("weakness", "numbness", "trouble speaking or seeing", "dizziness", "bladder", "call 911", "neck"):
            assert words in flag, (changes, words)
        assert {"choo-2000", "heo-2011", "lee-2011-epidural", "kearns-2022"} <= set(emergency.sources)
        # The neck bullet carries the spinal signs too, so they are not listed twice.
        assert sum("bladder" in b for b in emergency.bullets) == 1
    assert touches_neck((("head.occiput", None),), (), KB)
    assert not touches_neck((("back.lumbar", "left"),), ("multifidus",), KB)


def test_a_faint_that_does_not_recover_is_an_emergency_on_every_handout() -> None:
    for visit in (calf_visit(), calf_visit(emergency_number="112")):
        emergency = build_handout(visit).section("emergency")
        assert emergency is not None
        flag = next(b for b in emergency.bullets if "faint" in b.lower())
        assert "more than a minute or two" in flag and f"call {visit.emergency_number}" in flag
        assert {"nhs-wales-fainting", "brady-2014"} <= set(emergency.sources)
