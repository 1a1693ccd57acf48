"""Production settings: `check --deploy` clean with the README's environment, malformed values
stop start-up, the development key is announced, headers (CSP, HSTS off in DEBUG, no-store on
private pages) and one INFO line per 403."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import client_for

ROOT = Path(__file__).resolve().parent.parent


def readme_production_env() -> dict[str, str]:
    """The variables of the README's production block (between the production-env markers)."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-env -->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert block, "README.md has no production-env block"
    pairs = [line.split("=", 1) for line in block.group(1).splitlines() if "=" in line]
    return {key.strip(): value.strip() for key, value in pairs}


def manage(env: dict[str, str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # Only what a shell would pass: the suite sets variables of its own (Playwright sets
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    clean.update({"REPLOG_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_readme_production_environment(tmp_path: Path) -> None:
    env = readme_production_env()
    assert env["DEBUG"] == "false"
    env.pop("DATABASE_URL", None)  # the check needs no server; the SQLite default serves
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_a_malformed_debug_stops_start_up_naming_the_variable(tmp_path: Path) -> None:
    result = manage({"DEBUG": "maybe", "SECRET_KEY": "x"}, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Environment variable DEBUG has an invalid value 'maybe'" in result.stderr


def test_the_development_key_is_announced_once(tmp_path: Path) -> None:
    result = manage({"DEBUG": "true"}, "check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("using the built-in development key") == 1


def test_no_announcement_with_a_key(tmp_path: Path) -> None:
    result = manage({"DEBUG": "true", "SECRET_KEY": "k" * 60}, "check", tmp_path=tmp_path)
    assert "development key" not in result.stderr


def test_hsts_is_never_sent_in_debug(tmp_path: Path) -> None:
    code = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS)"
    env = {"DEBUG": "true", "SECURE_HSTS_SECONDS": "31536000", "SECRET_KEY": "k" * 60}
    result = manage(env, "shell", "-c", code, tmp_path=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "0", result.stderr


@pytest.mark.django_db
def test_every_page_has_the_content_security_policy(coach: Any) -> None:
    for response in (
        client_for(None).get(reverse("login")),
        client_for(coach).get(reverse("athletes:list")),
    ):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "default-src 'self'" in policy
        assert "unsafe-eval" not in policy
        assert "script-src 'self' 'unsafe-inline'" not in policy


def test_templates_hold_no_inline_script_or_style_element() -> None:
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)|<style|\bon[a-z]+=\"|hx-on", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_pages_of_a_signed_in_user_are_private_and_not_stored(athlete: Any, coach: Any) -> None:
    page = client_for(coach).get(reverse("athletes:detail", args=[athlete.pk]))
    assert page.status_code == 200
    cache = page["Cache-Control"]
    assert "private" in cache
    assert "no-store" in cache


@pytest.mark.django_db
def test_a_403_is_one_info_line_with_user_and_path(
    athlete: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url = reverse("athletes:edit", args=[athlete.pk])  # an athlete may see, not manage, self
    with caplog.at_level(logging.INFO):
        response = client_for(athlete.user).get(url)
    assert response.status_code == 403
    lines = [r for r in caplog.records if "403" in r.getMessage() or r.levelno >= logging.WARNING]
    assert [(r.levelname, r.getMessage()) for r in lines] == [
        ("INFO", f"403 user=athlete GET {url}")
    ]
    assert all(r.exc_info is None for r in lines)


@pytest.mark.django_db
def test_a_csrf_failure_is_logged_the_same_way(
    coach: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coach)
    url = reverse("athletes:create")
    with caplog.at_level(logging.INFO):
        assert client.post(url, {"name": "x"}).status_code == 403
    lines = [r for r in caplog.records if "403" in r.getMessage() or r.levelno >= logging.WARNING]
    assert [(r.levelname, r.getMessage()) for r in lines] == [
        ("INFO", f"403 user=coach POST {url}")
    ]
