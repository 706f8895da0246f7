"""``needlepoint worker``: due messages go out once, even with two workers at the same moment."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from needlepoint.accounts.models import Clinic
from needlepoint.audit.models import AuditEvent
from needlepoint.outbox import handlers, services, worker
from needlepoint.outbox.models import OutboxMessage
from needlepoint.patients.models import Patient

KIND = "test_ping"
Status = OutboxMessage.Status


def _build(message: OutboxMessage) -> EmailMessage | None:
    patient = message.patient
    if patient is None or message.subject_id.startswith("gone-"):
        return None
    return EmailMessage(subject=f"ping {message.subject_id}", body="hello", to=[patient.email] if patient.email else [])


@pytest.fixture(autouse=True)
def _builder() -> Iterator[None]:
    handlers._BUILDERS[KIND] = _build
    yield
    handlers._BUILDERS.pop(KIND, None)


@pytest.fixture
def patient(db: None) -> Patient:
    clinic = Clinic.objects.create(name="Worker Clinic", slug="worker-clinic")
    return Patient.objects.create(
        clinic=clinic,
        chart_number="W-1",
        given_name="Wendy",
        family_name="Worker",
        date_of_birth=dt.date(1980, 1, 1),
        sex="female",
        email="wendy@example.org",
    )


def _enqueue(patient: Patient, n: int, *, due: dt.datetime | None = None, prefix: str = "m") -> list[OutboxMessage]:
    due = due or timezone.now() - dt.timedelta(minutes=1)
    return [
        services.enqueue(
            clinic_id=patient.clinic_id, patient_id=patient.pk, kind=KIND, subject_id=f"{prefix}{i}", due_at=due
        )
        for i in range(n)
    ]


def test_a_due_message_is_sent_once_and_audited(patient: Patient) -> None:
    (message,) = _enqueue(patient, 1)
    first = worker.run_once("w1")
    second = worker.run_once("w2")
    assert (first.sent, second.claimed) == (1, 0)
    assert [m.subject for m in mail.outbox] == ["ping m0"]
    assert mail.outbox[0].to == ["wendy@example.org"]
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.sent_to, message.attempts) == (
        Status.SENT,
        "w1",
        "wendy@example.org",
        1,
    )
    row = AuditEvent.objects.get(action=AuditEvent.Action.SEND)
    assert (row.object_id, row.patient_id) == (str(message.pk), str(patient.pk))


def test_messages_not_yet_due_wait(patient: Patient) -> None:
    _enqueue(patient, 1, due=timezone.now() + dt.timedelta(hours=1))
    assert worker.run_once("w1").claimed == 0
    assert mail.outbox == []
    later = timezone.now() + dt.timedelta(hours=2)
    assert worker.run_once("w1", now=later).sent == 1


def test_two_workers_reading_the_same_due_rows_claim_each_once(patient: Patient) -> None:
    """The race itself: both read the due list before either claims; the conditional UPDATE decides."""
    _enqueue(patient, 5)
    now = timezone.now()
    seen_by_first = worker.due_ids(now=now, limit=50)
    seen_by_second = worker.due_ids(now=now, limit=50)
    assert seen_by_first == seen_by_second and len(seen_by_first) == 5
    first = worker.claim(seen_by_first[:3], "w1", now=now)
    second = worker.claim(seen_by_second, "w2", now=now)
    assert len(first) == 3 and len(second) == 2 and not set(first) & set(second)


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_once_send_every_reminder_exactly_once() -> None:
    clinic = Clinic.objects.create(name="Race Clinic", slug="race-clinic")
    patient = Patient.objects.create(
        clinic=clinic,
        chart_number="R-1",
        given_name="Rae",
        family_name="Race",
        date_of_birth=dt.date(1980, 1, 1),
        sex="female",
        email="rae@example.org",
    )
    total = 60
    _enqueue(patient, total)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            while worker.run_once(name, limit=7).claimed:
                pass
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == sorted(f"ping m{i}" for i in range(total))
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == total
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEND).count() == total


def test_nothing_to_send_any_more_cancels(patient: Patient) -> None:
    (message,) = _enqueue(patient, 1, prefix="gone-")
    assert worker.run_once("w1").cancelled == 1
    message.refresh_from_db()
    assert message.status == Status.CANCELLED and mail.outbox == []


def test_a_patient_without_email_is_skipped_with_a_reason(patient: Patient) -> None:
    Patient.objects.filter(pk=patient.pk).update(email="")
    (message,) = _enqueue(patient, 1)
    worker.run_once("w1")
    message.refresh_from_db()
    assert message.status == Status.CANCELLED and "no e-mail" in message.last_error


def test_a_failing_backend_retries_later_then_fails(patient: Patient, settings: object) -> None:
    settings.EMAIL_BACKEND = "tests.integration.test_outbox_worker.BrokenBackend"  # type: ignore[attr-defined]
    (message,) = _enqueue(patient, 1)
    now = timezone.now()
    assert worker.run_once("w1", now=now).retried == 1
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.due_at > now and "SMTP down" in message.last_error
    for _ in range(worker.MAX_ATTEMPTS - 1):
        now += dt.timedelta(days=1)
        worker.run_once("w1", now=now)
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == worker.MAX_ATTEMPTS


def test_a_stale_claim_is_taken_over(patient: Patient) -> None:
    (message,) = _enqueue(patient, 1)
    now = timezone.now()
    assert worker.claim([message.pk], "dead", now=now) == [message.pk]
    assert worker.run_once("w2", now=now + dt.timedelta(minutes=1)).claimed == 0
    assert worker.run_once("w2", now=now + worker.CLAIM_TIMEOUT + dt.timedelta(minutes=1)).sent == 1


def test_cancel_pending_leaves_sent_messages_alone(patient: Patient) -> None:
    (sent,) = _enqueue(patient, 1, prefix="a")
    worker.run_once("w1")
    services.enqueue(
        clinic_id=patient.clinic_id,
        patient_id=patient.pk,
        kind=KIND,
        subject_id="a0",
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    assert services.cancel_pending(KIND, "a0") == 1
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_enqueue_refuses_a_naive_due_time(patient: Patient) -> None:
    with pytest.raises(ValueError, match="time zone"):
        services.enqueue(
            clinic_id=patient.clinic_id,
            patient_id=patient.pk,
            kind=KIND,
            subject_id="x",
            due_at=dt.datetime(2030, 1, 1, 9, 0),
        )


class BrokenBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionError("SMTP down")


def test_the_worker_command_sends_what_is_due(patient: Patient, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli import run

    _enqueue(patient, 2)
    code, out, _ = run(capsys, "worker", "--once")
    assert code == 0 and "sent 2" in out
    assert len(mail.outbox) == 2
    code, out, _ = run(capsys, "worker", "--once")
    assert code == 0 and "nothing due" in out and len(mail.outbox) == 2
