"""The ``needlepoint`` command. It calls services, never models directly.

Errors are one clear line and a non-zero exit, never a traceback
(``NEEDLEPOINT_DEBUG=1`` shows the traceback of an unexpected error).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    name="needlepoint",
    help="Needlepoint: clinical system for trigger-point dry needling.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
atlas_app = typer.Typer(help="The trigger-point atlas (reference data; no database needed).", no_args_is_help=True)
app.add_typer(atlas_app, name="atlas")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
safety_app = typer.Typer(help="Safety checks of a needling plan (no database needed).", no_args_is_help=True)
app.add_typer(safety_app, name="safety")

out = Console()
err = Console(stderr=True)

Port = Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="TCP port to listen on.")]
Host = Annotated[str, typer.Option("--host", help="Address to listen on.")]


def _error_line(message: str) -> None:
    # markup off: messages quote user input, which may contain [brackets]
    err.print(f"error: {message}", style="bold red", markup=False, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    _error_line(message)
    raise typer.Exit(code)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    with out.status("Applying database migrations…"):
        call_command("migrate", interactive=False, verbosity=0)
    out.print("[green]✓[/] database is up to date")


def _serve(host: str, port: int) -> None:
    from waitress import serve as waitress_serve

    from needlepoint.wsgi import application

    out.print(f"Serving on [bold]http://{host}:{port}[/] (Ctrl+C stops)")
    waitress_serve(application, host=host, port=port, threads=8, ident="needlepoint")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    _django()
    _migrate()


@app.command()
def demo(
    port: Port = 8000,
    host: Host = "127.0.0.1",
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve after loading.")] = True,
) -> None:
    """Migrate, load the demo clinics and serve them."""
    _django()
    _migrate()
    from needlepoint.demo.seed import DEMO_PASSWORD, seed_demo

    with out.status("Loading demo data…") as status:
        logins = seed_demo(progress=lambda message: status.update(f"Loading demo data… {message}"))
    out.print("[green]✓[/] demo data loaded")
    table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})", title_justify="left")
    for column in ("clinic", "username", "name", "role"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.clinic, login.username, login.name, login.role)
    out.print(table)
    if serve:
        _start_background_worker()
        _serve(host, port)


def _start_background_worker() -> None:
    """The demo sends its reminders and questionnaire links too (to the console by default)."""
    import threading

    from needlepoint.outbox import worker

    thread = threading.Thread(target=worker.run, kwargs={"interval": 15.0}, name="outbox-worker", daemon=True)
    thread.start()
    out.print("Outbox worker running in the background (e-mails go to the configured backend)")


@app.command("worker")
def worker_command(
    once: Annotated[bool, typer.Option("--once", help="Send what is due now, then stop.")] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=1.0, max=3600.0, help="Seconds between looks for due messages.")
    ] = 30.0,
) -> None:
    """Send due reminders and questionnaire links. Safe to run more than one at a time."""
    _django()
    from needlepoint.ops import pending_migrations
    from needlepoint.outbox import worker

    if pending_migrations():
        fail("the database needs migrating first: run 'needlepoint migrate'")
    worker_id = worker.default_worker_id()

    def report(result: worker.BatchResult) -> None:
        if result.claimed:
            out.print(
                f"sent {result.sent}, cancelled {result.cancelled}, retrying {result.retried}, failed {result.failed}"
            )

    if once:
        result = worker.run_once(worker_id)
        report(result)
        if not result.claimed:
            out.print("nothing due")
        return
    out.print(f"worker {worker_id} looking for due messages every {interval:g} s (Ctrl+C stops)")
    try:
        worker.run(worker_id, interval=interval, on_batch=report)
    except KeyboardInterrupt:
        out.print("stopped")


@app.command("serve")
def serve_command(port: Port = 8000, host: Host = "127.0.0.1") -> None:
    """Serve Needlepoint (production WSGI server)."""
    _django()
    from needlepoint.ops import pending_migrations

    if pending_migrations():
        fail("the database needs migrating first: run 'needlepoint migrate'")
    _serve(host, port)


@app.command()
def createuser(
    username: Annotated[str, typer.Option(help="Login name.")],
    clinic: Annotated[str, typer.Option(help="Clinic slug, e.g. front-range.")],
    role: Annotated[str, typer.Option(help="clinic_admin, clinician, front_desk or patient.")],
    first_name: Annotated[str, typer.Option("--first-name")] = "",
    last_name: Annotated[str, typer.Option("--last-name")] = "",
    email: str = "",
    profession: Annotated[str | None, typer.Option(help="For clinicians, e.g. physical_therapist.")] = None,
    password: Annotated[
        str | None, typer.Option(envvar="NEEDLEPOINT_NEW_PASSWORD", help="Prompted for when not given.")
    ] = None,
) -> None:
    """Create a user in a clinic with a role."""
    _django()
    if password is None:
        if not sys.stdin.isatty():
            fail("give --password or NEEDLEPOINT_NEW_PASSWORD when not at a terminal")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    from needlepoint.accounts.services import create_user

    user = create_user(
        username=username,
        password=password,
        clinic_slug=clinic,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        profession=profession,
    )
    out.print(f"[green]✓[/] created {user.username} ({user.get_role_display()}) in {user.clinic}")


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="Username the token acts as.")],
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")] = "API token",
) -> None:
    """Issue an API token and print it (shown once)."""
    _django()
    from needlepoint.accounts.services import issue_token

    issued = issue_token(username=user, name=name)
    err.print(f"Token for {user} (store it now; it is not shown again):")
    print(issued.secret)


@app.command()
def check() -> None:
    """Check the configuration and the database's health."""
    _django()
    from needlepoint.ops import health_checks

    table = Table(title="Needlepoint check", title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail")
    failed = False
    for result in health_checks():
        failed |= not result.ok
        table.add_row(result.name, "[green]ok[/]" if result.ok else "[red]FAIL[/]", result.detail)
    out.print(table)
    if failed:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit trail; name the first broken row."""
    _django()
    from needlepoint.audit.services import verify_chain

    with out.status("Verifying the audit chain…"):
        result = verify_chain()
    if result.broken is not None:
        fail(f"audit chain broken at {result.broken} ({result.checked - 1} rows before it are intact)", 2)
    out.print(f"[green]✓[/] audit chain intact: {result.checked} rows verified")


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _print_json(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False))


@atlas_app.command("muscles")
def atlas_muscles(
    as_json: JsonFlag = False,
    search: Annotated[str, typer.Option(help="Words in the name or aliases.")] = "",
    group: Annotated[str, typer.Option(help="Muscle group, e.g. neck, rotator-cuff.")] = "",
) -> None:
    """List the atlas's muscles."""
    from needlepoint.atlas import services
    from needlepoint.knowledge import MUSCLE_GROUPS

    if group and group not in MUSCLE_GROUPS:
        fail(f"unknown group {group!r}; choose one of {', '.join(MUSCLE_GROUPS)}")
    muscles = services.search_muscles(search, group)
    if as_json:
        _print_json([m.model_dump(mode="json") for m in muscles])
        return
    table = Table(title=f"{len(muscles)} muscles", title_justify="left")
    for column in ("id", "name", "group", "trigger points", "needle (mm)"):
        table.add_column(column)
    for m in muscles:
        low, high = m.needling.needle_length_mm
        table.add_row(m.id, m.name, m.group, str(len(m.trigger_points)), f"{low}-{high}")
    out.print(table)


@atlas_app.command("show")
def atlas_show(
    muscle_id: Annotated[str, typer.Argument(metavar="ID", help="Muscle id, e.g. upper-trapezius.")],
    as_json: JsonFlag = False,
) -> None:
    """Show one muscle: referral zones, needling guidance, danger structures, sources."""
    from needlepoint.atlas import services

    m = services.muscle(muscle_id)
    if as_json:
        _print_json(m.model_dump(mode="json"))
        return
    kb = services.knowledge()
    label = lambda code: kb.regions[code].label  # noqa: E731
    out.print(f"[bold]{m.name}[/] ({m.id}) · {m.group}" + (f" · also: {', '.join(m.aliases)}" if m.aliases else ""))
    for tp in m.trigger_points:
        flag = "" if tp.confirmed else " [yellow](pattern not yet confirmed)[/]"
        out.print(f"\n[bold]Trigger point {tp.id}[/]{flag}: {tp.location}")
        out.print("  refers to: " + ", ".join(label(c) for c in tp.referral.primary))
        if tp.referral.spillover:
            out.print("  spillover: " + ", ".join(label(c) for c in tp.referral.spillover))
        if tp.referral.contralateral:
            out.print("  other side: " + ", ".join(label(c) for c in tp.referral.contralateral))
    n = m.needling
    out.print(f"\n[bold]Needling[/] ({n.needle_length_mm[0]}-{n.needle_length_mm[1]} mm needle)")
    out.print(f"  position: {n.position}\n  palpation: {n.palpation}\n  approach: {n.approach}\n  depth: {n.depth}")
    if n.max_needle_length_mm or n.max_depth_mm:
        limit = (
            f"needle at most {n.max_needle_length_mm:g} mm"
            if n.max_needle_length_mm
            else f"depth at most {n.max_depth_mm:g} mm"
        )
        out.print(f"  [bold red]limit:[/] {limit} ({n.limit_source})")
    for d in m.danger_structures:
        out.print(f"\n[bold red]Danger: {d.name}[/] ({d.kind}): {d.precaution}")
    out.print(
        "\n[bold]Sources[/]: " + "; ".join(f"{r.authors} {r.year or ''} ({r.id})" for r in services.muscle_sources(m))
    )


@atlas_app.command("regions")
def atlas_regions(as_json: JsonFlag = False) -> None:
    """The body-region vocabulary (codes used in pain drawings and referral zones)."""
    from needlepoint.atlas import services

    regions = list(services.knowledge().regions.values())
    if as_json:
        _print_json([r.model_dump(mode="json") for r in regions])
        return
    table = Table(
        title=f"{len(regions)} body regions (every non-midline region exists left and right)", title_justify="left"
    )
    for column in ("code", "label", "view", "midline", "group"):
        table.add_column(column)
    for r in regions:
        table.add_row(r.code, r.label, r.view, "yes" if r.midline else "", r.group)
    out.print(table)


@atlas_app.command("conditions")
def atlas_conditions(
    as_json: JsonFlag = False, search: Annotated[str, typer.Option(help="Words in the name or an ICD-10-CM code.")] = ""
) -> None:
    """Conditions treated, with ICD-10-CM codes and evidence."""
    from needlepoint.atlas import services

    conditions = services.search_conditions(search)
    if as_json:
        _print_json([c.model_dump(mode="json") for c in conditions])
        return
    table = Table(title=f"{len(conditions)} conditions", title_justify="left")
    for column in ("id", "name", "ICD-10-CM", "muscles", "evidence rows"):
        table.add_column(column)
    for c in conditions:
        table.add_row(
            c.id,
            c.name,
            ", ".join(i.code for i in c.icd10cm[:3]) + ("…" if len(c.icd10cm) > 3 else ""),
            str(len(c.muscles)),
            str(len(c.evidence)),
        )
    out.print(table)


@app.command("suggest")
def suggest_command(
    regions: Annotated[
        list[str],
        typer.Argument(metavar="REGION[:SIDE]...", help="Painful regions, e.g. head.temple:left elbow.lateral:right."),
    ],
    as_json: JsonFlag = False,
    limit: Annotated[int, typer.Option(min=1, max=50, help="How many suggestions.")] = 10,
) -> None:
    """Rank trigger points whose referred pain best explains a pain drawing."""
    from needlepoint.atlas import services

    ranked = services.suggest(regions, limit=limit)
    if as_json:
        _print_json([s.as_dict() for s in ranked])
        return
    if not ranked:
        out.print("No trigger point in the atlas refers pain to these regions.")
        return
    table = Table(title="Trigger points that best explain the drawing", title_justify="left")
    for column in ("#", "muscle", "side", "score", "explains", "does not explain"):
        table.add_column(column)
    for rank, s in enumerate(ranked, 1):
        table.add_row(
            str(rank),
            s.name,
            s.side,
            f"{s.score:.2f}",
            ", ".join(f"{e.region}{':' + e.side if e.side else ''} ({e.match})" for e in s.explains),
            ", ".join(f"{r}{':' + side if side else ''}" for r, side in s.missing) or "—",
        )
    out.print(table)


def _read_json(path: str, what: str) -> Any:
    import json
    from pathlib import Path

    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        fail(f"{what}: no such file {path!r}")
    except json.JSONDecodeError as exc:
        fail(f"{what}: {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    except OSError as exc:
        fail(f"{what}: cannot read {path} ({exc.strerror})")


@app.command("screen")
def screen_command(
    answers: Annotated[str, typer.Option("--answers", help="JSON file of screening answers (question ids).")],
    plan: Annotated[str | None, typer.Option("--plan", help="JSON file: targets and electrical stimulation.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Evaluate screening answers (and a plan) against the cited rules; nothing is stored."""
    from needlepoint.clinical.screening import ScreeningInputError, evaluate

    try:
        result = evaluate(_read_json(answers, "--answers"), _read_json(plan, "--plan") if plan else None)
    except ScreeningInputError as exc:
        fail("; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.errors.items()))
    if as_json:
        _print_json(result.as_dict())
        return
    colour = {"contraindicated": "red", "precautions": "yellow", "clear": "green"}[result.status]
    out.print(f"[bold {colour}]{result.status}[/]")
    for finding in result.findings:
        out.print(
            f"- [{finding.rule.severity}] {finding.rule.id}: {finding.message} ({finding.rule.source})", markup=False
        )
    for block in result.blocked:
        out.print(f"  blocked: {block.muscle} {block.side or 'both sides'}: {block.reason}", markup=False)
    if result.blocked_electrical_stimulation:
        out.print("  no electrical stimulation")


@safety_app.command("check")
def safety_check_command(
    plan: Annotated[str, typer.Option("--plan", help="JSON file: patient, screening, position, insertions.")],
    as_json: JsonFlag = False,
) -> None:
    """Run every check of the needle log on a plan (spec/safety-check.md); nothing is stored.

    Exits 1 on bad input (naming the field), 3 when any insertion is blocked, 0 otherwise.
    """
    from needlepoint.clinical.plan_check import PlanInputError, check_plan, parse_plan

    try:
        parsed = parse_plan(_read_json(plan, "--plan"))
    except PlanInputError as exc:
        fail("; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.errors.items()))
    result = check_plan(parsed)
    if as_json:
        _print_json(result.as_dict())
    else:
        colours = {"block": "red", "warning": "yellow", "note": "cyan"}
        estimate = result.pleura_estimate
        if estimate is not None:
            out.print(
                f"Skin to pleura between the shoulder blades: at least {estimate['value']:g} mm "
                f"({estimate['method']}; {estimate['source']})",
                markup=False,
            )
        for check in result.checks:
            verdict = "[red]BLOCKED[/]" if check.blocked else "[green]passed[/]" if check.passed else "[yellow]check[/]"
            out.print(f"[bold]{check.insertion.muscle} ({check.insertion.side})[/] {verdict}")
            for f in check.findings:
                out.print(f"  [{colours[f.level]}]{f.level}[/] ", end="")
                out.print(f"{f.code}: {f.message} ({f.source})", markup=False)
    if any(check.blocked for check in result.checks):
        raise typer.Exit(3)


@app.command()
def version() -> None:
    """Print the version."""
    from needlepoint import __version__

    print(__version__)


def _usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors (Typer may carry its own copy of Click)."""
    kinds: list[type[Exception]] = []
    try:
        from typer._click.exceptions import ClickException as TyperClickException

        kinds.append(TyperClickException)
    except ImportError:  # pragma: no cover - older Typer uses click itself
        pass
    import click

    kinds.append(click.ClickException)
    return tuple(kinds)


def main(argv: list[str] | None = None) -> Any:
    from needlepoint.config import ConfigError
    from needlepoint.errors import ServiceError

    try:
        result = app(args=argv, standalone_mode=False)
        if isinstance(result, int) and result != 0:
            sys.exit(result)  # Click returns an Exit's code instead of raising it here
        return result
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except (ConfigError, ServiceError) as exc:
        _error_line(str(exc))
        sys.exit(2 if isinstance(exc, ConfigError) else 1)
    except Exception as exc:  # click usage errors and anything unexpected
        if isinstance(exc, _usage_errors()):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if os.environ.get("NEEDLEPOINT_DEBUG"):
            raise
        from django.db import Error as DatabaseError

        kind = "database error" if isinstance(exc, DatabaseError) else "unexpected error"
        _error_line(f"{kind}: {exc}".rstrip())
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
