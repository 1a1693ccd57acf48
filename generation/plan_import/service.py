"""Free-text plan → import draft: choose the parser, enforce the limits, log every parse.

    plan_import_parse(text=…, by=coach, athlete=…, parser="auto")

The grammar reads first (instant, no LLM). With `parser="auto"` and an LLM configured, the LLM
reads the lines the grammar could not; with `parser="llm"` it reads every line that is not a
heading. The result is CatalogJSON and goes through the one catalog pipeline
(`import_draft_create`: parse → validate → map → preview); the page, the command and the tests
all call this function. Refused input (length, rate limit, no LLM when one was asked for)
raises PlanImportError and writes nothing; a parse that ran is logged, failed or not.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NoReturn

from django.utils import timezone

from generation.llm import LLMConfig, LLMError
from generation.plan_import.llm_parser import LLMRead, llm_read
from generation.plan_import.models import PlanImportLog, PlanParser
from programs.access import catalog_owner
from programs.catalog.matching import propose_mapping
from programs.catalog.parse import parse_catalog
from programs.catalog.plaintext import (
    HEADING,
    IGNORED,
    LLM,
    PARSED,
    UNPARSED,
    Entry,
    PlanText,
    read_plan,
    set_lines,
    to_catalog,
)
from programs.catalog.plaintext.fate import confidence
from programs.drafts import import_draft_create
from programs.models import ImportDraft, ImportSource
from settings_app.resolution import resolve

logger = logging.getLogger(__name__)

MIN_CHARS = 10
MAX_CHARS = 50_000
RATE_WINDOW = dt.timedelta(hours=1)


class PlanImportError(Exception):
    """The plan cannot be imported; the message says why in the coach's words."""


@dataclass
class PlanImportOutcome:
    plan: PlanText
    catalog: dict[str, Any]
    lines: list[dict[str, Any]]
    log: PlanImportLog | None = None
    draft: ImportDraft | None = None
    notices: list[str] = field(default_factory=list)
    used_llm: bool = False
    llm_error: str = ""

    @property
    def counts(self) -> dict[str, int]:
        return self.plan.counts()


def check_text(text: str) -> str:
    stripped = text.strip()
    if len(stripped) < MIN_CHARS:
        raise PlanImportError(
            f"The plan is {len(stripped)} characters long; paste at least {MIN_CHARS} characters "
            "(for example “Bench Press 3x8”)."
        )
    if len(text) > MAX_CHARS:
        raise PlanImportError(
            f"The plan is {len(text):,} characters long; the limit is {MAX_CHARS:,}. "
            "Split it into several imports."
        )
    return text


def _per_hour_limit() -> int:
    # resolve() rather than the typed helpers: they are moving from settings_app.registry.
    limit = resolve("plan_import.llm_parses_per_hour")
    assert isinstance(limit, int)
    return limit


def _llm_parses_left(by: Any, now: dt.datetime) -> int | None:
    limit = _per_hour_limit()
    if limit <= 0 or by is None:
        return None
    used = PlanImportLog.objects.filter(
        owner=by, used_llm=True, created_at__gte=now - RATE_WINDOW
    ).count()
    return max(0, limit - used)


def _rate_limited_message() -> str:
    limit = _per_hour_limit()
    return (
        f"You have had {limit} plans read by the LLM in the last hour; the limit is {limit} per "
        "hour (setting “LLM plan parses per coach per hour”). Use the grammar parser, or try "
        "again later."
    )


def _llm_lines(plan: PlanText, parser: str) -> list[Entry]:
    if parser == PlanParser.LLM:
        return [e for e in plan.entries if e.status in (PARSED, UNPARSED, IGNORED) and _has_text(e)]
    return plan.unread if parser == PlanParser.AUTO else []


def _has_text(entry: Entry) -> bool:
    return entry.why not in ("blank line", "table rule", "decoration only")


def _confident_lines(
    plan: PlanText, data: dict[str, Any], *, owner_id: int | None
) -> list[dict[str, Any]]:
    """Per-line fates with the matcher's confidence for each exercise name, as proposed."""
    parsed = parse_catalog(data)
    proposals = {}
    if parsed.catalog is not None:
        mapping = propose_mapping(parsed.catalog, owner_id=owner_id)
        proposals = {p.key: p for p in mapping.exercises}
    out = []
    for entry in plan.entries:
        row = entry.as_dict()
        proposal = proposals.get(entry.exercise.casefold()) if entry.exercise else None
        if proposal is not None:
            row["confidence"] = confidence(str(proposal.level.value))
            row["alternatives"] = [c.name for c in proposal.alternatives]
        out.append(row)
    return out


