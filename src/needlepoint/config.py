"""Typed configuration read from the environment, loud on bad values.

Pure Python (no Django): ``settings.py`` turns a :class:`Config` into Django settings,
and ``needlepoint check`` reports it. Every variable is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

Environment = Literal["development", "test", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("development", "test", "production")


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class DatabaseConfig:
    engine: Literal["sqlite", "postgresql"]
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: int | None = None

    @property
    def display(self) -> str:
        """The URL without the password, safe to print."""
        if self.engine == "sqlite":
            return f"sqlite:///{self.name}"
        auth = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"postgresql://{auth}{self.host}{port}/{self.name}"


@dataclass(frozen=True)
class Config:
    environment: Environment
    secret_key: str = field(repr=False)
    debug: bool
    allowed_hosts: tuple[str, ...]
    database: DatabaseConfig
    data_dir: Path
    session_idle_minutes: int
    login_failure_limit: int
    login_lockout_minutes: int
    secure_cookies: bool
    hsts_seconds: int
    ssl_redirect: bool
    email_backend: str
    default_from_email: str
    time_zone: str
    base_url: str = "http://127.0.0.1:8000"


def parse_database_url(url: str, *, data_dir: Path) -> DatabaseConfig:
    """Parse ``DATABASE_URL``: ``sqlite:///relative/or/absolute.db`` or ``postgresql://...``."""
    if not url:
        return DatabaseConfig(engine="sqlite", name=str(data_dir / "needlepoint.sqlite3"))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//") or path.startswith("/"):  # sqlite:////absolute/path
            path = path[1:]
        if not path:
            raise ConfigError("DATABASE_URL: a sqlite URL needs a file path, e.g. sqlite:///var/db.sqlite3")
        return DatabaseConfig(engine="sqlite", name=path if path == ":memory:" else str(Path(path)))
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError("DATABASE_URL: a postgresql URL needs a database name after the host")
        try:
            port = parts.port
        except ValueError as exc:
            raise ConfigError(f"DATABASE_URL: bad port ({exc})") from None
        return DatabaseConfig(
            engine="postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=port,
        )
    raise ConfigError(f"DATABASE_URL: unsupported scheme {scheme!r}; use sqlite:///path or postgresql://user@host/db")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: expected true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name}: must be at least {minimum}, got {value}")
    return value


def _environment(env: Mapping[str, str]) -> Environment:
    raw = env.get("NEEDLEPOINT_ENV", "development").strip().lower() or "development"
    for candidate in ENVIRONMENTS:
        if raw == candidate:
            return candidate
    raise ConfigError(f"NEEDLEPOINT_ENV: expected one of {', '.join(ENVIRONMENTS)}, got {raw!r}")


def _secret_key(env: Mapping[str, str], environment: Environment, data_dir: Path) -> str:
    key = env.get("NEEDLEPOINT_SECRET_KEY", "")
    if key:
        if environment == "production" and (len(key) < 50 or len(set(key)) < 5):
            raise ConfigError("NEEDLEPOINT_SECRET_KEY: use at least 50 random characters in production")
        return key
    if environment == "production":
        raise ConfigError("NEEDLEPOINT_SECRET_KEY: required in production")
    # Development and tests: a random key kept beside the database, so sessions survive restarts.
    key_file = data_dir / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(64)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        key_file.chmod(0o600)
    except OSError:
        pass  # read-only checkout: a per-process key still works
    return key


def load_config(env: Mapping[str, str] | None = None, *, base_dir: Path | None = None) -> Config:
    """Read the configuration from ``env`` (default: ``os.environ``)."""
    env = os.environ if env is None else env
    base = base_dir or Path.cwd()
    environment = _environment(env)
    data_dir = Path(env.get("NEEDLEPOINT_DATA_DIR") or base / "var")
    if not data_dir.is_absolute():
        data_dir = base / data_dir
    production = environment == "production"
    secret_key = _secret_key(env, environment, data_dir)
    hosts_raw = env.get("NEEDLEPOINT_ALLOWED_HOSTS", "")
    hosts = tuple(h.strip() for h in hosts_raw.split(",") if h.strip())
    if production and not hosts:
        raise ConfigError("NEEDLEPOINT_ALLOWED_HOSTS: required in production (comma-separated host names)")
    if not hosts:
        hosts = ("127.0.0.1", "localhost", "testserver", "[::1]")
    database = parse_database_url(env.get("DATABASE_URL", ""), data_dir=data_dir)
    if database.engine == "sqlite" and database.name != ":memory:" and not Path(database.name).is_absolute():
        database = DatabaseConfig(engine="sqlite", name=str(base / database.name))
    debug = _bool(env, "NEEDLEPOINT_DEBUG", False)
    if production and debug:
        raise ConfigError("NEEDLEPOINT_DEBUG: must be off in production")
    return Config(
        environment=environment,
        secret_key=secret_key,
        debug=debug,
        allowed_hosts=hosts,
        database=database,
        data_dir=data_dir,
        session_idle_minutes=_int(env, "NEEDLEPOINT_SESSION_IDLE_MINUTES", 30, minimum=1),
        login_failure_limit=_int(env, "NEEDLEPOINT_LOGIN_FAILURE_LIMIT", 5, minimum=1),
        login_lockout_minutes=_int(env, "NEEDLEPOINT_LOGIN_LOCKOUT_MINUTES", 15, minimum=1),
        secure_cookies=_bool(env, "NEEDLEPOINT_SECURE_COOKIES", production),
        hsts_seconds=_int(env, "NEEDLEPOINT_HSTS_SECONDS", 31_536_000 if production else 0),
        ssl_redirect=_bool(env, "NEEDLEPOINT_SSL_REDIRECT", production),
        email_backend=env.get("NEEDLEPOINT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        default_from_email=env.get("NEEDLEPOINT_FROM_EMAIL", "Needlepoint <no-reply@localhost>"),
        time_zone=env.get("NEEDLEPOINT_TIME_ZONE", "UTC"),
        base_url=_base_url(env),
    )


def _base_url(env: Mapping[str, str]) -> str:
    """The address patients reach the site at, used in links sent by e-mail."""
    raw = env.get("NEEDLEPOINT_BASE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", raw):
        raise ConfigError(f"NEEDLEPOINT_BASE_URL: {raw!r} is not an http(s) address such as https://clinic.example")
    return raw
