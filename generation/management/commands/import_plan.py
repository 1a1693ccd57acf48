"""manage.py import_plan FILE (--athlete ID | --coach USERNAME) — the page's service, results and
messages on the command line: parse, preview, and import unless --dry-run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.models import Athlete
from generation.plan_import.models import PlanParser
from generation.plan_import.service import MAX_CHARS, PlanImportError, plan_import_parse
from programs.catalog.matching import NEW
from programs.catalog.plaintext import LLM, PARSED
from programs.catalog.preview import Preview, build_preview
from programs.drafts import DraftError, import_draft_approve, import_draft_set_mapping
from programs.services import CatalogImportError

MAX_BYTES = 4 * MAX_CHARS


class Command(BaseCommand):
    help = (
        "Import a plan written as free text (.txt/.md, '-' for stdin). Prints every line the "
        "grammar or the LLM did not read and a summary line; exits 1 on errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the plan as a text file ('-' reads standard input)")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--athlete", type=int, help="import for this athlete id")
        target.add_argument(
            "--coach", help="import as this coach into their library (an admin: the global catalog)"
        )
        parser.add_argument("--parser", choices=PlanParser.values, default=PlanParser.AUTO)
        parser.add_argument("--name", default="", help="the program's name")
        parser.add_argument("--dry-run", action="store_true", help="read and map, write nothing")
        parser.add_argument(
            "--create-missing", action="store_true", help="create names that match nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["file"])
        athlete, by = self._target(options)
        try:
            outcome = plan_import_parse(
                text=text,
                by=by,
                athlete=athlete,
                parser=options["parser"],
                name=options["name"],
                filename="" if options["file"] == "-" else Path(options["file"]).name,
                dry_run=options["dry_run"],
            )
        except PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        for notice in outcome.notices:
            self.stdout.write(self.style.WARNING(f"warning: {notice}"))
        for fate in outcome.lines:
            if fate["status"] not in (PARSED, LLM) and fate["why"] not in ("blank line", ""):
                self.stdout.write(f"  line {fate['line']}: {fate['status']} — {fate['why']}")
        preview = build_preview(
            data=outcome.catalog,
            athlete_id=getattr(athlete, "pk", None),
            create_missing=options["create_missing"],
        )
        for line in preview.lines():
            self.stdout.write(line)
        self.stdout.write(self._summary(outcome.counts, preview))
        if preview.unresolved:
            for problem in preview.unresolved:
                self.stdout.write(self.style.ERROR(f"unresolved: {problem}"))
            where = (
                f" The draft is kept: {outcome.draft.get_absolute_url()}" if outcome.draft else ""
            )
            raise CommandError(
                f"{len(preview.unresolved)} unresolved name(s): use --create-missing or finish "
                f"the preview in the browser.{where}"
            )
        if outcome.draft is None:
            self.stdout.write(self.style.SUCCESS("Dry run: the plan reads; nothing was written."))
            return
        self._approve(outcome.draft, preview, by)

    def _approve(self, draft: Any, preview: Preview, by: Any) -> None:
        try:
            for row in preview.exercises:
                if row.decision == NEW and row.proposal.default is None:
                    import_draft_set_mapping(draft=draft, kind="exercise", key=row.key, value=NEW)
            result = import_draft_approve(draft=draft, by=by)
        except (CatalogImportError, DraftError) as exc:
            raise CommandError(str(exc)) from exc
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported (program {result.template_ids})."))

    def _summary(self, counts: dict[str, int], preview: Preview) -> str:
        unmatched = sum(1 for r in preview.exercises if r.unresolved)
        new = sum(1 for r in preview.exercises if r.is_new and not r.unresolved)
        mapped = len(preview.exercises) - unmatched - new
        return (
            f"Summary: {counts['lines']} lines ({counts[PARSED]} parsed, {counts[LLM]} by the "
            f"LLM, {counts['ignored'] + counts['heading']} headings or ignored, "
            f"{counts['unparsed']} not read); {counts['sets']} sets; names: {mapped} mapped, "
            f"{new} new, {unmatched} unmatched; {len(preview.warnings)} warnings"
        )

    def _read(self, name: str) -> str:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            try:
                with Path(name).open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
            except OSError as exc:
                raise CommandError(f"Cannot read {name}: {exc.strerror or exc}") from exc
        if len(data) > MAX_BYTES:
            raise CommandError(f"{name} is longer than {MAX_CHARS:,} characters.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{name} is not UTF-8 text.") from None

    def _target(self, options: dict[str, Any]) -> tuple[Athlete | None, Any]:
        if options["athlete"] is not None:
            athlete = Athlete.objects.select_related("coach").filter(pk=options["athlete"]).first()
            if athlete is None:
                raise CommandError(f"No athlete with id {options['athlete']}.")
            return athlete, athlete.coach
        user = get_user_model().objects.filter(username=options["coach"]).first()
        if user is None or not (user.is_coach or user.is_admin):
            raise CommandError(f"No coach or admin with the username {options['coach']!r}.")
        return None, user
