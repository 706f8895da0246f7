from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from tests.base import ClinicTestCase

from needlepoint.audit.models import AppendOnlyError, AuditEvent
from needlepoint.audit.services import verify_chain
from needlepoint.cli import main
from needlepoint.patients import services

NEW = {"given_name": "Iris", "family_name": "Novak", "date_of_birth": dt.date(1980, 2, 2), "sex": "female"}


class AuditTrailTests(ClinicTestCase):
    def test_create_update_read_are_recorded_with_actor_and_changes(self) -> None:
        patient = services.create_patient(self.fran, NEW)
        services.update_patient(self.alice, patient.pk, {"phone": "+1 303 555 0100"})
        services.open_chart(self.bob, patient.pk)
        rows = list(AuditEvent.objects.filter(patient_id=str(patient.pk)).order_by("seq"))
        assert [(r.action, r.actor_name) for r in rows] == [
            ("create", "Fran Diaz"),
            ("update", "Alice Chen"),
            ("read", "Bob Okafor"),
        ]
        assert rows[0].after["family_name"] == "Novak" and rows[0].clinic_id == self.clinic.pk
        assert rows[1].before == {"phone": ""} and rows[1].after == {"phone": "+1 303 555 0100"}
        assert rows[2].before is None and rows[2].after is None

    def test_audit_row_is_in_the_same_transaction_as_the_change(self) -> None:
        before = AuditEvent.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            services.create_patient(self.fran, NEW)
            raise RuntimeError("the request fails after the write")
        assert AuditEvent.objects.count() == before
        assert not self.clinic.patients.filter(family_name="Novak").exists()

    def test_rows_cannot_be_changed_or_deleted_through_the_orm(self) -> None:
        services.open_chart(self.alice, self.olive.pk)
        row = AuditEvent.objects.latest("seq")
        row.actor_name = "someone else"
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().update(actor_name="x")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()

    def test_web_request_id_is_kept(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/patients/{self.olive.pk}/", headers={"X-Request-ID": "req-1234abcd"})
        assert response["X-Request-ID"] == "req-1234abcd"
        assert AuditEvent.objects.latest("seq").request_id == "req-1234abcd"


class ChainVerificationTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        for _ in range(3):
            services.open_chart(self.alice, self.olive.pk)

    def test_intact_chain_verifies(
        self,
    ) -> None:
        result = verify_chain()
        assert result.ok and result.checked == AuditEvent.objects.count() >= 3

    def test_row_altered_in_sql_is_named(self) -> None:
        victim = AuditEvent.objects.order_by("seq")[1]
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["Mallory", victim.pk])
        result = verify_chain()
        assert not result.ok and result.broken is not None
        assert result.broken.row_id == victim.pk and "altered" in result.broken.problem

    def test_row_deleted_in_sql_is_detected(self) -> None:
        victim = AuditEvent.objects.order_by("seq")[1]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
        result = verify_chain()
        assert not result.ok and result.broken is not None and result.broken.seq == victim.seq + 1

    def test_last_row_deleted_in_sql_is_detected(self) -> None:
        victim = AuditEvent.objects.latest("seq")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
        assert not verify_chain().ok

    def test_cli_verify_passes_then_fails_naming_the_row(self) -> None:
        main(["audit", "verify"])  # returns normally when intact
        victim = AuditEvent.objects.order_by("seq")[0]
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET object_repr = 'x' WHERE id = %s", [victim.pk])
        with pytest.raises(SystemExit) as broken:
            main(["audit", "verify"])
        assert broken.value.code == 2
