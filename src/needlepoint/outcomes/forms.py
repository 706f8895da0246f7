"""The questionnaire form, built from the versioned questionnaire data.

One field per item: ``choice`` items are radio groups with the published answer levels, 0-10
``numeric-scale`` items are a row of numbered buttons, and PSFS ``activity`` items are a row each
of activity (in the patient's words) and its 0-10 score. Items that allow it offer "not
applicable". Every item may be left blank: the scoring's missing-item rules decide what a blank
means, and the page asks the patient to confirm the blanks once before sending (see
:meth:`QuestionnaireForm.needs_gap_confirmation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from needlepoint.clinical.outcomes.scoring import InvalidAnswers, score
from needlepoint.knowledge.outcomes import NOT_APPLICABLE, Item, Questionnaire
from needlepoint.outcomes.services.questionnaires import MAX_ACTIVITY_LENGTH

NOT_APPLICABLE_LABEL = "Does not apply to me"
CONFIRM_FIELD = "confirm_skipped"


def _item_field(item: Item) -> forms.ChoiceField:
    if item.kind == "choice":
        choices = [(str(o.value), o.label) for o in item.options]
    else:
        choices = [(str(v), str(v)) for v in item.allowed_values()]
    if item.not_applicable_allowed:
        choices.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
    return forms.ChoiceField(
        label=item.text,
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the answers shown."},
    )


@dataclass(frozen=True)
class ItemRow:
    """One item as the template shows it."""

    number: int
    item: Item
    field: Any = None  # the bound answer (choice, scale) or the activity's score
    activity: Any = None  # PSFS: the bound activity text
    skipped: bool = False

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def anchor(self) -> str:
        return f"q-{self.item.id}"

    @property
    def errors(self) -> list[str]:
        found = list(self.field.errors) if self.field is not None else []
        if self.activity is not None:
            found = list(self.activity.errors) + found
        return found


class QuestionnaireForm(forms.Form):
    """A form for one questionnaire version; ``.answers()`` is the shape ``score()`` takes."""

    def __init__(self, questionnaire: Questionnaire, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.asking_confirmation = False
        for item in questionnaire.items:
            if item.kind == "activity":
                self.fields[self.activity_name(item)] = forms.CharField(
                    label=f"Activity {self._activity_number(item)}",
                    required=False,
                    max_length=MAX_ACTIVITY_LENGTH,
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                )
            self.fields[self.field_name(item)] = _item_field(item)
        self.fields[CONFIRM_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)

    # --- names ---------------------------------------------------------------------------

    @staticmethod
    def field_name(item: Item) -> str:
        return f"item-{item.id}"

    @staticmethod
    def activity_name(item: Item) -> str:
        return f"item-{item.id}-activity"

    def _activity_number(self, item: Item) -> int:
        activities = [i.id for i in self.questionnaire.items if i.kind == "activity"]
        return activities.index(item.id) + 1

    # --- validation ----------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.questionnaire.items:
            if item.kind != "activity":
                continue
            activity = (data.get(self.activity_name(item)) or "").strip()
            rating = data.get(self.field_name(item)) or ""
            if activity and not rating:
                self.add_error(self.field_name(item), "Give this activity a score from 0 to 10, or clear the activity.")
            elif rating and not activity:
                self.add_error(self.activity_name(item), "Name the activity you scored.")
        return data

    def answers(self) -> dict[str, Any]:
        """Item id -> answer: a whole number, ``"not-applicable"``, None (blank); PSFS rows as
        ``{"activity": text, "score": n}`` or None. Call after ``is_valid()``."""
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for item in self.questionnaire.items:
            raw = data.get(self.field_name(item)) or ""
            if item.kind == "activity":
                activity = (data.get(self.activity_name(item)) or "").strip()
                result[item.id] = {"activity": activity, "score": int(raw)} if activity and raw else None
            elif raw == NOT_APPLICABLE:
                result[item.id] = NOT_APPLICABLE
            else:
                result[item.id] = int(raw) if raw else None
        return result

    # --- skipped items -------------------------------------------------------------------

    def skipped(self) -> list[Item]:
        """Items left blank that the questionnaire expects (optional PSFS rows are not listed)."""
        answers = self.answers()
        return [item for item in self.questionnaire.items if item.required and answers.get(item.id) is None]

    def skipped_key(self) -> str:
        return ",".join(item.id for item in self.skipped())

    def needs_gap_confirmation(self) -> bool:
        """True when items are blank and the patient has not yet confirmed exactly these blanks.

        The page then shows which they skipped and carries the list in a hidden field; sending
        the same blanks again goes through, changing them asks again. Answers are kept.
        """
        key = self.skipped_key()
        if not key or self.cleaned_data.get(CONFIRM_FIELD) == key:
            return False
        self.data = self.data.copy()
        self.data[CONFIRM_FIELD] = key
        self.asking_confirmation = True
        return True

    # --- display -------------------------------------------------------------------------

    def rows(self) -> list[ItemRow]:
        skipped = {item.id for item in self.skipped()} if self.asking_confirmation else set()
        rows = []
        for number, item in enumerate(self.questionnaire.items, start=1):
            rows.append(
                ItemRow(
                    number=number,
                    item=item,
                    field=self[self.field_name(item)],
                    activity=self[self.activity_name(item)] if item.kind == "activity" else None,
                    skipped=item.id in skipped,
                )
            )
        return rows

    @property
    def confirm_field(self) -> Any:
        return self[CONFIRM_FIELD]

    @property
    def gap_consequence(self) -> str:
        """What the blanks mean for the score (empty when it can still be scored)."""
        try:
            result = score(self.questionnaire, self.answers())
        except InvalidAnswers:
            return ""
        if result.is_valid:
            return ""
        return "With these questions blank, the questionnaire cannot be scored."

    @property
    def skipped_rows(self) -> list[ItemRow]:
        return [row for row in self.rows() if row.skipped]
