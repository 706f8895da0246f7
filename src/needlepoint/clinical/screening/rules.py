"""The screening rules: each an id, a severity, a message for the patient and one for the
clinician, a source (bibliography id), and a small function that decides whether it applies.

Severity: ``absolute`` (not today, cannot be overridden), ``relative`` (may go ahead after the
clinician weighs it; can be overridden with a written reason), ``note`` (for the record).
Scope says what an absolute rule stops: the whole ``patient``, some ``targets`` (muscles),
``regions``, or ``electrical_stimulation`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from needlepoint.clinical.screening.answers import AREA_LISTS, QUESTION_LABELS, REGION_LISTS, Area, Plan
from needlepoint.knowledge import Knowledge

Severity = Literal["absolute", "relative", "note"]
Scope = Literal["patient", "targets", "regions", "electrical_stimulation", "advice"]
Placed = tuple[str, str | None]  # (region code, side or None for midline)


@dataclass(frozen=True)
class Block:
    muscle: str
    side: str | None  # None: both sides (no plan given)
    reason: str


@dataclass(frozen=True)
class Hit:
    """What a rule found for this patient and plan."""

    detail: str = ""
    blocked: tuple[Block, ...] = ()
    avoid: tuple[Placed, ...] = ()
    blocks_electrical_stimulation: bool = False


@dataclass(frozen=True)
class Context:
    answers: Mapping[str, Any]
    plan: Plan | None
    kb: Knowledge

    def yes(self, key: str) -> bool:
        return self.answers.get(key) is True

    def items(self, key: str) -> tuple[Any, ...]:
        value = self.answers.get(key)
        return tuple(value) if value else ()

    def place(self, areas: Iterable[Area]) -> tuple[Placed, ...]:
        """Areas as (region, side) pairs; a group covers its regions, a group without side both sides."""
        placed: dict[Placed, None] = {}
        for area in areas:
            codes = [c for c, r in self.kb.regions.items() if r.group == area.code] if area.is_group else [area.code]
            for code in codes:
                if self.kb.regions[code].midline:
                    placed[(code, None)] = None
                elif area.side is None:
                    placed[(code, "left")] = None
                    placed[(code, "right")] = None
                else:
                    placed[(code, area.side)] = None
        return tuple(placed)

    def targets_in(self, placed: Iterable[Placed]) -> list[tuple[str, str]]:
        """Planned (muscle, side) targets that lie in any of the regions."""
        zone = set(placed)
        hits = []
        for target in self.plan.targets if self.plan else ():
            muscle = self.kb.muscles[target.muscle]
            for code in muscle.regions:
                key = (code, None) if self.kb.regions[code].midline else (code, target.side)
                if key in zone:
                    hits.append((target.muscle, target.side))
                    break
        return hits

    def muscles_where(self, wanted: Callable[[Any], bool], reason: str) -> tuple[Block, ...]:
        """Block the planned targets whose muscle matches; without a plan, every such muscle (both sides)."""
        if self.plan is not None:
            return tuple(
                Block(t.muscle, t.side, reason) for t in self.plan.targets if wanted(self.kb.muscles[t.muscle])
            )
        return tuple(Block(m.id, None, reason) for m in self.kb.muscles.values() if wanted(m))

    @property
    def estim_planned(self) -> bool | None:
        return None if self.plan is None else self.plan.electrical_stimulation


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    scope: Scope
    patient_message: str
    clinician_message: str
    source: str
    check: Callable[[Context], Hit | None] = field(repr=False, compare=False)
    # The questions this rule reads. A question left blank (null) is unknown, not "no": the rule
    # is tried again with the answer that needs most care (UNKNOWN_MEANS), see unanswered_finding.
    asks: tuple[str, ...] = ()
    # True for the stand-in of a rule whose questions were left blank (see unanswered_rule).
    for_blank_answers: bool = False


def _when(condition: Callable[[Context], bool]) -> Callable[[Context], Hit | None]:
    return lambda ctx: Hit() if condition(ctx) else None


def _minor(ctx: Context) -> bool:
    age = ctx.answers.get("age_years")
    return isinstance(age, int) and age < 18


def _anticoagulated(ctx: Context) -> Hit | None:
    if not (ctx.yes("anticoagulants") or ctx.yes("bleeding_disorder")):
        return None
    blocked = ctx.muscles_where(
        lambda m: not m.compressible,
        "bleeding here cannot be stopped by pressure (anticoagulants or bleeding disorder)",
    )
    return Hit(blocked=blocked)


def _area_rule(key: str, reason: str) -> Callable[[Context], Hit | None]:
    def check(ctx: Context) -> Hit | None:
        areas = ctx.items(key)
        if not areas:
            return None
        placed = ctx.place(areas)
        blocked = tuple(Block(m, s, reason) for m, s in ctx.targets_in(placed))
        names = ", ".join(f"{a.code}{' ' + a.side if a.side else ''}" for a in areas)
        return Hit(detail=f"Areas: {names}.", blocked=blocked, avoid=placed)

    return check


PREGNANCY_AREAS = (
    # Abdominal points and the sacral foramina (BL31-34), midline or both sides.
    Area("abdomen.upper", None),
    Area("abdomen.lower", None),
    Area("abdomen.umbilical", None),
    Area("back.sacrum", None),
    # Distal points named in the guidelines: LI4 (thumb web), SP6 (inner lower leg),
    # BL60 (outer ankle), BL67 (little toe), LV3 (top of the foot).
    Area("hand.thumb_web", None),
    Area("leg.medial", None),
    Area("ankle.lateral", None),
    Area("foot.toes", None),
    Area("foot.dorsal", None),
)


def _pregnancy(ctx: Context) -> Hit | None:
    if not ctx.yes("pregnant"):
        return None
    placed = ctx.place(PREGNANCY_AREAS)
    blocked = tuple(Block(m, s, "a region to avoid in pregnancy") for m, s in ctx.targets_in(placed))
    trimester = ctx.answers.get("pregnancy_trimester")
    detail = f"Trimester {trimester}." if trimester else "Trimester not given."
    return Hit(detail=detail, blocked=blocked, avoid=placed, blocks_electrical_stimulation=True)


PNEUMOTHORAX_FACTORS = {  # adjusted odds ratios, Lin 2019
    "chest_surgery": ("prior chest surgery", 7.85),
    "emphysema": ("emphysema", 4.87),
    "copd": ("COPD (emphysema or chronic bronchitis)", 4.87),
    "lung_cancer": ("lung cancer", 3.85),
    "tuberculosis": ("tuberculosis", 3.65),
    "chronic_bronchitis": ("chronic bronchitis", 2.61),
    "pneumonia": ("pneumonia", 2.09),
}


def _pneumothorax(ctx: Context) -> Hit | None:
    factors = [PNEUMOTHORAX_FACTORS["chest_surgery"]] if ctx.yes("chest_surgery") else []
    factors += [PNEUMOTHORAX_FACTORS[d] for d in ctx.items("lung_disease")]
    if not factors:
        return None
    detail = "Risk factors: " + ", ".join(f"{name} (adjusted odds ratio {ratio})" for name, ratio in factors) + "."
    blocked = ctx.muscles_where(lambda m: m.near_lung, "over the chest wall, with pneumothorax risk factors")
    return Hit(detail=detail, blocked=blocked)


def _estim_in_plan_or_unknown(ctx: Context) -> bool:
    return ctx.estim_planned is not False


def _metal_implant(ctx: Context) -> Hit | None:
    implants = ctx.items("metal_implant")
    if not implants or not _estim_in_plan_or_unknown(ctx):
        return None
    names = ", ".join(f"{a.code}{' ' + a.side if a.side else ''}" for a in implants)
    return Hit(detail=f"Implants: {names}.")


def _recent_surgery(ctx: Context) -> Hit | None:
    return _area_rule("recent_surgery", "a surgical site from the last 3 months")(ctx)


def _unanswered(ctx: Context) -> Hit | None:
    missing = [q for q, value in ctx.answers.items() if value is None]
    return (
        Hit(detail="Not answered: " + ", ".join(QUESTION_LABELS.get(q, q) for q in missing) + ".") if missing else None
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "needle-phobia",
        "absolute",
        "patient",
        "You told us needles frighten you a great deal. Dry needling is not a good fit; your clinician will suggest other treatment.",
        "Severe needle phobia: do not needle.",
        "ahpcsa-bn121",
        _when(lambda c: c.answers.get("needle_phobia") == "severe"),
        asks=("needle_phobia",),
    ),
    Rule(
        "needle-fear-mild",
        "note",
        "advice",
        "Some worry about needles is common. Tell your clinician; they will explain each step and you can stop at any time.",
        "Mild fear of needles: explain, treat lying down, start with few needles; stop if anxiety grows.",
        "ahpcsa-bn121",
        _when(lambda c: c.answers.get("needle_phobia") == "mild"),
    ),
    Rule(
        "unwilling",
        "absolute",
        "patient",
        "You would rather not have dry needling, and that is your choice. Your clinician will offer other treatment.",
        "Patient does not want dry needling: do not needle.",
        "ahpcsa-bn121",
        _when(lambda c: c.answers.get("willing") is False),
        asks=("willing",),
    ),
    Rule(
        "unable-to-consent",
        "absolute",
        "patient",
        "We need to be sure the treatment is fully explained and agreed before needling. Your clinician will talk this through with you and anyone who supports you.",
        "Patient cannot give informed consent (communication or cognition): do not needle.",
        "ahpcsa-bn121",
        _when(lambda c: c.answers.get("able_to_consent") is False),
        asks=("able_to_consent",),
    ),
    Rule(
        "minor-without-guardian",
        "absolute",
        "patient",
        "For anyone under 18, a parent or guardian must agree to dry needling first.",
        "Under 18 without a parent's or guardian's consent: do not needle.",
        "mcevoy-2012",
        _when(lambda c: _minor(c) and c.answers.get("guardian_consent") is not True),
        asks=("age_years", "guardian_consent"),
    ),
    Rule(
        "child",
        "relative",
        "advice",
        "Dry needling is used with extra care in young people. Your clinician will explain what they plan and keep the session short.",
        "Child or adolescent: relative contraindication; minimal dose, guardian present.",
        "mcevoy-2012",
        _when(_minor),
    ),
    Rule(
        "acute-illness",
        "absolute",
        "patient",
        "If you feel unwell today (fever or another sudden illness), needling should wait until you are better.",
        "Acute illness, fever or medical emergency today: do not needle.",
        "mcevoy-2012",
        _when(lambda c: c.yes("acute_illness")),
        asks=("acute_illness",),
    ),
    Rule(
        "prior-adverse-reaction",
        "absolute",
        "patient",
        "Because you reacted badly to needling or an injection before, dry needling is not advised.",
        "Previous abnormal reaction to needling or injection: do not needle.",
        "ahpcsa-bn121",
        _when(lambda c: c.yes("prior_adverse_reaction")),
        asks=("prior_adverse_reaction",),
    ),
    Rule(
        "anticoagulants-deep-muscle",
        "absolute",
        "targets",
        "Because of your blood-thinning medicine or bleeding condition, muscles that cannot be pressed on after needling will not be treated.",
        "Anticoagulant or antiplatelet medicine, or a clotting disorder: do not needle muscles where bleeding cannot be controlled by pressure.",
        "ahpcsa-bn121",
        _anticoagulated,
        asks=("anticoagulants", "bleeding_disorder"),
    ),
    Rule(
        "bleeding-tendency",
        "relative",
        "advice",
        "Expect a little more bruising. Your clinician will use a gentle technique and press on each spot afterwards.",
        "Bleeding tendency elsewhere: light technique, fewer needles, firm pressure after each needle.",
        "ahpcsa-bn121",
        _when(lambda c: c.yes("anticoagulants") or c.yes("bleeding_disorder")),
    ),
    Rule(
        "lymphoedema",
        "absolute",
        "regions",
        "The area with lymphoedema will not be needled.",
        "Lymphoedema: never needle the affected limb or area.",
        "ahpcsa-bn121",
        _area_rule("lymphoedema", "a limb or area with lymphoedema"),
        asks=("lymphoedema",),
    ),
    Rule(
        "lymph-node-removal",
        "relative",
        "regions",
        "Because lymph nodes were removed, your clinician will take extra care with the area they drained.",
        "Area drained by removed lymph nodes: relative contraindication; avoid unless clearly justified.",
        "ahpcsa-bn121",
        _area_rule("lymph_node_removal", "drained by removed lymph nodes"),
        asks=("lymph_node_removal",),
    ),
    Rule(
        "local-infection",
        "absolute",
        "regions",
        "Skin or tissue that is infected or inflamed will not be needled until it has healed.",
        "Local infection or inflammation: do not needle through it.",
        "nzasa-codes",
        _area_rule("local_infection", "infected or inflamed tissue"),
        asks=("local_infection",),
    ),
    Rule(
        "immunocompromised",
        "relative",
        "advice",
        "Your immune system needs extra protection: your clinician will take extra care with skin cleaning and watch for infection.",
        "Immunocompromise: relative contraindication; strict asepsis, fewer needles, review for infection.",
        "ahpcsa-bn121",
        _when(lambda c: c.yes("immunocompromised")),
    ),
    Rule(
        "diabetes",
        "relative",
        "advice",
        "With diabetes, skin and circulation can heal more slowly. Your clinician will take extra care, especially with the feet and legs.",
        "Diabetes: relative contraindication (circulation, healing, infection); care in the lower limbs; more caution if uncontrolled.",
        "ahpcsa-bn121",
        _when(lambda c: c.answers.get("diabetes") in ("controlled", "uncontrolled")),
    ),
    Rule(
        "vascular-disease",
        "relative",
        "advice",
        "Because of your circulation problem, areas with poor circulation or varicose veins will be avoided.",
        "Vascular disease: relative contraindication; avoid varicose veins and poorly perfused areas.",
        "ahpcsa-bn121",
        _when(lambda c: c.yes("vascular_disease")),
    ),
    Rule(
        "heart-valve-disease",
        "relative",
        "advice",
        "Heart valve problems raise the stakes of any infection, so your clinician will take extra care.",
        "Valve disease, replacement or past endocarditis: relative contraindication (infection risk); strict asepsis.",
        "ahpcsa-bn121",
        _when(lambda c: c.yes("heart_valve_disease")),
    ),
    Rule(
        "epilepsy",
        "relative",
        "advice",
        "With epilepsy, you will be treated lying down and watched closely.",
        "Epilepsy: relative contraindication; treat recumbent, avoid if seizures are poorly controlled.",
        "mcevoy-2012",
        _when(lambda c: c.answers.get("epilepsy") in ("controlled", "uncontrolled")),
    ),
    Rule(
        "estim-uncontrolled-epilepsy",
        "absolute",
        "electrical_stimulation",
        "Electrical stimulation through the needles will not be used.",
        "Uncontrolled epilepsy: no electrical stimulation.",
        "acupuntura-electroacupuncture",
        lambda c: Hit(blocks_electrical_stimulation=True) if c.answers.get("epilepsy") == "uncontrolled" else None,
        asks=("epilepsy",),
    ),
    Rule(
        "estim-pacemaker",
        "absolute",
        "electrical_stimulation",
        "Because you have a pacemaker or defibrillator, electrical stimulation through the needles will not be used.",
        "Pacemaker or implanted defibrillator: no electrical stimulation.",
        "acupuntura-electroacupuncture",
        lambda c: Hit(blocks_electrical_stimulation=True) if c.yes("pacemaker_or_icd") else None,
        asks=("pacemaker_or_icd",),
    ),
    Rule(
        "estim-metal-implant",
        "relative",
        "advice",
        "Electrical stimulation will not be passed across your metal implant.",
        "Metal implant: do not pass electrical current across the implant.",
        "acupuntura-electroacupuncture",
        _metal_implant,
    ),
    Rule(
        "metal-allergy",
        "relative",
        "advice",
        "Tell your clinician about your metal allergy; they will watch the skin for a reaction.",
        "Nickel or chromium allergy: relative contraindication; watch for a skin reaction, consider other treatment if severe.",
        "mcevoy-2012",
        _when(lambda c: c.yes("metal_allergy")),
    ),
    Rule(
        "pregnancy",
        "relative",
        "regions",
        "During pregnancy the belly, lower back over the sacrum and certain points on the hands, legs and feet are avoided, and no strong electrical stimulation is used.",
        "Pregnancy: relative contraindication; avoid abdominal and sacral points (BL31-34) and LI4, SP6, BL60, BL67, LV3; no strong electrical stimulation; written consent.",
        "aacp-2012",
        _pregnancy,
        asks=("pregnant",),
    ),
    Rule(
        "pneumothorax-risk",
        "relative",
        "targets",
        "Because of your lung or chest history, muscles over the chest wall need extra care and may not be needled.",
        "Pneumothorax risk factors: needling over the chest wall only with a shallow, tangential technique, or not at all.",
        "lin-2019",
        _pneumothorax,
        asks=("chest_surgery", "lung_disease"),
    ),
    Rule(
        "frailty",
        "relative",
        "advice",
        "Your clinician will use fewer, shallower needles and check on you often.",
        "Frail or very low body weight: relative contraindication; reduce dose and depth (thin chest wall).",
        "mcevoy-2012",
        _when(lambda c: c.yes("frail")),
    ),
    Rule(
        "recent-surgery",
        "relative",
        "regions",
        "Areas operated on in the last three months will be left alone while they heal.",
        "Recent surgical site (3 months): treat as healing tissue to avoid. The sources name inflamed tissue, not surgery as such.",
        "nzasa-codes",
        _recent_surgery,
        asks=("recent_surgery",),
    ),
    Rule(
        "unanswered-safety-questions",
        "note",
        "advice",
        "Some questions were left blank; your clinician will ask you about them.",
        "Questions left unanswered: ask before needling.",
        "kearns-2019",
        _unanswered,
    ),
)

# --- unanswered questions ------------------------------------------------------------------
# A blank safety answer is unknown, not "no" (spec/screening.md: null = "patient did not answer").
# Each rule that blocks something is tried again with the answer that needs most care in place of
# each blank; what that would block is blocked, by an absolute finding "<rule>-unanswered" that no
# override lifts: only an answer does. A blank list of areas (where is the lymphoedema?) cannot be
# placed, so it stops needling for the whole patient until it is answered.

EVERYWHERE = "everywhere"
UNKNOWN_MEANS: Mapping[str, Any] = {
    "needle_phobia": "severe",
    "willing": False,
    "able_to_consent": False,
    "age_years": 0,
    "guardian_consent": False,
    "acute_illness": True,
    "prior_adverse_reaction": True,
    "anticoagulants": True,
    "bleeding_disorder": True,
    "pregnant": True,
    "pacemaker_or_icd": True,
    "epilepsy": "uncontrolled",
    "chest_surgery": True,
    "lung_disease": ("emphysema",),
    **{key: EVERYWHERE for key in (*AREA_LISTS, *REGION_LISTS)},
}
UNANSWERED_SOURCE = "kearns-2019"


def blank(answers: Mapping[str, Any], rule: Rule) -> tuple[str, ...]:
    """The rule's questions that were asked and left blank."""
    return tuple(q for q in rule.asks if q in answers and answers[q] is None)


