"""Free-text plan import end to end: the page, the service's limits and log, the preview's
per-line fates, and the LLM reading what the grammar cannot — through the real LiteLLM client
against the local fake provider (nothing of ours is patched)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import Athlete
from generation.plan_import.models import PlanImportLog
from generation.plan_import.service import MAX_CHARS, PlanImportError, plan_import_parse
from programs.drafts import import_draft_approve, import_draft_set_mapping
from programs.models import ImportDraft, ImportSource, ProgramTemplate
from tests.factories import ExerciseFactory
from tests.fakes.openai_server import FakeLLMServer, FakeReply

PLAN = """Week 1
Day 1: Lower
Back Squat 5x5 @ 75%
Zercher Fandango 3x8
Go heavy today
Bench Press three sets of eight
"""


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch, server: FakeLLMServer) -> FakeLLMServer:
    server.reset()
    for name, value in {
        "REPLOG_LLM_PROVIDER": "openai_compatible",
        "REPLOG_LLM_MODEL": "fake-model",
        "REPLOG_LLM_BASE_URL": server.openai_base_url,
        "REPLOG_LLM_API_KEY": "",
        "REPLOG_LLM_MAX_RETRIES": "0",
        "REPLOG_LLM_TIMEOUT_SECONDS": "10",
    }.items():
        monkeypatch.setenv(name, value)
    return server


@pytest.fixture
def squat(db: None) -> Any:
    return ExerciseFactory(name="Back Squat")


def reads(*lines: dict[str, Any]) -> FakeReply:
    return FakeReply.json({"lines": list(lines)})


def eight(n: int = 3) -> list[dict[str, Any]]:
    return [{"reps": 8, "rep_type": "reps"} for _ in range(n)]


def fates(draft: ImportDraft) -> dict[str, str]:
    return {line["text"]: line["status"] for line in draft.lines}


# --- page and preview -------------------------------------------------------------------------


def test_a_pasted_plan_opens_the_catalog_preview_with_every_lines_fate_and_confidence(
    coach_client: Client, athlete: Athlete, squat: Any
) -> None:
    response = coach_client.post(
        reverse("generation:plan_import_create"),
        {"text": PLAN, "athlete": athlete.pk, "parser": "auto", "name": "Pasted"},
    )
    draft = ImportDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert draft.source == ImportSource.PARSER
    assert draft.athlete == athlete
    assert draft.filename == "pasted text"
    page = coach_client.get(response["Location"]).content.decode()
    assert "Every line of the text" in page
    assert "confidence-high" in page  # Back Squat is in the catalog
    assert "confidence-unmatched" in page  # Zercher Fandango is not
    assert "text without sets or reps" in page
    assert "not read" in page  # "three sets of eight": no LLM configured
    assert fates(draft)["Bench Press three sets of eight"] == "unparsed"


def test_remapping_a_name_in_the_preview_updates_the_lines_confidence_at_once(
    coach_client: Client, coach: Any, athlete: Athlete, squat: Any
) -> None:
    outcome = plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="grammar")
    assert outcome.draft is not None
    response = coach_client.post(
        reverse("programs:import_mapping", args=[outcome.draft.pk]),
        {"kind": "exercise", "key": "zercher fandango", "value": f"db:{squat.pk}"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="plan-lines-box"' in body
    assert 'hx-swap-oob="true"' in body
    assert "confidence-chosen" in body


def test_a_coach_cannot_paste_for_another_coachs_athlete(
    other_coach: Any, athlete: Athlete
) -> None:
    client = Client()
    client.force_login(other_coach)
    response = client.post(
        reverse("generation:plan_import_create"),
        {"text": PLAN, "athlete": athlete.pk, "parser": "grammar"},
    )
    assert response.status_code == 422
    assert not ImportDraft.objects.exists()
    assert not PlanImportLog.objects.exists()


def test_a_txt_file_is_read_like_pasted_text(coach_client: Client, athlete: Athlete) -> None:
    upload = SimpleUploadedFile("plan.txt", "\ufeffSquat 3x5\r\nBench 3x8\r\n".encode())
    response = coach_client.post(
        reverse("generation:plan_import_create"),
        {"file": upload, "athlete": athlete.pk, "parser": "grammar"},
    )
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    assert draft.filename == "plan.txt"
    assert len(draft.catalog["programs"][0]["prescribed_sets"]) == 6


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("plan.txt", b"Squat 3x5 \xff\xfe"), "not UTF-8"),
        (SimpleUploadedFile("plan.pdf", b"Squat 3x5"), "Upload a .txt or .md file"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_written(
    coach_client: Client, athlete: Athlete, upload: SimpleUploadedFile, message: str
) -> None:
    response = coach_client.post(
        reverse("generation:plan_import_create"),
        {"file": upload, "athlete": athlete.pk, "parser": "grammar"},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportDraft.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Squat 3", "paste at least 10 characters"),
        ("Squat 3x5\n" * (MAX_CHARS // 10 + 1), "the limit is 50,000"),
    ],
)
def test_text_outside_the_length_limits_is_refused_and_writes_nothing(
    coach_client: Client, athlete: Athlete, text: str, message: str
) -> None:
    response = coach_client.post(
        reverse("generation:plan_import_create"),
        {"text": text, "athlete": athlete.pk, "parser": "grammar"},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportDraft.objects.exists()
    assert not PlanImportLog.objects.exists()


def test_text_with_no_sets_is_refused_and_logged_as_a_failed_parse(
    coach: Any, athlete: Athlete
) -> None:
    with pytest.raises(PlanImportError, match="No exercise with sets or reps"):
        plan_import_parse(text="Just a note about training hard.", by=coach, athlete=athlete)
    assert not ImportDraft.objects.exists()
    log = PlanImportLog.objects.get()
    assert (log.ok, log.sets, log.draft) == (False, 0, None)


def test_a_pipeline_error_names_the_line_the_coach_wrote_and_no_draft_is_made(
    coach: Any, athlete: Athlete
) -> None:
    with pytest.raises(PlanImportError, match=r"line 3, percentage: .*15"):
        plan_import_parse(text="Day 1\nSquat 3x5\nBench 3x5 @ 15%", by=coach, athlete=athlete)
    assert not ImportDraft.objects.exists()
    assert PlanImportLog.objects.get().ok is False


def test_the_log_records_counts_and_the_program_the_parse_became(
    coach: Any, athlete: Athlete, squat: Any
) -> None:
    outcome = plan_import_parse(
        text="Back Squat 5x5 @ 75%\nNote: stay tight", by=coach, athlete=athlete, parser="grammar"
    )
    assert outcome.log is not None
    assert outcome.draft is not None
    log = PlanImportLog.objects.get()
    assert (log.ok, log.lines_total, log.lines_parsed, log.sets, log.used_llm) == (
        True,
        2,
        1,
        5,
        False,
    )
    assert log.lines[0]["confidence"] == "high"
    assert log.program_ids == []
    result = import_draft_approve(draft=outcome.draft, by=coach)
    log.refresh_from_db()
    assert log.program_ids == result.template_ids
    assert ProgramTemplate.objects.get(pk=result.template_ids[0]).owner == athlete


# --- the LLM ----------------------------------------------------------------------------------


def test_auto_sends_only_the_unread_lines_to_the_llm_and_uses_its_answer(
    llm: FakeLLMServer, coach: Any, athlete: Athlete
) -> None:
    llm.queue(reads({"line": 6, "exercise": "Bench Press", "sets": eight()}))
    outcome = plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="auto")
    assert outcome.draft is not None
    sent = llm.last.messages[-1]["content"]
    assert "Bench Press three sets of eight" in sent
    assert "Back Squat 5x5" not in sent
    assert fates(outcome.draft)["Bench Press three sets of eight"] == "llm"
    benches = [
        s
        for s in outcome.catalog["programs"][0]["prescribed_sets"]
        if s["exercise"] == "Bench Press"
    ]
    assert [(s["reps"], s["week"], s["day"]) for s in benches] == [(8, 1, 1)] * 3
    log = PlanImportLog.objects.get()
    assert (log.used_llm, log.lines_llm, log.tokens_in, log.tokens_out) == (True, 1, 12, 7)


def test_the_llm_choice_sends_every_text_line_and_cannot_add_lines_of_its_own(
    llm: FakeLLMServer, coach: Any, athlete: Athlete
) -> None:
    llm.queue(
        reads(
            {"line": 3, "exercise": "Back Squat", "sets": eight(2)},
            {"line": 5, "ignore_reason": "a comment"},
            {"line": 99, "exercise": "Invented Lift", "sets": eight(1)},
        )
    )
    outcome = plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="llm")
    sent = llm.last.messages[-1]["content"]
    assert "Back Squat 5x5" in sent
    assert "Go heavy today" in sent
    names = {s["exercise"] for s in outcome.catalog["programs"][0]["prescribed_sets"]}
    assert "Invented Lift" not in names
    by_line = {line["line"]: line for line in outcome.lines}
    assert by_line[3]["status"] == "llm"
    assert by_line[5]["why"] == "the LLM: a comment"
    # Lines the LLM did not answer keep the grammar's reading.
    assert by_line[4]["status"] == "parsed"


def test_an_llm_failure_in_auto_keeps_the_grammars_reading_and_says_so(
    llm: FakeLLMServer, coach: Any, athlete: Athlete, squat: Any
) -> None:
    llm.queue(FakeReply.server_error())
    outcome = plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="auto")
    assert outcome.draft is not None
    assert "could not read the remaining lines" in outcome.notices[0]
    assert fates(outcome.draft)["Bench Press three sets of eight"] == "unparsed"
    assert PlanImportLog.objects.get().used_llm  # the call was made: it counts toward the limit


def test_an_unreadable_llm_answer_when_the_coach_chose_the_llm_is_a_clear_error(
    llm: FakeLLMServer, coach: Any, athlete: Athlete
) -> None:
    llm.queue(FakeReply.json({"lines": [{"line": 3, "reps": "lots"}]}))
    with pytest.raises(PlanImportError, match="does not fit the plan format"):
        plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="llm")
    assert not ImportDraft.objects.exists()
    assert PlanImportLog.objects.get().ok is False


def test_choosing_the_llm_without_one_configured_is_refused(coach: Any, athlete: Athlete) -> None:
    with pytest.raises(PlanImportError, match="Choose the grammar parser"):
        plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="llm")
    assert not PlanImportLog.objects.exists()


def test_llm_parses_are_rate_limited_per_coach_and_the_grammar_is_not(
    llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch, coach: Any, other_coach: Any,
    athlete: Athlete,
) -> None:  # fmt: skip
    monkeypatch.setenv("REPLOG_PLAN_IMPORT_LLM_PARSES_PER_HOUR", "1")
    llm.queue(reads({"line": 6, "exercise": "Bench Press", "sets": eight()}))
    plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="llm")
    with pytest.raises(PlanImportError, match="the limit is 1 per hour"):
        plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="llm")
    auto = plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="auto")
    assert "the limit is 1 per hour" in auto.notices[0]
    assert llm.pending == 0
    plan_import_parse(text=PLAN, by=coach, athlete=athlete, parser="grammar")
    llm.queue(reads({"line": 6, "exercise": "Bench Press", "sets": eight()}))
    plan_import_parse(text=PLAN, by=other_coach, athlete=athlete, parser="llm")  # their own limit


# --- metrics ----------------------------------------------------------------------------------


def _parses(coach: Any, athlete: Athlete, n: int) -> None:
    for _ in range(n):
        plan_import_parse(text="Back Squat 5x5\nFront Sqaut 3x5", by=coach, athlete=athlete)


def test_the_metrics_page_shows_success_confidence_and_the_names_coaches_remapped(
    admin_client_: Client, coach: Any, athlete: Athlete, squat: Any
) -> None:
    _parses(coach, athlete, 2)
    draft = ImportDraft.objects.first()
    assert draft is not None
    import_draft_set_mapping(
        draft=draft, kind="exercise", key="front sqaut", value=f"db:{squat.pk}"
    )
    with pytest.raises(PlanImportError):
        plan_import_parse(text="nothing to read here", by=coach, athlete=athlete)
    page = admin_client_.get(reverse("generation:plan_import_metrics")).content.decode()
    assert "67 %" in page  # two of three parses worked
    assert "“front sqaut” → Back Squat" in page
    assert "confidence-high" in page


def test_the_metrics_page_takes_the_same_queries_for_many_parses(
    admin_client_: Client, coach: Any, athlete: Athlete, django_assert_num_queries: Any
) -> None:
    _parses(coach, athlete, 1)
    url = reverse("generation:plan_import_metrics")
    admin_client_.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client_.get(url)
    _parses(coach, athlete, 4)
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client_.get(url)


def test_the_log_is_listed_read_only_in_the_admin(
    admin_client_: Client, coach: Any, athlete: Athlete
) -> None:
    _parses(coach, athlete, 1)
    log = PlanImportLog.objects.get()
    listing = admin_client_.get(reverse("admin:generation_planimportlog_changelist"))
    assert listing.status_code == 200
    assert f"/admin/generation/planimportlog/{log.pk}/" in listing.content.decode()
    assert admin_client_.get(reverse("admin:generation_planimportlog_add")).status_code == 403
