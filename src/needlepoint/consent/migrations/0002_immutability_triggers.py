"""Database triggers: a published consent form and a signed consent never change, even in raw SQL.

The models refuse such changes too (ConsentForm.save, ConsentRecord.save); the triggers also stop
QuerySet.update(), the admin shell and hand-written SQL. Allowed after publication: retiring the
form once (status published -> retired, with retired_at). Allowed after signing: storing the PDF
once (it needs the record's id) and recording a withdrawal once. Foreign keys to users may still be
set to NULL when a user is removed; the names that matter are kept as text.

Written for both engines the project runs on; each raises an integrity error (SQLite: RAISE(ABORT),
PostgreSQL: SQLSTATE 23000), which Django reports as django.db.IntegrityError.
"""

from django.db import migrations

FORM_MESSAGE = "consent form: a published version cannot be changed"
RECORD_MESSAGE = "consent record: a signed consent cannot be changed"


def _form_changed(differ: str) -> str:
    cols = ["clinic_id", "major", "minor", "title", "body", "risks", "electrical_stimulation_text", "published_at"]
    content = " OR ".join(f"NEW.{c} {differ} OLD.{c}" for c in cols)
    return (
        f"OLD.status <> 'draft' AND ({content}"
        f" OR (NEW.status {differ} OLD.status AND NOT (OLD.status = 'published' AND NEW.status = 'retired'))"
        f" OR (OLD.status = 'retired' AND NEW.retired_at {differ} OLD.retired_at))"
    )


def _record_changed(differ: str, length: str) -> str:
    cols = ["clinic_id", "patient_id", "form_id", "typed_name", "signature_png", "signed_at", "method", "witness_name"]
    signed = " OR ".join(f"NEW.{c} {differ} OLD.{c}" for c in cols)
    return (
        f"{signed}"
        f" OR ({length}(OLD.pdf) > 0 AND NEW.pdf {differ} OLD.pdf)"
        f" OR (OLD.pdf_sha256 <> '' AND NEW.pdf_sha256 {differ} OLD.pdf_sha256)"
        f" OR (OLD.withdrawn_at IS NOT NULL AND (NEW.withdrawn_at {differ} OLD.withdrawn_at"
        f" OR NEW.withdrawn_reason {differ} OLD.withdrawn_reason))"
    )


SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER consent_form_published_is_immutable
    BEFORE UPDATE ON consent_consentform FOR EACH ROW
    WHEN {_form_changed("IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{FORM_MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER consent_record_signed_is_immutable
    BEFORE UPDATE ON consent_consentrecord FOR EACH ROW
    WHEN {_record_changed("IS NOT", "length")}
    BEGIN SELECT RAISE(ABORT, '{RECORD_MESSAGE}'); END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS consent_form_published_is_immutable;",
    "DROP TRIGGER IF EXISTS consent_record_signed_is_immutable;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION consent_form_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF {_form_changed("IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{FORM_MESSAGE}' USING ERRCODE = '23000';
      END IF;
      RETURN NEW;
    END;
    $$;
    """,
    """
    CREATE TRIGGER consent_form_published_is_immutable
    BEFORE UPDATE ON consent_consentform FOR EACH ROW EXECUTE FUNCTION consent_form_refuse_change();
    """,
    f"""
    CREATE OR REPLACE FUNCTION consent_record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF {_record_changed("IS DISTINCT FROM", "octet_length")} THEN
        RAISE EXCEPTION '{RECORD_MESSAGE}' USING ERRCODE = '23000';
      END IF;
      RETURN NEW;
    END;
    $$;
    """,
    """
    CREATE TRIGGER consent_record_signed_is_immutable
    BEFORE UPDATE ON consent_consentrecord FOR EACH ROW EXECUTE FUNCTION consent_record_refuse_change();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS consent_form_published_is_immutable ON consent_consentform;",
    "DROP FUNCTION IF EXISTS consent_form_refuse_change();",
    "DROP TRIGGER IF EXISTS consent_record_signed_is_immutable ON consent_consentrecord;",
    "DROP FUNCTION IF EXISTS consent_record_refuse_change();",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, index: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"consent immutability triggers are written for SQLite and PostgreSQL, not {vendor}")
    for sql in STATEMENTS[vendor][index]:
        schema_editor.execute(sql)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def backward(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
