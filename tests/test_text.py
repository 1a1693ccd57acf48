"""replog.text: the one policy for hostile text."""

from __future__ import annotations

import pytest

from replog.text import TextError, clean_name, clean_text, find_text_problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Back   Squat ", "Back Squat"),
        ("Cafe\u0301 Press", "Café Press"),  # NFD → NFC: looks the same, is the same
        ("Front\u00a0Squat", "Front Squat"),  # a no-break space is a space
    ],
)
def test_names_are_normalised(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("Squat\u202eTAOB", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Bench\u200bPress", "U+200B ZERO WIDTH SPACE"),
        ("Row\u2066x\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("Dead\u00adlift", "U+00AD SOFT HYPHEN"),
        ("Tab\there", "U+0009"),
        ("Line\u2028break", "U+2028 LINE SEPARATOR"),
        ("DEL\x7fchar", "U+007F"),
        ("Private\ue000use", "U+E000"),
    ],
)
def test_invisible_characters_in_names_are_refused_by_name(raw: str, named: str) -> None:
    with pytest.raises(TextError, match="invisible or control character") as exc:
        clean_name(raw)
    assert named in str(exc.value)


def test_an_empty_name_is_refused() -> None:
    with pytest.raises(TextError, match="must not be empty"):
        clean_name(" \u00a0 ")


@pytest.mark.parametrize("clean", [clean_text, clean_name])
def test_nul_and_lone_surrogates_are_refused_everywhere(clean: object) -> None:
    assert callable(clean)
    with pytest.raises(TextError, match=r"NUL character \(U\+0000\) at position 2"):
        clean("a\x00b")
    with pytest.raises(TextError, match=r"lone UTF-16 surrogate \(U\+D800\)"):
        clean("a\ud800")


def test_free_text_keeps_line_breaks_and_tabs() -> None:
    assert clean_text("line one\n\tline two\u202e") == "line one\n\tline two\u202e"


def test_find_text_problem_names_the_path_keys_included() -> None:
    assert find_text_problem({"a": [1, "ok", {"b": "x\x00"}]}) == (
        "a[2].b",
        "contains a NUL character (U+0000) at position 2",
    )
    found = find_text_problem({"ok": {"k\ud800": 1}})
    assert found is not None
    assert found[0] == "ok"
    assert found[1].startswith("has a key that contains a lone UTF-16 surrogate")
    assert find_text_problem({"fine": ["text", 1, None]}) is None
