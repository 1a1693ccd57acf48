"""The LLM engine: prompt → LiteLLM (generation.llm) → JSON → checks → one repair → fallback.

1. The prompt (generation.engines.prompts): rules and catalog first, the athlete's packet last.
2. One call with the answer's pydantic model as structured output (`response_format`).
3. The answer's JSON is found (plain, in a ```json fence, or inside prose: the outermost object),
   validated against the compact answer schema (draft_schema), expanded into a CatalogJSON
   document and run through the catalog pipeline (`parse_catalog(strict=True)`: structure, the
   percentage unit) and the hard constraints (generation.constraints).
4. If that fails, ONE repair round: a bounded excerpt of the previous answer and the list of
   problems go back as a follow-up message — every problem at the path of the compact answer
   the model wrote
   ("program.exercises[2].plan[0].sets[1][1] (Back Squat day 1, week 1, set 2, percentage): …")
   — and the new answer is checked the same way.
5. A second failure, or any LLMError (bad key, unknown model, unreachable, rate limited, out of
   credit, timeout, an answer cut at the token limit, a malformed response), and the built-in
   rules engine drafts the program instead, labelled "LLM failed: <reason> — rules-engine draft
   shown", the problems named by exercise, day and week (their paths stay in the stored raw
   response). The coach always gets a usable draft.

Tokens and cost are summed over every call made, fallback or not: they were spent.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from generation.constraints import enforce
from generation.engines import prompts
from generation.engines.answer_problems import for_the_coach
from generation.engines.answer_text import echoes, leaked
from generation.engines.base import Draft, EngineName, GenerationRequest, Usage
from generation.engines.draft_schema import (
    DraftAnswer,
    Locator,
    expand,
    validation_messages,
)
from generation.engines.reasoning import mark_reasoning
from generation.llm import LLMConfig, complete
from generation.llm_parse import clip, excerpt, extract_json
from generation.llm_types import ErrorKind, LLMError, LLMResult
from programs.catalog.parse import parse_catalog
from replog.text import find_text_problem, storable

if TYPE_CHECKING:
    from generation.packet import Packet

logger = logging.getLogger(__name__)

FALLBACK_TEMPLATE = "LLM failed: {reason} — rules-engine draft shown"
MAX_REASON_CHARS = 400
# The answer's cost in output tokens, measured on the demo month (Tommy's Month 4, 310 sets, in
# tests/generation/test_llm_engine.py): in the compact format the program costs ~8 tokens a set
# written tightly and ~15 pretty-printed (one CatalogJSON row cost 75–90). Budgets assume the
# pretty worst case.
TOKENS_PER_SET = 15
ANSWER_OVERHEAD_TOKENS = 1_000  # reasoning, description, week plan, progression rules
TYPICAL_SETS_PER_SESSION = 20  # the demo programs' sessions: below this the budget thins them
MIN_SETS_BUDGET = 20

# The repair round shows the model this much of its failed answer (the start, and the stretch
# around a syntax error), never the whole of it: an oversized answer must not make the next
# request oversized too.
REPAIR_EXCERPT_CHARS = 4_000
# What a run keeps of each message sent and each answer received: the audit trail of a normal
# run whole, an oversized one's start.
STORED_CHARS = 40_000
_SCHEMA_WORDS = ("response_format", "response format", "json_schema", "structured output")


@dataclass
class Checked:
    """One answer after every check: usable when `errors` is empty."""

    catalog: dict[str, Any] = field(default_factory=dict)
    reasoning: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Exercises the constraints left out whole, with their sets (Draft.dropped).
    dropped: list[dict[str, Any]] = field(default_factory=list)
    data: Any = None  # the answer's JSON, to name the places of `errors` for the coach
    position: int | None = None  # where a syntax error is, to show the model that stretch

    @property
    def ok(self) -> bool:
        return not self.errors


def check_answer(text: str, packet: Packet, request: GenerationRequest) -> Checked:
    """Everything an answer must pass, with messages the model can act on in its own format."""
    data, problem = extract_json(text)
    if data is None:
        message = (
            f"{problem or 'The answer holds no JSON object.'} Answer with one JSON object only."
        )
        return Checked(errors=[message], position=problem.position if problem else None)
    hostile = find_text_problem(data)
    if hostile is not None:
        # Refused here, as the catalog parser does, so that it gets the repair round rather
        # than reaching the database (PostgreSQL refuses NUL) through the reasoning.
        path, message = hostile
        return Checked(errors=[f"{path}: {message}. Write plain text only."])
    try:
        answer = DraftAnswer.model_validate(data)
    except ValidationError as exc:
        return Checked(errors=validation_messages(exc, data), data=data)
    echoed = echoes(answer, prompts.system_message())
    if echoed:
        return Checked(errors=echoed)
    expansion = expand(answer)
    if expansion.errors and not expansion.origins:
        return Checked(errors=expansion.errors, data=data)
    catalog = expansion.catalog
    parsed = parse_catalog(catalog, strict=True)
    if not parsed.ok or parsed.data is None or expansion.errors:
        # The hard constraints too, so that one repair round can fix everything at once
        # (enforce copes with a draft the parser rejected).
        result = enforce(parsed.data or catalog, packet, request)
        where = Locator(expansion, result.replaced)
        issues = [(i.path, i.message) for i in parsed.errors]
        return Checked(errors=expansion.errors + where.problems(issues, result.errors), data=data)
    # Warnings about what the parser changed (fractions read as percentages, rounding) exist
    # only on this first pass: the stored draft is already normalised, so they must travel on
    # the draft or nobody sees them.
    again = (
        {str(i) for i in parse_catalog(parsed.data, strict=True).warnings}
        if parsed.warnings
        else set()
    )
    result = enforce(parsed.data, packet, request)
    where = Locator(expansion, result.replaced)
    if not result.ok:
        return Checked(errors=where.problems([], result.errors), data=data)
    warnings = [
        where.for_the_coach(i.path, i.message) for i in parsed.warnings if str(i) not in again
    ]
    reasoning = [" ".join(s.split()) for s in answer.reasoning if s.strip()]
    reasoning = mark_reasoning(reasoning, parsed.data, result.catalog, result.replaced)
    return Checked(
        catalog=result.catalog,
        reasoning=reasoning,
        warnings=list(dict.fromkeys(warnings + result.warnings)),
        dropped=list(result.dropped),
    )


class _CheckFailed(Exception):
    pass


class _Leaked(Exception):
    """The answer holds the system prompt's canary: it copied our instructions."""


