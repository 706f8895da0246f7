from pathlib import Path

import pytest

from needlepoint.config import ConfigError, load_config, parse_database_url


def test_default_database_is_sqlite_under_var(tmp_path: Path) -> None:
    config = load_config({}, base_dir=tmp_path)
    assert config.database.engine == "sqlite"
    assert config.database.name == str(tmp_path / "var" / "needlepoint.sqlite3")


def test_postgresql_url_is_parsed() -> None:
    db = parse_database_url("postgresql://postgres:s3cret@127.0.0.1:5432/test", data_dir=Path("/x"))
    assert (db.engine, db.name, db.user, db.password, db.host, db.port) == (
        "postgresql",
        "test",
        "postgres",
        "s3cret",
        "127.0.0.1",
        5432,
    )
    assert "s3cret" not in db.display and "s3cret" not in repr(db)


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://host"}, "DATABASE_URL"),
        ({"NEEDLEPOINT_ENV": "staging"}, "NEEDLEPOINT_ENV"),
        ({"NEEDLEPOINT_SESSION_IDLE_MINUTES": "soon"}, "NEEDLEPOINT_SESSION_IDLE_MINUTES"),
        ({"NEEDLEPOINT_DEBUG": "maybe"}, "NEEDLEPOINT_DEBUG"),
        ({"NEEDLEPOINT_ENV": "production"}, "NEEDLEPOINT_SECRET_KEY"),
        ({"NEEDLEPOINT_ENV": "production", "NEEDLEPOINT_SECRET_KEY": "x" * 60}, "NEEDLEPOINT_SECRET_KEY"),
        ({"NEEDLEPOINT_ENV": "production", "NEEDLEPOINT_SECRET_KEY": "abcdefghij" * 6}, "NEEDLEPOINT_ALLOWED_HOSTS"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(tmp_path: Path, env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        load_config(env, base_dir=tmp_path)


def test_production_defaults_are_secure(tmp_path: Path) -> None:
    config = load_config(
        {
            "NEEDLEPOINT_ENV": "production",
            "NEEDLEPOINT_SECRET_KEY": "abcdefghij" * 6,
            "NEEDLEPOINT_ALLOWED_HOSTS": "clinic.example.org",
        },
        base_dir=tmp_path,
    )
    assert config.secure_cookies and config.ssl_redirect and config.hsts_seconds >= 31_536_000
    assert not config.debug


def test_development_secret_key_is_kept_between_runs(tmp_path: Path) -> None:
    first = load_config({}, base_dir=tmp_path).secret_key
    assert len(first) >= 50
    assert load_config({}, base_dir=tmp_path).secret_key == first
