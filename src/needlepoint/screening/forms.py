"""The intake questionnaire as a Django form, turning answers into the screening contract's shape."""

from __future__ import annotations

from typing import Any

from django import forms

from needlepoint.clinical.screening import ScreeningInputError
from needlepoint.knowledge import load_knowledge
from needlepoint.screening.questionnaire import AREA_CHOICES, LIST_ROWS, QUESTIONS, SECTIONS, Question

YES_NO = (("yes", "Yes"), ("no", "No"))
SIDE_CHOICES = (("", "Side…"), ("left", "Left"), ("right", "Right"))


def _region_choices() -> list[tuple[str, Any]]:
    kb = load_knowledge()
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, region in kb.regions.items():
        label = region.label[0].upper() + region.label[1:]
        grouped.setdefault(kb.region_groups[region.group].label, []).append((code, label))
    return [("", "Choose an area…"), *grouped.items()]


class IntakeForm(forms.Form):
    """One field per question; list questions get a yes/no gate plus choices or region rows."""

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        regions = _region_choices()
        for section in SECTIONS:
            for q in section.questions:
                label = q.staff_text if staff and q.staff_text else q.text
                if q.kind == "age":
                    self.fields[f"q_{q.id}"] = forms.IntegerField(
                        label=label, min_value=0, max_value=120, required=False
                    )
                elif q.kind == "yes_no":
                    self.fields[f"q_{q.id}"] = forms.ChoiceField(
                        label=label, choices=YES_NO, required=False, widget=forms.RadioSelect, help_text=q.help
                    )
                elif q.kind == "choice":
                    self.fields[f"q_{q.id}"] = forms.ChoiceField(
                        label=label, choices=q.choices, required=False, widget=forms.RadioSelect, help_text=q.help
                    )
                else:
                    gate_label = q.staff_text if staff and q.staff_text else q.gate
                    self.fields[f"q_{q.id}_gate"] = forms.ChoiceField(
                        label=gate_label, choices=YES_NO, required=False, widget=forms.RadioSelect
                    )
                    if q.kind in ("areas", "multi"):
                        choices = AREA_CHOICES if q.kind == "areas" else q.choices
                        self.fields[f"q_{q.id}"] = forms.MultipleChoiceField(
                            label=q.text,
                            choices=choices,
                            required=False,
                            widget=forms.CheckboxSelectMultiple,
                            help_text=q.help,
                        )
                    else:
                        for row in range(LIST_ROWS):
                            self.fields[f"q_{q.id}_region_{row}"] = forms.ChoiceField(
                                label=f"{q.text} (area {row + 1})", choices=regions, required=False
                            )
                            self.fields[f"q_{q.id}_side_{row}"] = forms.ChoiceField(
                                label=f"Side (area {row + 1})", choices=SIDE_CHOICES, required=False
                            )

    def sections(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """What the template walks through: each question with its bound fields and when to show it."""
        out = []
        for section in SECTIONS:
            items = []
            for q in section.questions:
                item: dict[str, Any] = {"question": q, "show_if": _show_if_attr(q)}
                if q.kind in ("areas", "multi", "regions"):
                    item["gate"] = self[f"q_{q.id}_gate"]
                    if q.kind == "regions":
                        item["rows"] = [
                            (self[f"q_{q.id}_region_{r}"], self[f"q_{q.id}_side_{r}"]) for r in range(LIST_ROWS)
                        ]
                    else:
                        item["field"] = self[f"q_{q.id}"]
                else:
                    item["field"] = self[f"q_{q.id}"]
                items.append(item)
            out.append((section.title, items))
        return out

    def answers(self) -> dict[str, Any]:
        """The contract's answers object. A question hidden by its gate is left out (not asked)."""
        data = self.cleaned_data
        kb = load_knowledge()
        answers: dict[str, Any] = {}
        age = data.get("q_age_years")
        answers["age_years"] = age
        for q in QUESTIONS.values():
            if q.id == "age_years":
                continue
            if q.show_if is not None and not _revealed(q, answers):
                continue
            if q.kind == "yes_no":
                answers[q.id] = {"yes": True, "no": False}.get(data.get(f"q_{q.id}") or "")
            elif q.kind == "choice":
                value = data.get(f"q_{q.id}") or None
                answers[q.id] = int(value) if value is not None and q.id == "pregnancy_trimester" else value
            else:
                gate = data.get(f"q_{q.id}_gate") or ""
                if gate == "":
                    answers[q.id] = None
                elif gate == "no":
                    answers[q.id] = []
                elif q.kind == "multi":
                    answers[q.id] = list(data.get(f"q_{q.id}") or [])
                elif q.kind == "areas":
                    items = []
                    for value in data.get(f"q_{q.id}") or []:
                        _, group, side = value.split(":")
                        items.append({"group": group, "side": side or None})
                    answers[q.id] = items
                else:
                    rows = []
                    for r in range(LIST_ROWS):
                        code = data.get(f"q_{q.id}_region_{r}") or ""
                        side = data.get(f"q_{q.id}_side_{r}") or None
                        if code:
                            midline = kb.regions[code].midline
                            rows.append({"region": code, "side": None if midline else side})
                    answers[q.id] = rows
        return answers

    def add_contract_errors(self, exc: ScreeningInputError) -> None:
        """Show each contract error on the field it came from (``lymphoedema.0.side`` -> that question)."""
        for path, messages in exc.errors.items():
            question, _, rest = path.partition(".")
            q = QUESTIONS.get(question)
            name: str | None = None
            if q is not None:
                if q.kind == "regions" and rest:
                    row, _, part = rest.partition(".")
                    name = f"q_{q.id}_{'side' if part == 'side' else 'region'}_{row}"
                elif q.kind in ("areas", "multi"):
                    name = f"q_{q.id}"
                else:
                    name = f"q_{q.id}"
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def _revealed(q: Question, answers: dict[str, Any]) -> bool:
    assert q.show_if is not None
    gate, value = q.show_if
    if value == "<18":
        age = answers.get("age_years")
        return isinstance(age, int) and age < 18
    return answers.get(gate) == value


def _show_if_attr(q: Question) -> str:
    """``data-show-if`` for the page script: 'field=value' or 'field<18'."""
    if q.show_if is None:
        return ""
    gate, value = q.show_if
    if value == "<18":
        return f"q_{gate}<18"
    return f"q_{gate}={'yes' if value is True else value}"
