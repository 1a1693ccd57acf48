"""What approving a draft will do (said before the coach confirms) and taking it back while the
athlete has not trained on it yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count

from athletes.models import AthleteProgram, EndReason, ProgramRole, Workout
from athletes.position import position_after
from generation.models import GenerationRun, RunStatus
from generation.runs.states import GenerationError, InvalidTransition

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from athletes.models import Athlete, User


@dataclass(frozen=True)
class ApprovalOutlook:
    """The program approving would end, and how much of it is still to train."""

    current: AthleteProgram | None
    sessions_logged: int
    sessions_total: int

    @property
    def sessions_unfinished(self) -> int:
        return max(0, self.sessions_total - self.sessions_logged)


def approval_outlook(athlete: Athlete) -> ApprovalOutlook:
    current = (
        AthleteProgram.objects.filter(athlete=athlete, is_active=True, role=ProgramRole.PRIMARY)
        .select_related("template")
        .annotate(logged=Count("workouts"))
        .first()
    )
    if current is None:
        return ApprovalOutlook(current=None, sessions_logged=0, sessions_total=0)
    template = current.template
    position = position_after(
        logged_sessions=current.logged,
        num_weeks=template.num_weeks,
        num_days=template.num_days,
        is_loop=template.is_loop,
    )
    # A loop never ends by itself: what is unfinished is the rest of the current cycle.
    total = position.sessions_per_cycle * position.cycle
    return ApprovalOutlook(
        current=current,
        sessions_logged=min(current.logged, total),
        sessions_total=total,
    )


def generation_unapprove(*, run: GenerationRun, by: User | None) -> GenerationRun:
    """Take an approval back while no workout was logged against the program: the program it
    created is removed, the program it replaced resumes, and the draft is ready for review
    again — all or nothing."""
    with transaction.atomic():
        locked = GenerationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.APPROVED or locked.approved_template_id is None:
            raise InvalidTransition("Only an approved draft can be un-approved.")
        assignments = AthleteProgram.objects.select_for_update().filter(
            template_id=locked.approved_template_id
        )
        logged = Workout.objects.filter(assignment__in=assignments).count()
        if logged:
            raise GenerationError(
                f"{logged} workout{'' if logged == 1 else 's'} "
                f"{'was' if logged == 1 else 'were'} logged against this program, so the approval "
                "stands; end the program from the athlete page instead."
            )
        replaced_on = _ended_assignment_day(assignments)
        template_id = locked.approved_template_id
        assignments.delete()
        locked.status = RunStatus.READY
        locked.approved_template = None
        locked.decided_by = None
        locked.decided_at = None
        locked.edits = []
        locked.save(
            update_fields=["status", "approved_template", "decided_by", "decided_at", "edits"]
        )
        _delete_template(template_id)
        if replaced_on is not None:
            _resume_previous(locked.athlete_id)
    run.refresh_from_db()
    return run


def _ended_assignment_day(assignments: QuerySet[AthleteProgram]) -> dt.date | None:
    active = [a for a in assignments if a.is_active and a.role == ProgramRole.PRIMARY]
    return active[0].start_date if active else None


def _delete_template(template_id: int) -> None:
    from programs.models import ProgramTemplate

    ProgramTemplate.objects.filter(pk=template_id).delete()


def _resume_previous(athlete_id: int) -> None:
    previous = (
        AthleteProgram.objects.select_for_update()
        .filter(
            athlete_id=athlete_id,
            role=ProgramRole.PRIMARY,
            is_active=False,
            end_reason=EndReason.REPLACED,
        )
        .order_by("-ended_on", "-pk")
        .first()
    )
    if (
        previous is None
        or AthleteProgram.objects.filter(
            athlete_id=athlete_id, role=ProgramRole.PRIMARY, is_active=True
        ).exists()
    ):
        return
    previous.is_active = True
    previous.ended_on = None
    previous.end_reason = ""
    previous.save(update_fields=["is_active", "ended_on", "end_reason"])


def unapprove_blocker(run: GenerationRun) -> int:
    """How many workouts were logged against the program an approval created (0: it may be
    taken back)."""
    if run.status != RunStatus.APPROVED or run.approved_template_id is None:
        return 0
    return Workout.objects.filter(assignment__template_id=run.approved_template_id).count()
