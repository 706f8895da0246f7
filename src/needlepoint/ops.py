"""Operational checks behind ``needlepoint check`` and ``needlepoint serve``."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def health_checks() -> list[CheckResult]:
    config = settings.NEEDLEPOINT
    results = [
        CheckResult("environment", True, config.environment),
        CheckResult("database", True, config.database.display),
    ]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        results.append(CheckResult("database connection", False, str(exc).splitlines()[0]))
        return results
    results.append(CheckResult("database connection", True, connection.vendor))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        results.append(CheckResult("sqlite journal mode", mode == "wal", f"{mode} (WAL expected)"))
        results.append(CheckResult("sqlite busy timeout", int(timeout) >= 1000, f"{timeout} ms"))
        mode_setting = settings.DATABASES["default"]["OPTIONS"].get("transaction_mode")
        results.append(CheckResult("sqlite transactions", mode_setting == "IMMEDIATE", str(mode_setting)))
    pending = pending_migrations()
    results.append(
        CheckResult(
            "migrations",
            not pending,
            "all applied" if not pending else f"{len(pending)} pending: run 'needlepoint migrate'",
        )
    )
    if not pending:
        from needlepoint.audit.models import AuditChainHead

        head = AuditChainHead.objects.filter(pk=1).first()
        results.append(
            CheckResult("audit trail", True, f"{head.seq if head else 0} events (verify: needlepoint audit verify)")
        )
    from django.core.checks import run_checks

    issues = [
        m
        for m in run_checks(include_deployment_checks=config.environment == "production")
        if m.level >= 30 and not m.is_silenced()
    ]
    results.append(
        CheckResult(
            "django system checks",
            not issues,
            "no issues" if not issues else "; ".join(f"{m.id}: {m.msg}" for m in issues)[:300],
        )
    )
    return results
