"""Questionnaire responses: every instrument renders and round-trips to its score; who may submit;
bad answers are refused by item with nothing saved; audit rows; marking a response in error."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.template.loader import render_to_string
from tests.questionnaire_fixtures import QuestionnaireTestCase, all_questionnaires, form_data, full_answers

from needlepoint.audit.models import AuditEvent
from needlepoint.clinical.outcomes.scoring import score
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.knowledge.outcomes import NOT_APPLICABLE, load_questionnaires
from needlepoint.outcomes.forms import CONFIRM_FIELD, QuestionnaireForm
from needlepoint.outcomes.models import QuestionnaireResponse
from needlepoint.outcomes.services.questionnaires import mark_response_in_error, submit_response

TODAY = dt.date(2025, 3, 3)


class EveryInstrument(QuestionnaireTestCase):
    def test_the_shipped_set_covers_the_issue(self) -> None:
        ids = set(load_questionnaires())
        assert {"ndi", "odi", "quickdash", "psfs"} <= ids
        assert ids & {"hdi", "ffi"}

    def test_each_renders_every_item_as_a_fieldset_with_its_answers(self) -> None:
        for questionnaire in all_questionnaires():
            html = render_to_string("outcomes/questionnaire_fields.html", {"form": QuestionnaireForm(questionnaire)})
            assert html.count('<fieldset class="qn-item') == len(questionnaire.items), questionnaire.id
            for item in questionnaire.items:
                name = QuestionnaireForm.field_name(item)
                radios = re.findall(rf'<input type="radio" name="{re.escape(name)}" value="([^"]+)"', html)
                expected = [str(v) for v in item.allowed_values()]
                if item.not_applicable_allowed:
                    expected.append(NOT_APPLICABLE)
                assert radios == expected, (questionnaire.id, item.id)
                if item.kind == "activity":
                    assert f'name="{QuestionnaireForm.activity_name(item)}"' in html
            assert "<legend>" in html or "<legend><span" in html

    def test_each_round_trips_form_answers_to_the_stored_score(self) -> None:
        for n, questionnaire in enumerate(all_questionnaires()):
            answers = full_answers(questionnaire, pick=n % 3 + 1)
            form = QuestionnaireForm(questionnaire, form_data(questionnaire, answers))
            assert form.is_valid(), (questionnaire.id, form.errors)
            assert form.answers() == answers
            assert not form.needs_gap_confirmation()
            response = submit_response(
                self.alice,
                patient_id=self.pat_record.pk,
                episode_id=self.pat_episode.pk,
                questionnaire_id=questionnaire.id,
                answers=form.answers(),
                timepoint="baseline",
                completed_on=TODAY,
                source="clinic",
            )
            expected = score(questionnaire, answers)
            assert expected.is_valid and expected.total is not None
            assert response.score == Decimal(str(round(expected.total, 2))).quantize(Decimal("0.01"))
            assert (response.questionnaire_version, response.answered, response.missing) == (
                questionnaire.version,
                len(questionnaire.items),
                0,
            )
            assert response.answers == answers
            assert response.scorable and response.entered_by == self.alice

    def test_not_applicable_round_trips_where_allowed(self) -> None:
        questionnaire = next((q for q in all_questionnaires() if any(i.not_applicable_allowed for i in q.items)), None)
        if questionnaire is None:
            return
        answers = full_answers(questionnaire, pick=2)
        na_item = next(i for i in questionnaire.items if i.not_applicable_allowed)
        answers[na_item.id] = NOT_APPLICABLE
        form = QuestionnaireForm(questionnaire, form_data(questionnaire, answers))
        assert form.is_valid(), form.errors
        assert form.answers()[na_item.id] == NOT_APPLICABLE
        assert na_item.id not in [i.id for i in form.skipped()]


class TheForm(QuestionnaireTestCase):
    def test_a_psfs_row_needs_both_activity_and_score(self) -> None:
        psfs = load_questionnaires()["psfs"]
        first, second = psfs.items[0], psfs.items[1]
        form = QuestionnaireForm(
            psfs,
            {QuestionnaireForm.activity_name(first): "Lifting my child", QuestionnaireForm.field_name(second): "4"},
        )
        assert not form.is_valid()
        assert "score" in form.errors[QuestionnaireForm.field_name(first)][0]
        assert "Name the activity" in form.errors[QuestionnaireForm.activity_name(second)][0]

    def test_blanks_are_confirmed_once_and_changing_them_asks_again(self) -> None:
        ndi = load_questionnaires()["ndi"]
        answers = full_answers(ndi)
        answers[ndi.items[2].id] = None
        form = QuestionnaireForm(ndi, form_data(ndi, answers))
        assert form.is_valid()
        assert form.needs_gap_confirmation()
        html = render_to_string("outcomes/questionnaire_fields.html", {"form": form})
        assert "You left 1 question blank" in html and f'href="#q-{ndi.items[2].id}"' in html
        assert f'value="{ndi.items[2].id}"' in html  # the confirmation travels in the hidden field
        assert "checked" in html  # answers kept
        confirmed = QuestionnaireForm(ndi, form_data(ndi, answers, **{CONFIRM_FIELD: ndi.items[2].id}))
        assert confirmed.is_valid() and not confirmed.needs_gap_confirmation()
        answers[ndi.items[3].id] = None
        changed = QuestionnaireForm(ndi, form_data(ndi, answers, **{CONFIRM_FIELD: ndi.items[2].id}))
        assert changed.is_valid() and changed.needs_gap_confirmation()

    def test_the_notice_says_when_blanks_make_it_unscorable(self) -> None:
        quickdash = load_questionnaires()["quickdash"]
        answers = full_answers(quickdash)
        for item in quickdash.items[:3]:
            answers[item.id] = None
        form = QuestionnaireForm(quickdash, form_data(quickdash, answers))
        assert form.is_valid() and form.needs_gap_confirmation()
        assert "cannot be scored" in form.gap_consequence

    def test_optional_psfs_rows_are_not_listed_as_skipped(self) -> None:
        psfs = load_questionnaires()["psfs"]
        answers = full_answers(psfs)
        for item in psfs.items:
            if not item.required:
                answers[item.id] = None
        form = QuestionnaireForm(psfs, form_data(psfs, answers))
        assert form.is_valid() and form.skipped() == []


class Submitting(QuestionnaireTestCase):
    def submit(self, actor, **overrides):  # type: ignore[no-untyped-def]
        ndi = load_questionnaires()["ndi"]
        kwargs = {
            "patient_id": self.pat_record.pk,
            "episode_id": self.pat_episode.pk,
            "questionnaire_id": "ndi",
            "answers": full_answers(ndi),
            "timepoint": "baseline",
            "completed_on": TODAY,
            "source": "clinic",
        } | overrides
        return submit_response(actor, **kwargs)

    def test_bad_answers_name_the_item_and_save_nothing(self) -> None:
        ndi = load_questionnaires()["ndi"]
        answers = full_answers(ndi) | {ndi.items[0].id: 9, "no-such-item": 1}
        with self.assertRaises(InvalidInput) as caught:
            self.submit(self.alice, answers=answers)
        assert {f"answers.{ndi.items[0].id}", "answers.no-such-item"} <= set(caught.exception.errors)
        assert not QuestionnaireResponse.objects.exists()
        assert not AuditEvent.objects.filter(object_type="outcomes.questionnaireresponse").exists()

    def test_bad_fields_are_named(self) -> None:
        cases = {
            "questionnaire": {"questionnaire_id": "sf-36"},
            "timepoint": {"timepoint": "someday"},
            "completed_on": {"completed_on": dt.date.today() + dt.timedelta(days=3)},
            "answers": {"answers": ["not", "a", "mapping"]},
            "source": {"source": "portal"},
        }
        for field, override in cases.items():
            with self.assertRaises(InvalidInput, msg=field) as caught:
                self.submit(self.alice, **override)
            assert field in caught.exception.errors, (field, caught.exception.errors)
        assert not QuestionnaireResponse.objects.exists()

    def test_a_visit_must_belong_to_the_episode(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.submit(self.alice, visit_id="7c9e6679-7425-40de-944b-e07fc1f90ae7")
        assert "visit" in caught.exception.errors

    def test_too_few_psfs_activities_are_stored_unscored_with_the_reason(self) -> None:
        psfs = load_questionnaires()["psfs"]
        answers = {psfs.items[0].id: {"activity": "Reversing the car", "score": 3}}
        response = self.submit(self.alice, questionnaire_id="psfs", answers=answers)
        assert (response.scorable, response.score, response.answered) == (False, None, 1)
        assert "at least 3" in response.not_scored_reason

    def test_staff_of_the_clinic_enter_answers_and_each_is_audited(self) -> None:
        response = self.submit(self.ada)
        row = AuditEvent.objects.get(action="create", object_type="outcomes.questionnaireresponse")
        assert (row.actor_id, row.object_id, row.patient_id) == (self.ada.pk, str(response.pk), str(self.pat_record.pk))
        assert row.after["score"] == str(response.score)

    def test_front_desk_may_not_enter_answers(self) -> None:
        with self.assertRaises(Forbidden):
            self.submit(self.fran)

    def test_another_clinic_learns_nothing(self) -> None:
        with self.assertRaises(NotFound):
            self.submit(self.charlie)
        with self.assertRaises(NotFound):
            self.submit(self.charlie, patient_id=self.bruno.pk)  # his patient, but not this episode

    def test_the_episode_must_be_the_patients(self) -> None:
        with self.assertRaises(NotFound):
            self.submit(self.alice, episode_id=self.olive_episode.pk)

    def test_the_patient_answers_only_for_themselves_from_the_portal(self) -> None:
        response = self.submit(self.pat, source="portal")
        assert (response.source, response.entered_by) == ("portal", None)
        assert AuditEvent.objects.get(object_id=str(response.pk)).actor_id == self.pat.pk
        with self.assertRaises(NotFound):
            self.submit(self.pat, source="portal", patient_id=self.olive.pk, episode_id=self.olive_episode.pk)
        with self.assertRaises(InvalidInput):
            self.submit(self.pat, source="clinic")

    def test_nobody_signed_in_needs_an_invitation(self) -> None:
        with self.assertRaises(Forbidden):
            self.submit(None, source="link")


class MarkingInError(QuestionnaireTestCase):
    def setUp(self) -> None:
        super().setUp()
        ndi = load_questionnaires()["ndi"]
        self.response = submit_response(
            self.alice,
            patient_id=self.pat_record.pk,
            episode_id=self.pat_episode.pk,
            questionnaire_id="ndi",
            answers=full_answers(ndi),
            timepoint="baseline",
            completed_on=TODAY,
            source="clinic",
        )

    def test_marked_with_a_reason_and_audited_never_deleted(self) -> None:
        marked = mark_response_in_error(self.bob, self.response.pk, "Entered for the wrong patient")
        assert (marked.entered_in_error, marked.error_reason) == (True, "Entered for the wrong patient")
        assert QuestionnaireResponse.objects.filter(pk=self.response.pk).exists()
        assert not QuestionnaireResponse.objects.in_use().filter(pk=self.response.pk).exists()
        row = AuditEvent.objects.filter(action="update", object_id=str(self.response.pk)).get()
        assert (row.actor_id, row.before, row.after["entered_in_error"]) == (
            self.bob.pk,
            {"entered_in_error": False, "error_reason": ""},
            True,
        )

    def test_a_reason_is_required_and_twice_is_refused(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            mark_response_in_error(self.bob, self.response.pk, "  ")
        assert "reason" in caught.exception.errors
        mark_response_in_error(self.bob, self.response.pk, "Duplicate")
        with self.assertRaises(InvalidInput):
            mark_response_in_error(self.bob, self.response.pk, "Again")

    def test_outsiders_and_patients_cannot(self) -> None:
        for actor in (self.charlie, self.pat):
            with self.assertRaises(NotFound):
                mark_response_in_error(actor, self.response.pk, "No")
        with self.assertRaises(Forbidden):
            mark_response_in_error(self.fran, self.response.pk, "No")
        self.response.refresh_from_db()
        assert not self.response.entered_in_error