def plan_import_parse(
    *,
    text: str,
    by: Any,
    athlete: Any = None,
    parser: str = PlanParser.AUTO,
    name: str = "",
    filename: str = "",
    dry_run: bool = False,
) -> PlanImportOutcome:
    """Read a pasted plan and store it as an import draft (unless `dry_run`)."""
    check_text(text)
    config = _checked_config(parser, by)
    started = time.monotonic()
    outcome = PlanImportOutcome(read_plan(text), {}, [])
    usage = _read_with_llm(outcome, parser, config, by)
    outcome.catalog = to_catalog(outcome.plan, name=name.strip(), unit=_unit())
    owner_id = catalog_owner(athlete=athlete, by=by)
    outcome.lines = _confident_lines(outcome.plan, outcome.catalog, owner_id=owner_id)
    if not dry_run:
        ms = int((time.monotonic() - started) * 1000)
        outcome.log = _log(outcome, text, by=by, athlete=athlete, parser=parser, usage=usage, ms=ms)
    _refuse_failed(outcome, parser)
    if not dry_run:
        _create_draft(outcome, by=by, athlete=athlete, filename=filename)
    return outcome


def _checked_config(parser: str, by: Any) -> LLMConfig:
    if parser not in PlanParser.values:
        raise PlanImportError(f"Unknown parser {parser!r}: choose grammar, llm or auto.")
    config = LLMConfig.from_settings()
    if parser == PlanParser.LLM:
        if not config.is_configured:
            raise PlanImportError(
                f"{config.configuration_problem()} Choose the grammar parser instead."
            )
        if _llm_parses_left(by, timezone.now()) == 0:
            raise PlanImportError(_rate_limited_message())
    return config


def _read_with_llm(
    outcome: PlanImportOutcome, parser: str, config: LLMConfig, by: Any
) -> LLMRead | None:
    entries = _llm_lines(outcome.plan, parser)
    if not entries or not config.is_configured:
        return None
    if parser == PlanParser.AUTO and _llm_parses_left(by, timezone.now()) == 0:
        outcome.notices.append(_rate_limited_message())
        return None
    outcome.used_llm = True
    try:
        return llm_read(entries, config=config, unit=_unit())
    except LLMError as exc:
        logger.warning("LLM plan parse failed: %s", exc.kind)
        outcome.llm_error = exc.user_message
        outcome.notices.append(f"The LLM could not read the remaining lines: {exc.user_message}")
        return None


def _refuse_failed(outcome: PlanImportOutcome, parser: str) -> None:
    """The coach asked for the LLM and it failed, or nothing readable came out: refuse."""
    if outcome.llm_error and parser == PlanParser.LLM:
        _fail(outcome.log, outcome.llm_error)
    if outcome.counts["sets"]:
        return
    message = (
        "No exercise with sets or reps was found in the text. Write one exercise a line, "
        "like “Bench Press 3x8” or “Squat 5x5 @ 75%”."
    )
    _fail(outcome.log, message + (f" ({outcome.llm_error})" if outcome.llm_error else ""))


def _create_draft(outcome: PlanImportOutcome, *, by: Any, athlete: Any, filename: str) -> None:
    draft, parsed = import_draft_create(
        raw=outcome.catalog,
        by=by,
        athlete=athlete,
        filename=filename or "pasted text",
        source=ImportSource.PARSER,
        lines=outcome.lines,
    )
    lines = set_lines(outcome.plan)
    if draft is None:
        _fail(outcome.log, "; ".join(_in_lines(str(issue), lines) for issue in parsed.errors))
    assert outcome.log is not None
    outcome.log.draft, outcome.log.ok = draft, True
    outcome.log.save(update_fields=["draft", "ok"])
    outcome.draft = draft


_SET_PATH = re.compile(r"^programs\[0\]\.prescribed_sets\[(\d+)\]\.?")


def _in_lines(issue: str, lines: list[int]) -> str:
    """ "programs[0].prescribed_sets[3].percentage: …" → "line 7, percentage: …"."""
    match = _SET_PATH.match(issue)
    if not match or int(match.group(1)) >= len(lines):
        return issue
    rest = issue[match.end() :]
    return f"line {lines[int(match.group(1))]}" + (", " if not rest.startswith(":") else "") + rest


def _unit() -> str:
    return str(resolve("defaults.weight_unit"))


def _fail(log: PlanImportLog | None, message: str) -> NoReturn:
    if log is not None:
        log.ok, log.error = False, message[:5000]
        log.save(update_fields=["ok", "error"])
    raise PlanImportError(message)


def _log(
    outcome: PlanImportOutcome,
    text: str,
    *,
    by: Any,
    athlete: Any,
    parser: str,
    usage: LLMRead | None,
    ms: int,
) -> PlanImportLog:
    counts = outcome.counts
    return PlanImportLog.objects.create(
        owner=by if getattr(by, "pk", None) else None,
        athlete=athlete,
        parser=parser,
        used_llm=outcome.used_llm,
        raw_text=text,
        result=outcome.catalog,
        lines=outcome.lines,
        lines_total=counts["lines"],
        lines_parsed=counts[PARSED],
        lines_llm=counts[LLM],
        lines_ignored=counts[IGNORED] + counts[HEADING],
        lines_unparsed=counts[UNPARSED],
        sets=counts["sets"],
        duration_ms=ms,
        model=usage.model if usage else "",
        tokens_in=usage.tokens_in if usage else 0,
        tokens_out=usage.tokens_out if usage else 0,
        cost_usd=usage.cost_usd if usage else Decimal(0),
    )
