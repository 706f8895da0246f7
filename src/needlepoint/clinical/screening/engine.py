"""Evaluate screening answers (and an optional plan) into the contract's result.

A question left blank is unknown, not "no": each rule that reads it is tried again with the answer
that needs most care, and what that would block is blocked by an absolute ``<rule>-unanswered``
finding that only an answer lifts (``rules.unanswered_hit``).

``status`` is ``contraindicated`` when an absolute rule applies to the whole patient, otherwise
``precautions`` when any rule applies, otherwise ``clear``. Blocks and regions to avoid come from
the rules that applied; a relative finding the clinician has overridden (with a reason, kept by the
caller) no longer blocks anything, but stays listed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from needlepoint.clinical.screening.answers import Plan, ScreeningInputError, validate_answers, validate_plan
from needlepoint.clinical.screening.rules import (
    RULES,
    RULES_BY_ID,
    Block,
    Context,
    Hit,
    Placed,
    Rule,
    blank,
    unanswered_hit,
    unanswered_rule,
)
from needlepoint.knowledge import Knowledge, load_knowledge

Status = Literal["contraindicated", "precautions", "clear"]


@dataclass(frozen=True)
class Finding:
    rule: Rule
    hit: Hit

    @property
    def message(self) -> str:
        return f"{self.rule.clinician_message} {self.hit.detail}".strip()

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule.id,
            "severity": self.rule.severity,
            "message": self.message,
            "source": self.rule.source,
        }


@dataclass(frozen=True)
class Result:
    status: Status
    findings: tuple[Finding, ...]
    blocked: tuple[Block, ...]
    blocked_electrical_stimulation: bool
    avoid_regions: tuple[Placed, ...]
    overridden: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        """The contract's result shape (docs/screening.md)."""
        return {
            "status": self.status,
            "findings": [f.as_dict() for f in self.findings],
            "blocked": [{"muscle": b.muscle, "side": b.side, "reason": b.reason} for b in self.blocked],
            "blocked_electrical_stimulation": self.blocked_electrical_stimulation,
            "avoid_regions": [{"region": r, "side": s} for r, s in self.avoid_regions],
        }

    @property
    def unanswered_questions(self) -> tuple[str, ...]:
        """Blank questions that hold needling back until they are answered (in rule order)."""
        return tuple(dict.fromkeys(q for f in self.findings if f.rule.for_blank_answers for q in f.rule.asks))

    @property
    def overridable(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule.severity == "relative")

    def blocks_target(self, muscle: str, side: str) -> Block | None:
        for block in self.blocked:
            if block.muscle == muscle and block.side in (side, None):
                return block
        return None


def _assemble(findings: tuple[Finding, ...], overridden: frozenset[str]) -> Result:
    active = [f for f in findings if f.rule.id not in overridden]
    blocked: dict[tuple[str, str | None], Block] = {}
    avoid: dict[Placed, None] = {}
    estim = False
    for finding in active:
        for block in finding.hit.blocked:
            key = (block.muscle, block.side)
            if key in blocked:
                blocked[key] = Block(block.muscle, block.side, f"{blocked[key].reason}; {block.reason}")
            else:
                blocked[key] = block
        for placed in finding.hit.avoid:
            avoid[placed] = None
        estim = estim or finding.hit.blocks_electrical_stimulation
    if any(f.rule.severity == "absolute" and f.rule.scope == "patient" for f in findings):
        status: Status = "contraindicated"
    elif findings:
        status = "precautions"
    else:
        status = "clear"
    return Result(status, findings, tuple(blocked.values()), estim, tuple(avoid), overridden)


def evaluate(answers: Any, plan: Any = None, *, kb: Knowledge | None = None, overrides: Collection[str] = ()) -> Result:
    """Validate the answers and plan (raising :class:`ScreeningInputError` naming each field), then
    apply every rule."""
    kb = kb or load_knowledge()
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    parsed_plan: Plan | None = None
    try:
        clean = validate_answers(answers, kb)
    except ScreeningInputError as exc:
        errors.update(exc.errors)
    try:
        parsed_plan = validate_plan(plan, kb)
    except ScreeningInputError as exc:
        errors.update(exc.errors)
    if errors:
        raise ScreeningInputError(errors)
    context = Context(clean, parsed_plan, kb)
    findings = []
    for rule in RULES:
        hit = rule.check(context)
        if hit is not None:
            findings.append(Finding(rule, hit))
            continue
        questions = blank(clean, rule)
        if questions:
            hit = unanswered_hit(rule, context, questions)
            if hit is not None:
                findings.append(Finding(unanswered_rule(rule, questions), hit))
    return result_with_overrides(_assemble(tuple(findings), frozenset()), overrides)


def result_with_overrides(result: Result, overrides: Collection[str]) -> Result:
    """The result once the clinician has overridden these relative findings.

    Overriding an absolute or a note, or a rule that did not apply, is refused.
    """
    present = {f.rule.id: f for f in result.findings}
    problems: dict[str, list[str]] = {}
    for rule_id in overrides:
        rule = RULES_BY_ID.get(rule_id)
        if rule is None or rule_id not in present:
            problems.setdefault("overrides", []).append(f"{rule_id!r} is not a finding of this screening")
        elif rule.severity != "relative":
            problems.setdefault("overrides", []).append(
                f"{rule_id!r} is {rule.severity}: only relative findings can be overridden"
            )
    if problems:
        raise ScreeningInputError(problems)
    return _assemble(result.findings, frozenset(overrides))


def rule_table() -> list[Mapping[str, str]]:
    """Every rule, for the clinicians' rule page and the docs."""
    return [
        {
            "id": r.id,
            "severity": r.severity,
            "scope": r.scope,
            "patient_message": r.patient_message,
            "clinician_message": r.clinician_message,
            "source": r.source,
        }
        for r in RULES
    ]