def _check(text: str, packet: Packet, request: GenerationRequest) -> Checked:
    # Whatever a model wrote, the coach still gets a draft: a bug met in the checks is logged
    # and ends in the rules engine's draft, not in a failed run.
    if leaked(text):
        logger.warning("LLM answer holds the system prompt's canary: refused without a repair")
        raise _Leaked
    try:
        return check_answer(text, packet, request)
    except Exception as exc:
        logger.exception("Checking an LLM answer failed")
        raise _CheckFailed from exc


def _short(checked: Checked) -> str:
    """The first problems, for the coach: named by exercise, day and week, not by path."""
    errors = [for_the_coach(e, checked.data) for e in checked.errors]
    text = "; ".join(errors[:2]) + (f" (and {len(errors) - 2} more)" if len(errors) > 2 else "")
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def _repair(messages: list[dict[str, Any]], text: str, checked: Checked) -> list[dict[str, Any]]:
    shown = excerpt(text, REPAIR_EXCERPT_CHARS, around=checked.position)
    return messages + prompts.repair_messages(shown, checked.errors)


def _stored(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The prompt as a run keeps it: every message, each one's text bounded."""
    return [
        {**m, "content": clip(m["content"], STORED_CHARS)}
        if isinstance(m.get("content"), str)
        else m
        for m in messages
    ]


class LLMEngine:
    name = EngineName.LLM

    def __init__(self, config: LLMConfig | None = None) -> None:
        self._config = config

    def generate(self, packet: Packet, request: GenerationRequest) -> Draft:
        started = time.monotonic()
        try:
            config = self._config or LLMConfig.from_settings()
        except ImproperlyConfigured as exc:  # an invalid REPLOG_LLM_* value, named in the message
            config = LLMConfig(provider="", model="")
            run = _Conversation(config)
            return self._fallback(packet, request, run, [], str(exc), started)
        run = _Conversation(config)
        messages = prompts.build_messages(packet, request, config=config)
        messages[-1]["content"] += _size_hint(config)
        try:
            text = run.call(messages)
            checked = _check(text, packet, request)
            if not checked.ok:
                logger.info(
                    "LLM answer failed its checks (%d problems); one repair round",
                    len(checked.errors),
                )
                messages = _repair(messages, storable(text), checked)
                text = run.call(messages)
                checked = _check(text, packet, request)
                if not checked.ok:
                    run.problems = checked.errors
                    reason = (
                        "its answer still did not pass the checks after one repair round — "
                        + _short(checked)
                    )
                    return self._fallback(packet, request, run, messages, reason, started)
        except LLMError as exc:
            return self._fallback(packet, request, run, messages, exc.user_message, started)
        except _CheckFailed:
            reason = "its answer could not be checked (an internal error, logged)"
            return self._fallback(packet, request, run, messages, reason, started)
        except _Leaked:
            reason = "its answer repeated RepLog's own instructions, so it was refused"
            return self._fallback(packet, request, run, messages, reason, started)
        usage = run.usage(EngineName.LLM, time.monotonic() - started)
        return Draft(
            catalog=checked.catalog,
            reasoning=checked.reasoning,
            usage=usage,
            warnings=checked.warnings + _budget_warning(config, request),
            dropped=checked.dropped,
            prompt=_stored(messages),
            raw_response=run.raw_response(),
            constraints_applied=True,
        )

    def _fallback(
        self,
        packet: Packet,
        request: GenerationRequest,
        run: _Conversation,
        messages: list[dict[str, Any]],
        reason: str,
        started: float,
    ) -> Draft:
        from generation.engines.rules import RulesEngine

        logger.warning("LLM engine fell back to the rules engine: %s", reason)
        draft = RulesEngine().generate(packet, request)
        draft.fallback_reason = FALLBACK_TEMPLATE.format(reason=reason.strip().rstrip("."))
        # The draft is the rules engine's; the tokens and money are the LLM's.
        draft.usage = run.usage(EngineName.RULES, time.monotonic() - started)
        draft.prompt = _stored(messages)
        draft.raw_response = run.raw_response()
        return draft


def sets_budget(config: LLMConfig) -> int:
    """How many sets fit in the model's answer, in the compact format."""
    room = config.max_tokens - ANSWER_OVERHEAD_TOKENS
    return max(MIN_SETS_BUDGET, room // TOKENS_PER_SET)


def _budget_warning(config: LLMConfig, request: GenerationRequest) -> list[str]:
    """Said when the output budget, not the athlete, limits how full the sessions can be."""
    budget, sessions = sets_budget(config), request.weeks * request.days_per_week
    if budget >= sessions * TYPICAL_SETS_PER_SESSION:
        return []
    needed = ANSWER_OVERHEAD_TOKENS + sessions * TYPICAL_SETS_PER_SESSION * TOKENS_PER_SET
    return [
        f"The LLM's answer budget ({config.max_tokens} output tokens) holds about {budget} sets "
        f"for {sessions} sessions, so sessions may be thinner than usual; raise “Max output "
        f"tokens” in Settings (about {needed} for this program) if the model allows it."
    ]


def _size_hint(config: LLMConfig) -> str:
    budget = sets_budget(config)
    return (
        f"\nYour whole answer must fit in {config.max_tokens} output tokens: room for about "
        f"{budget} sets in the compact format (a set costs about {TOKENS_PER_SET} tokens; the "
        "reasoning has its own reserve). Keep notes short, and give weeks with the same sets "
        "one plan entry."
    )


class _Conversation:
    """The calls of one generation: what they cost and what came back."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.results: list[LLMResult] = []
        self.answers: list[str] = []
        self.calls = 0
        self.model = config.model
        self.structured = True
        # The last answer's problems at their paths: the details behind the coach's sentence.
        self.problems: list[str] = []

    def call(self, messages: list[dict[str, Any]]) -> str:
        try:
            result = self._complete(messages)
        except LLMError as exc:
            self.calls += max(1, exc.attempts)
            if exc.result is not None:  # it answered (cut, oversized, empty), and was paid for
                self.results.append(exc.result)
                self.answers.append(storable(exc.result.text or f"(no answer: {exc.user_message})"))
            else:
                self.answers.append(f"(no answer: {exc.user_message})")
            raise
        self.calls += max(1, result.attempts)
        self.results.append(result)
        self.answers.append(storable(result.text))
        self.model = result.model or self.model
        return result.text

    def _complete(self, messages: list[dict[str, Any]]) -> LLMResult:
        if not self.structured:
            return complete(self.config, messages)
        try:
            return complete(self.config, messages, response_format=DraftAnswer)
        except LLMError as exc:
            detail = exc.detail.lower()
            if exc.kind is not ErrorKind.BAD_REQUEST or not any(w in detail for w in _SCHEMA_WORDS):
                raise
            # Some OpenAI-compatible servers reject JSON-schema output: the prompt asks for the
            # same JSON, and the answer is validated anyway.
            logger.info("Provider refused structured output (%s); asking for plain JSON", detail)
            self.calls += max(1, exc.attempts)
            self.structured = False
            return complete(self.config, messages)

    def usage(self, engine: EngineName, duration: float) -> Usage:
        return Usage(
            engine=engine,
            model=self.model,
            tokens_in=sum(r.tokens_in for r in self.results),
            tokens_out=sum(r.tokens_out for r in self.results),
            cost_usd=sum(r.cost_usd for r in self.results),
            duration_s=duration,
            calls=self.calls,
        )

    def raw_response(self) -> str:
        answers = [clip(text, STORED_CHARS) for text in self.answers]
        if len(answers) == 1 and not self.problems:
            return answers[0]
        stored = "\n\n".join(
            f"--- answer {n}{' (repair round)' if n > 1 else ''} ---\n{text}"
            for n, text in enumerate(answers, start=1)
        )
        if self.problems:
            listing = "\n".join(f"- {p}" for p in self.problems)
            stored += f"\n\n--- problems with answer {len(answers)} ---\n{listing}"
        return stored
