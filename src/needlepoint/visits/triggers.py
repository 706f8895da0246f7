"""Database triggers: a signed note never changes, even in raw SQL.

- ``visits_visit``: a signed row refuses UPDATE and DELETE (signing itself updates a draft).
- The note's rows (pain marks, trigger-point findings, needle log, co-interventions) refuse
  INSERT, UPDATE and DELETE while their visit is signed.
- Adverse events may be added to a signed visit (late reports), but refuse UPDATE and DELETE once
  their visit is signed.
- Addenda refuse UPDATE and DELETE always.

Written for both engines the project runs on; each raises an integrity error (SQLite:
RAISE(ABORT), PostgreSQL: SQLSTATE 23000), which Django reports as django.db.IntegrityError.
Migration 0002 installs them. A change here needs a new migration that drops and re-creates them.

:func:`remove` and :func:`install` exist for one purpose: a test that flushes the SQLite database
(Django's live-server tests delete every row between tests) can lift the guard around the flush.
"""

from __future__ import annotations

from typing import Any

VISIT_MESSAGE = "visits: a signed note cannot be changed or deleted; add an addendum"
ROW_MESSAGE = "visits: the rows of a signed note cannot be added, changed or deleted; add an addendum"
EVENT_MESSAGE = "visits: an adverse event of a signed note cannot be changed or deleted"
ADDENDUM_MESSAGE = "visits: an addendum cannot be changed or deleted"

ROW_TABLES = ("visits_painmark", "visits_triggerpointfinding", "visits_needleinsertion", "visits_cointervention")
EVENT_TABLE = "visits_adverseevent"
ADDENDUM_TABLE = "visits_addendum"


def _signed(ref: str) -> str:
    return f"EXISTS (SELECT 1 FROM visits_visit WHERE id = {ref}.visit_id AND status = 'signed')"  # noqa: S608


def _sqlite_forward() -> list[str]:
    sql = [
        f"""
        CREATE TRIGGER visits_visit_signed_no_update
        BEFORE UPDATE ON visits_visit FOR EACH ROW WHEN OLD.status = 'signed'
        BEGIN SELECT RAISE(ABORT, '{VISIT_MESSAGE}'); END;
        """,
        f"""
        CREATE TRIGGER visits_visit_signed_no_delete
        BEFORE DELETE ON visits_visit FOR EACH ROW WHEN OLD.status = 'signed'
        BEGIN SELECT RAISE(ABORT, '{VISIT_MESSAGE}'); END;
        """,
    ]
    for table in ROW_TABLES:
        sql += [
            f"""
            CREATE TRIGGER {table}_signed_no_insert
            BEFORE INSERT ON {table} FOR EACH ROW WHEN {_signed("NEW")}
            BEGIN SELECT RAISE(ABORT, '{ROW_MESSAGE}'); END;
            """,
            f"""
            CREATE TRIGGER {table}_signed_no_update
            BEFORE UPDATE ON {table} FOR EACH ROW WHEN {_signed("OLD")} OR {_signed("NEW")}
            BEGIN SELECT RAISE(ABORT, '{ROW_MESSAGE}'); END;
            """,
            f"""
            CREATE TRIGGER {table}_signed_no_delete
            BEFORE DELETE ON {table} FOR EACH ROW WHEN {_signed("OLD")}
            BEGIN SELECT RAISE(ABORT, '{ROW_MESSAGE}'); END;
            """,
        ]
    sql += [
        f"""
        CREATE TRIGGER {EVENT_TABLE}_signed_no_update
        BEFORE UPDATE ON {EVENT_TABLE} FOR EACH ROW WHEN {_signed("OLD")} OR {_signed("NEW")}
        BEGIN SELECT RAISE(ABORT, '{EVENT_MESSAGE}'); END;
        """,
        f"""
        CREATE TRIGGER {EVENT_TABLE}_signed_no_delete
        BEFORE DELETE ON {EVENT_TABLE} FOR EACH ROW WHEN {_signed("OLD")}
        BEGIN SELECT RAISE(ABORT, '{EVENT_MESSAGE}'); END;
        """,
        f"""
        CREATE TRIGGER {ADDENDUM_TABLE}_no_update
        BEFORE UPDATE ON {ADDENDUM_TABLE} FOR EACH ROW
        BEGIN SELECT RAISE(ABORT, '{ADDENDUM_MESSAGE}'); END;
        """,
        f"""
        CREATE TRIGGER {ADDENDUM_TABLE}_no_delete
        BEFORE DELETE ON {ADDENDUM_TABLE} FOR EACH ROW
        BEGIN SELECT RAISE(ABORT, '{ADDENDUM_MESSAGE}'); END;
        """,
    ]
    return sql


