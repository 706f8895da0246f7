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
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")

out = Console()
err = Console(stderr=True)

Port = Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="TCP port to listen on.")]
Host = Annotated[str, typer.Option("--host", help="Address to listen on.")]


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
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
        _serve(host, port)


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
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2 if isinstance(exc, ConfigError) else 1)
    except Exception as exc:  # click usage errors and anything unexpected
        if isinstance(exc, _usage_errors()):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if os.environ.get("NEEDLEPOINT_DEBUG"):
            raise
        from django.db import Error as DatabaseError

        kind = "database error" if isinstance(exc, DatabaseError) else "unexpected error"
        err.print(f"[bold red]error:[/] {kind}: {exc}".rstrip(), highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
