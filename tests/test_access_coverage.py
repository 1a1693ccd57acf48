"""Every named URL has a row in an access table.

Collects `ACCESS_CASES` from every `tests/**/test_access*.py` module (see tests/access.py for the
contract) and compares them with the project's URL resolver. A new URL without an access row,
or a row for a URL that no longer exists, fails here. Excluded: the Django admin (`admin:*`,
guarded by Django itself) and the login/logout pages and the home redirect.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.access import PERSONAS, Case

EXCLUDED_NAMES = {"login", "logout", "home"}
EXCLUDED_NAMESPACES = {"admin"}


def access_modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(tests.__path__, prefix="tests."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("test_access") and leaf != "test_access_coverage":
            yield importlib.import_module(info.name)


def collected_cases() -> list[Case]:
    cases: list[Case] = []
    for module in access_modules():
        rows = getattr(module, "ACCESS_CASES", None)
        assert isinstance(rows, list), f"{module.__name__} has no ACCESS_CASES list"
        cases.extend(rows)
    return cases


def named_urls(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> set[str]:
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= named_urls(entry.url_patterns, namespace)
        elif entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def checked_urls() -> set[str]:
    return {
        name
        for name in named_urls()
        if name not in EXCLUDED_NAMES and name.split(":", 1)[0] not in EXCLUDED_NAMESPACES
    }


def test_access_modules_are_discovered() -> None:
    found = {module.__name__ for module in access_modules()}
    assert "tests.athletes.test_access" in found


def test_every_named_url_has_an_access_case() -> None:
    covered = {case.url_name for case in collected_cases()}
    missing = sorted(checked_urls() - covered)
    assert not missing, (
        "URLs without a row in any tests/**/test_access*.py ACCESS_CASES table: "
        + ", ".join(missing)
    )


def test_every_access_case_names_an_existing_url() -> None:
    known = named_urls()
    stale = sorted({case.url_name for case in collected_cases()} - known)
    assert not stale, f"ACCESS_CASES rows for URL names that do not exist: {', '.join(stale)}"


def test_every_case_gives_a_status_for_every_persona() -> None:
    for case in collected_cases():
        assert set(case.expected) >= set(PERSONAS), case.url_name


def test_coverage_check_sees_athletes_urls() -> None:
    # Guards the resolver walk itself: if it returned nothing, every other check would pass.
    assert {"athletes:list", "athletes:detail", "athletes:workout_log"} <= checked_urls()