def _sqlite_backward() -> list[str]:
    names = ["visits_visit_signed_no_update", "visits_visit_signed_no_delete"]
    for table in ROW_TABLES:
        names += [f"{table}_signed_no_insert", f"{table}_signed_no_update", f"{table}_signed_no_delete"]
    names += [f"{EVENT_TABLE}_signed_no_update", f"{EVENT_TABLE}_signed_no_delete"]
    names += [f"{ADDENDUM_TABLE}_no_update", f"{ADDENDUM_TABLE}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def _raise(message: str) -> str:
    return f"RAISE EXCEPTION '{message}' USING ERRCODE = '23000';"


def _pg_forward() -> list[str]:
    sql = [
        f"""
        CREATE OR REPLACE FUNCTION visits_refuse_signed_visit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.status = 'signed' THEN {_raise(VISIT_MESSAGE)} END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END;
        $$;
        """,
        """
        CREATE TRIGGER visits_visit_signed_is_immutable
        BEFORE UPDATE OR DELETE ON visits_visit FOR EACH ROW EXECUTE FUNCTION visits_refuse_signed_visit();
        """,
        f"""
        CREATE OR REPLACE FUNCTION visits_refuse_signed_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') AND {_signed("OLD")} THEN {_raise(ROW_MESSAGE)} END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') AND {_signed("NEW")} THEN {_raise(ROW_MESSAGE)} END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END;
        $$;
        """,
        f"""
        CREATE OR REPLACE FUNCTION visits_refuse_signed_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF {_signed("OLD")} THEN {_raise(EVENT_MESSAGE)} END IF;
          IF TG_OP = 'UPDATE' AND {_signed("NEW")} THEN {_raise(EVENT_MESSAGE)} END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END;
        $$;
        """,
        f"""
        CREATE OR REPLACE FUNCTION visits_refuse_addendum_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          {_raise(ADDENDUM_MESSAGE)}
        END;
        $$;
        """,
        f"""
        CREATE TRIGGER {EVENT_TABLE}_signed_is_immutable
        BEFORE UPDATE OR DELETE ON {EVENT_TABLE} FOR EACH ROW EXECUTE FUNCTION visits_refuse_signed_event();
        """,
        f"""
        CREATE TRIGGER {ADDENDUM_TABLE}_is_immutable
        BEFORE UPDATE OR DELETE ON {ADDENDUM_TABLE} FOR EACH ROW EXECUTE FUNCTION visits_refuse_addendum_change();
        """,
    ]
    for table in ROW_TABLES:
        sql.append(
            f"""
            CREATE TRIGGER {table}_signed_is_immutable
            BEFORE INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION visits_refuse_signed_row();
            """
        )
    return sql


def _pg_backward() -> list[str]:
    sql = ["DROP TRIGGER IF EXISTS visits_visit_signed_is_immutable ON visits_visit;"]
    sql += [f"DROP TRIGGER IF EXISTS {table}_signed_is_immutable ON {table};" for table in ROW_TABLES]
    sql += [
        f"DROP TRIGGER IF EXISTS {EVENT_TABLE}_signed_is_immutable ON {EVENT_TABLE};",
        f"DROP TRIGGER IF EXISTS {ADDENDUM_TABLE}_is_immutable ON {ADDENDUM_TABLE};",
        "DROP FUNCTION IF EXISTS visits_refuse_signed_visit();",
        "DROP FUNCTION IF EXISTS visits_refuse_signed_row();",
        "DROP FUNCTION IF EXISTS visits_refuse_signed_event();",
        "DROP FUNCTION IF EXISTS visits_refuse_addendum_change();",
    ]
    return sql


STATEMENTS = {
    "sqlite": (_sqlite_forward(), _sqlite_backward()),
    "postgresql": (_pg_forward(), _pg_backward()),
}


def _run(connection: Any, index: int) -> None:
    vendor = connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"visit immutability triggers are written for SQLite and PostgreSQL, not {vendor}")
    with connection.cursor() as cursor:
        for sql in STATEMENTS[vendor][index]:
            cursor.execute(sql)


def forward(schema_editor: Any) -> None:
    """Migration 0002: create the triggers."""
    _statements(schema_editor, 0)


def backward(schema_editor: Any) -> None:
    _statements(schema_editor, 1)


def _statements(schema_editor: Any, index: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"visit immutability triggers are written for SQLite and PostgreSQL, not {vendor}")
    for sql in STATEMENTS[vendor][index]:
        schema_editor.execute(sql)


def install(connection: Any) -> None:
    """Create the triggers (migration 0002 does this; tests that lifted them put them back)."""
    _run(connection, 1)  # idempotent: drop first
    _run(connection, 0)


def remove(connection: Any) -> None:
    """Drop the triggers (only for a test database about to be flushed)."""
    _run(connection, 1)
