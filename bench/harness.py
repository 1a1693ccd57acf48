"""A throwaway RepLog database for scripts that run outside the test runner (the benchmark,
the claim race). SQLite in a temporary directory by default; with a postgres:// URL, a database
of its own on that server (created, migrated, and dropped at the end), never the one named in
the URL.

Django reads its settings from the environment at import, so `open_throwaway` / `attach` set
the environment first and only then call django.setup().
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_ENV = {
    "DJANGO_SETTINGS_MODULE": "replog.settings",
    "SECRET_KEY": "bench-only-secret-key-not-for-production",
    "DEBUG": "false",
    "LOG_LEVEL": "ERROR",
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_MODE": "PRODUCTION",
}


@dataclass(frozen=True)
class Throwaway:
    url: str
    vendor: str  # "sqlite" | "postgresql"
    directory: Path


def _base_env(data_dir: Path) -> None:
    for key, value in DEFAULT_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["REPLOG_DATA_DIR"] = str(data_dir)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _pg_admin(url: str, statements: list[str]) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
    ) as conn:
        for statement in statements:
            conn.execute(statement)  # our own constant SQL


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextmanager
def open_throwaway(
    database_url: str | None = None,
    *,
    name: str = "replog_bench",
    seed_catalog: bool = True,
    env: dict[str, str] | None = None,
) -> Iterator[Throwaway]:
    """Set up Django on a fresh, migrated database; drop it afterwards."""
    directory = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    _base_env(directory)
    for key, value in (env or {}).items():
        os.environ[key] = value
    os.environ["REPLOG_SEED_ON_MIGRATE"] = "true" if seed_catalog else "false"
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        vendor = "postgresql"
        quoted = '"' + name.replace('"', "") + '"'
        _pg_admin(database_url, [f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"])
        _pg_admin(database_url, [f"CREATE DATABASE {quoted}"])
        url = _with_db(database_url, name)
    elif database_url:
        raise SystemExit(f"--database-url must be postgres://…, not {database_url!r}")
    else:
        vendor = "sqlite"
        url = f"sqlite:///{directory / (name + '.sqlite3')}"
    os.environ["DATABASE_URL"] = url
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield Throwaway(url=url, vendor=vendor, directory=directory)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not have got far enough to have any
            pass
        if vendor == "postgresql" and database_url:
            quoted = '"' + name.replace('"', "") + '"'
            _pg_admin(database_url, [f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"])
        shutil.rmtree(directory, ignore_errors=True)


def attach(url: str, data_dir: Path, env: dict[str, str] | None = None) -> None:
    """Set up Django on an existing throwaway database (a child process of a script)."""
    _base_env(data_dir)
    for key, value in (env or {}).items():
        os.environ[key] = value
    os.environ["DATABASE_URL"] = url
    os.environ["REPLOG_SEED_ON_MIGRATE"] = "false"
    import django

    django.setup()
