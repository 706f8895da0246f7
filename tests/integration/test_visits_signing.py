"""Signing: the needle count, billing codes, and a signed note that no path can change (services,
ORM save and delete, QuerySet.update, raw SQL UPDATE, DELETE and INSERT, the Django admin);
corrections as addenda."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from tests.integration.test_reports_helpers import NEEDLE
from tests.integration.test_visits_helpers import VisitTestCase

from needlepoint.accounts.models import User
from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.visits import documents, services, triggers
from needlepoint.visits.models import (
    Addendum,
    AdverseEvent,
    CoIntervention,
    ImmutableError,
    NeedleInsertion,
    PainMark,
    TriggerPointFinding,
    Visit,
)

FINDING = {"muscle": "infraspinatus", "side": "left", "activity": "active", "taut_band": True}
ROW_TABLES = {
    "visits_painmark": PainMark,
    "visits_triggerpointfinding": TriggerPointFinding,
    "visits_needleinsertion": NeedleInsertion,
    "visits_cointervention": CoIntervention,
}


class NeedleCountTests(VisitTestCase):
    def test_a_mismatch_blocks_signing_and_says_so(self) -> None:
        self.insert(needles_used=2, needle_lots=["LOT-A1", "LOT-A2"])
        with pytest.raises(Conflict) as caught:
            self.sign(opened=3, removed=2)
        assert "1 needle opened but not accounted for" in str(caught.value)
        visit = self.fresh()
        assert (visit.status, visit.needles_opened, visit.signed_at) == ("draft", None, None)
        with pytest.raises(Conflict, match="more needles removed than opened"):
            self.sign(opened=2, removed=4)
        with pytest.raises(Conflict, match="lists 2 needles used but 1 were opened"):
            self.sign(opened=1, removed=1)
        signed = self.sign(opened=2, removed=2)
        assert (signed.status, signed.needles_opened, signed.needles_removed) == ("signed", 2, 2)

    def test_the_count_is_of_needles_used_not_of_lots(self) -> None:
        # Five needles from one box in one muscle, two from another box in the next: seven needles.
        self.insert(needles_used=5, needle_lots=["LOT-A1", "LOT-A1"])
        self.insert(muscle="teres-minor", needles_used=2, needle_lots=["LOT-A1", "LOT-B2"])
        summary = services.visit_summary(self.fresh())
        assert summary.needles_logged == 7
        assert [(row.needles_used, row.needle_lots) for row in summary.insertions] == [
            (5, ["LOT-A1"]),
            (2, ["LOT-A1", "LOT-B2"]),
        ]
        with pytest.raises(Conflict, match="lists 7 needles used but 3 were opened"):
            self.sign(opened=3, removed=3)  # one per lot is not enough
        visit = services.record_needle_counts(self.alice, self.visit.pk, self.version, 6, 6)
        assert services.visit_summary(visit).needle_count_problem == (
            "the needle log lists 7 needles used but 6 were opened."
        )
        signed = self.sign(opened=7, removed=7)
        assert signed.is_signed
        pdf = documents.note_document(signed, services.visit_summary(signed), with_chart=False)
        assert [row.needles_used for row in pdf.needling] == [5, 2]
        assert [row.needle_lot for row in pdf.needling] == ["LOT-A1", "LOT-A1, LOT-B2"]
        assert pdf.needle_count is not None
        assert (pdf.needle_count.opened, pdf.needle_count.removed, pdf.needle_count.logged) == (7, 7, 7)

    def test_counts_kept_on_the_draft_show_the_problem_before_signing(self) -> None:
        visit = services.record_needle_counts(self.alice, self.visit.pk, 1, 4, 3)
        assert services.signing_problems(visit) == [
            "Needle count: 1 needle opened but not accounted for: find and dispose of it before signing."
        ]
        assert services.visit_summary(visit).needle_count_problem is not None
        with pytest.raises(InvalidInput) as caught:
            services.record_needle_counts(self.alice, self.visit.pk, 2, -1, "x")
        assert set(caught.value.errors) == {"needles_opened", "needles_removed"}


class SignTests(VisitTestCase):
    def test_only_clinicians_sign(self) -> None:
        for user in (self.fran, self.ada):
            with pytest.raises(Forbidden):
                services.sign_visit(user, self.visit.pk, 1, 0, 0)
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                services.sign_visit(user, self.visit.pk, 1, 0, 0)
        assert not self.fresh().is_signed

    def test_signing_freezes_the_billing_codes_and_is_audited(self) -> None:
        self.insert()
        self.insert(side="right", needle_lots=["LOT-A2"])
        visit = self.sign(opened=2, removed=2, actor=self.bob)
        assert (visit.cpt_codes, visit.icd10_code, visit.signed_by, visit.signed_by_name) == (
            ["20560"],
            "M54.2",
            self.bob,
            "Bob Okafor",
        )
        row = AuditEvent.objects.filter(action="update", object_id=str(visit.pk)).first()
        assert row is not None and row.after["status"] == "signed" and row.after["cpt_codes"] == ["20560"]
        # A later change of the episode's code does not rewrite the signed note.
        services.update_episode(self.alice, self.episode.pk, {"icd10_code": "M79.12"})
        assert services.visit_summary(self.fresh()).icd10_code == "M54.2"

    def test_three_or_more_muscles_bill_20561(self) -> None:
        self.insert()
        self.insert(muscle="teres-minor", needle_lots=["LOT-A2"])
        assert services.visit_summary(self.fresh()).cpt_codes == ["20560"]
        self.insert(muscle="teres-major", needle_lots=["LOT-A3"])
        summary = services.visit_summary(self.fresh())
        assert (summary.cpt_codes, summary.muscles_needled, summary.icd10_code) == (["20561"], 3, "M54.2")

    def test_no_needling_no_cpt_code(self) -> None:
        assert self.sign(opened=0, removed=0).cpt_codes == []


class BillingCountTests(VisitTestCase):
    """The note counts anatomical muscles (clinical/billing.py) and says how; rows are written
    directly so that only the count is under test, not the safety checks of each entry."""

    def log(self, *entries: tuple[str, str]) -> None:
        for muscle, side in entries:
            NeedleInsertion.objects.create(
                visit=self.visit,
                muscle_id=muscle,
                side=side,
                recorded_by=self.alice,
                checked_at=timezone.now(),
                **NEEDLE,
            )

    def test_the_parts_of_the_trapezius_and_both_sides_count_as_one_muscle(self) -> None:
        self.log(
            ("upper-trapezius", "left"),
            ("middle-trapezius", "left"),
            ("lower-trapezius", "left"),
            ("upper-trapezius", "right"),
        )
        summary = services.visit_summary(self.fresh())
        assert (summary.cpt_codes, summary.muscles_needled) == (["20560"], 1)
        assert summary.billing_basis == (
            "CPT 20560: 1 muscle (trapezius: upper trapezius, middle trapezius and lower trapezius counted once, "
            "left and right counted once)."
        )
        assert [r.id for r in summary.billing_rules] == ["muscles", "parts", "sides"]
        sides = summary.billing_rules[-1]
        assert not sides.confirmed and sides.sources == ["American Physical Therapy Association 2020", "AAPC"]
        # Levator scapulae and the scalenes (one entry, counted once) make three muscles: 20561.
        self.log(("levator-scapulae", "left"), ("scalenes", "right"))
        summary = services.visit_summary(self.fresh())
        assert (summary.cpt_codes, summary.muscles_needled) == (["20561"], 3)
        assert "scalenes: one entry for anterior scalene, middle scalene and posterior scalene" in summary.billing_basis

    def test_a_note_signed_under_the_old_count_keeps_its_code_and_says_so(self) -> None:
        self.log(("upper-trapezius", "left"), ("middle-trapezius", "left"), ("lower-trapezius", "left"))
        visit = self.fresh()
        visit.cpt_codes = ["20561"]  # as the entries were counted before issue 11
        visit.needles_opened = visit.needles_removed = 3
        visit.status = Visit.Status.SIGNED
        visit.signed_at, visit.signed_by, visit.signed_by_name = timezone.now(), self.alice, "Alice Chen"
        visit.save()
        summary = services.visit_summary(self.fresh())
        assert (summary.cpt_codes, summary.muscles_needled) == (["20561"], 1)
        assert summary.billing_basis.startswith(
            "Billed at signing as CPT 20561 (codes are frozen at signing). "
            "Counted by today's rules: CPT 20560: 1 muscle"
        )


class SignedNoteIsImmutableTests(VisitTestCase):
    def setUp(self) -> None:
        super().setUp()
        services.record_pain_drawing(
            self.alice, self.visit.pk, 1, [{"region": "neck.posterolateral", "side": "left", "intensity": 6}]
        )
        services.add_finding(self.alice, self.visit.pk, 2, FINDING)
        services.add_co_intervention(self.alice, self.visit.pk, 3, {"kind": "stretching"})
        self.insert()
        services.add_adverse_event(self.alice, self.visit.pk, self.version, {"kind": "bruising", "severity": "mild"})
        self.signed = self.sign()

    def test_every_service_refuses_with_conflict(self) -> None:
        v = self.signed.version
        entry = NeedleInsertion.objects.get()
        finding = TriggerPointFinding.objects.get()
        calls = [
            lambda: services.record_pain_ratings(self.alice, self.visit.pk, v, before=2),
            lambda: services.record_notes(self.alice, self.visit.pk, v, "changed"),
            lambda: services.record_pain_drawing(self.alice, self.visit.pk, v, []),
            lambda: services.update_visit(self.alice, self.visit.pk, v, {"co_interventions": []}),
            lambda: services.add_finding(self.alice, self.visit.pk, v, {**FINDING, "side": "right"}),
            lambda: services.update_finding(self.alice, self.visit.pk, v, finding.pk, {"taut_band": False}),
            lambda: services.remove_finding(self.alice, self.visit.pk, v, finding.pk),
            lambda: services.add_co_intervention(self.alice, self.visit.pk, v, {"kind": "massage"}),
            lambda: self.insert(side="right"),
            lambda: services.update_insertion(self.alice, self.visit.pk, v, entry.pk, {"depth_mm": "20"}),
            lambda: services.remove_insertion(self.alice, self.visit.pk, v, entry.pk),
            lambda: services.record_needle_counts(self.alice, self.visit.pk, v, 5, 5),
            lambda: services.sign_visit(self.alice, self.visit.pk, v, 1, 1),
            lambda: services.discard_visit(self.alice, self.visit.pk, v),
        ]
        for call in calls:
            with pytest.raises(Conflict, match="signed by Alice Chen"):
                call()
        assert self.fresh().version == v

    def test_orm_save_and_delete_refuse(self) -> None:
        visit = self.fresh()
        visit.notes = "rewritten"
        with pytest.raises(ImmutableError):
            visit.save()
        with pytest.raises(ImmutableError):
            visit.delete()
        for model in ROW_TABLES.values():
            row = model.objects.get()
            with pytest.raises(ImmutableError):
                row.save()
            with pytest.raises(ImmutableError):
                row.delete()
        with pytest.raises(ImmutableError):
            PainMark(visit=visit, region="head.temple", side="left", intensity=2).save()
        event = AdverseEvent.objects.get()
        with pytest.raises(ImmutableError):
            event.save()
        with pytest.raises(ImmutableError):
            event.delete()

    def test_queryset_update_is_refused_by_the_database(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Visit.objects.filter(pk=self.visit.pk).update(pain_before=0)
        with pytest.raises(IntegrityError), transaction.atomic():
            NeedleInsertion.objects.update(depth_mm=10)
        with pytest.raises(IntegrityError), transaction.atomic():
            Visit.objects.filter(pk=self.visit.pk).update(status="draft")
        with pytest.raises(IntegrityError), transaction.atomic():
            PainMark.objects.filter(visit_id=self.visit.pk).delete()

    def sql(self, statement: str, params: list[object]) -> None:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)

    def test_raw_sql_update_and_delete_of_the_visit_are_refused(self) -> None:
        pk = self.visit.pk.hex if connection.vendor == "sqlite" else self.visit.pk
        for assignment in ("notes = 'x'", "pain_after = 0", "status = 'draft'", "version = 99", "cpt_codes = '[]'"):
            self.sql(f"UPDATE visits_visit SET {assignment} WHERE id = %s", [pk])  # noqa: S608
        self.sql("DELETE FROM visits_visit WHERE id = %s", [pk])
        visit = self.fresh()
        assert (visit.status, visit.notes, visit.version) == ("signed", "", self.signed.version)

    def test_raw_sql_on_the_rows_of_a_signed_note_is_refused(self) -> None:
        pk = self.visit.pk.hex if connection.vendor == "sqlite" else self.visit.pk
        for table in ROW_TABLES:
            self.sql(f"UPDATE {table} SET visit_id = visit_id WHERE visit_id = %s", [pk])  # noqa: S608
            self.sql(f"DELETE FROM {table} WHERE visit_id = %s", [pk])  # noqa: S608
        self.sql(
            "INSERT INTO visits_painmark (visit_id, region, side, intensity) VALUES (%s, 'head.temple', 'left', 3)",
            [pk],
        )
        self.sql(
            "INSERT INTO visits_cointervention (visit_id, kind, details) VALUES (%s, 'massage', '')",
            [pk],
        )
        self.sql("UPDATE visits_adverseevent SET severity = 'serious' WHERE visit_id = %s", [pk])
        self.sql("DELETE FROM visits_adverseevent WHERE visit_id = %s", [pk])
        assert [m.objects.count() for m in ROW_TABLES.values()] == [1, 1, 1, 1]
        assert AdverseEvent.objects.get().severity == "mild"

    def test_drafts_stay_editable_in_sql(self) -> None:
        draft = services.start_visit(self.alice, self.episode.pk)
        pk = draft.pk.hex if connection.vendor == "sqlite" else draft.pk
        with connection.cursor() as cursor:
            cursor.execute("UPDATE visits_visit SET notes = 'draft text' WHERE id = %s", [pk])
            cursor.execute(
                "INSERT INTO visits_painmark (visit_id, region, side, intensity) VALUES (%s, 'head.temple', 'left', 3)",
                [pk],
            )
            cursor.execute("DELETE FROM visits_painmark WHERE visit_id = %s", [pk])
        assert self.fresh(draft).notes == "draft text"

    def test_the_guard_can_be_lifted_only_by_dropping_the_triggers(self) -> None:
        # For test databases about to be flushed (live-server tests): see visits.triggers.
        pk = self.visit.pk.hex if connection.vendor == "sqlite" else self.visit.pk
        triggers.remove(connection)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE visits_visit SET notes = 'x' WHERE id = %s", [pk])
        triggers.install(connection)
        self.sql("UPDATE visits_visit SET notes = 'y' WHERE id = %s", [pk])
        assert self.fresh().notes == "x"

    def test_the_admin_shows_notes_read_only(self) -> None:
        admin = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
        self.client.force_login(admin)
        change = f"/admin/visits/visit/{self.visit.pk}/change/"
        page = self.client.get(change)
        assert page.status_code == 200 and b"Save" not in page.content
        self.client.get(change)
        token = self.client.cookies["csrftoken"].value
        response = self.client.post(change, {"notes": "rewritten", "csrfmiddlewaretoken": token})
        assert response.status_code == 403
        response = self.client.post(
            f"/admin/visits/visit/{self.visit.pk}/delete/", {"post": "yes", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 403
        assert self.client.get("/admin/visits/visit/add/").status_code == 403
        assert self.fresh().notes == ""


class AddendumTests(VisitTestCase):
    def test_the_author_or_a_colleague_adds_dated_addenda(self) -> None:
        signed = self.sign(opened=0, removed=0)
        first = services.add_addendum(self.alice, self.visit.pk, signed.version, "Pain was 6, not 7, before.")
        second = services.add_addendum(self.bob, self.visit.pk, signed.version, "Phoned next day: much better.")
        assert [(a.author_name, a.text) for a in Addendum.objects.all()] == [
            ("Alice Chen", "Pain was 6, not 7, before."),
            ("Bob Okafor", "Phoned next day: much better."),
        ]
        assert first.created_at <= second.created_at <= timezone.now()
        assert [a.author for a in services.visit_summary(self.fresh()).addenda] == ["Alice Chen", "Bob Okafor"]
        with pytest.raises(ImmutableError):
            first.save()
        with pytest.raises(ImmutableError):
            first.delete()
        with pytest.raises(IntegrityError), transaction.atomic():
            Addendum.objects.filter(pk=first.pk).update(text="rewritten")
        with pytest.raises(IntegrityError), transaction.atomic():
            Addendum.objects.filter(pk=first.pk).delete()

    def test_who_may_add_and_when(self) -> None:
        with pytest.raises(Conflict, match="still a draft"):
            services.add_addendum(self.alice, self.visit.pk, 1, "Too early.")
        signed = self.sign(opened=0, removed=0)
        for user in (self.fran, self.ada):
            with pytest.raises(Forbidden):
                services.add_addendum(user, self.visit.pk, signed.version, "Not a clinician.")
        with pytest.raises(NotFound):
            services.add_addendum(self.charlie, self.visit.pk, signed.version, "Outsider.")
        with pytest.raises(InvalidInput) as caught:
            services.add_addendum(self.alice, self.visit.pk, signed.version, "  ")
        assert set(caught.value.errors) == {"text"}
        assert not Addendum.objects.exists()