def labels(questions: Iterable[str]) -> str:
    return ", ".join(QUESTION_LABELS.get(q, q) for q in questions)


def unanswered_rule(rule: Rule, questions: tuple[str, ...]) -> Rule:
    """The absolute rule that stands in for ``rule`` while ``questions`` are blank."""
    unplaced = any(UNKNOWN_MEANS.get(q) == EVERYWHERE for q in questions)
    scope: Scope = "patient" if unplaced or rule.scope == "patient" else rule.scope
    what = labels(questions)
    effect = (
        "no needling until it is answered"
        if scope == "patient"
        else "what that answer would rule out is blocked until it is answered"
    )
    return Rule(
        f"{rule.id}-unanswered",
        "absolute",
        scope,
        f"A safety question was left blank ({what}). Your clinician will ask you about it before any needling.",
        f"Not answered: {what}. Treated as the answer that needs most care, so {effect}. {rule.clinician_message}",
        rule.source,
        rule.check,
        questions,
        True,
    )


def unanswered_hit(rule: Rule, ctx: Context, questions: tuple[str, ...]) -> Hit | None:
    """What ``rule`` would find were its blank questions answered with the most care."""
    if any(UNKNOWN_MEANS.get(q) == EVERYWHERE for q in questions):
        return Hit()
    worst = {**ctx.answers, **{q: UNKNOWN_MEANS[q] for q in questions}}
    hit = rule.check(Context(worst, ctx.plan, ctx.kb))
    if hit is None:
        return None
    prefix = f"not answered ({labels(questions)}): "
    return Hit(
        blocked=tuple(Block(b.muscle, b.side, prefix + b.reason) for b in hit.blocked),
        avoid=hit.avoid,
        blocks_electrical_stimulation=hit.blocks_electrical_stimulation,
    )


UNANSWERED_RULES: Mapping[str, Rule] = {
    f"{rule.id}-unanswered": unanswered_rule(rule, rule.asks) for rule in RULES if rule.asks
}
RULES_BY_ID: Mapping[str, Rule] = {**{rule.id: rule for rule in RULES}, **UNANSWERED_RULES}
