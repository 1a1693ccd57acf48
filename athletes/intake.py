"""The intake's data (pydantic: it may come from an athlete's phone through an invite link) and
the logbook's services on it: record a snapshot, confirm estimated maxes as training maxes,
create and redeem the one-time invite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from athletes.intake_models import IntakeInvite, IntakeSnapshot
from athletes.models import Athlete, Role, TrainingMax, User
from programs.models import Exercise

Goal = Literal["strength", "sport", "general_fitness", "race"]
EquipmentPreset = Literal["full_gym", "school_weight_room", "home_dumbbells", "bodyweight_only"]
# Each preset's equipment, by catalog name; the coach edits the list after choosing one.
EQUIPMENT_PRESETS: dict[str, tuple[str, ...]] = {
    "full_gym": ("Barbell", "Dumbbell", "Kettlebell", "Cable", "Machine", "Pull-up Bar", "Bench",
                 "Squat Rack", "Trap Bar", "Box", "Band"),
    "school_weight_room": ("Barbell", "Dumbbell", "Bench", "Squat Rack", "Box", "Band"),
    "home_dumbbells": ("Dumbbell", "Band"),
    "bodyweight_only": (),
}  # fmt: skip
INVITE_SALT = "athletes.intake.invite"
INVITE_DAYS = 7


class EstimatedMax(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exercise: str = Field(min_length=1, max_length=200)
    weight: Decimal = Field(gt=0, le=2000)


class IntakeData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    experience_years: int = Field(default=0, ge=0, le=80)
    estimated_maxes: list[EstimatedMax] = Field(default_factory=list, max_length=12)
    goals: list[Goal] = Field(min_length=1, max_length=4)
    sport: str = Field(default="", max_length=80)
    season_start: dt.date | None = None
    season_end: dt.date | None = None
    days_per_week: int = Field(ge=1, le=7)
    session_minutes: int = Field(default=60, ge=15, le=240)
    equipment_preset: EquipmentPreset = "full_gym"
    equipment: list[str] = Field(default_factory=list, max_length=40)
    limitations: str = Field(default="", max_length=2000)
    likes: list[str] = Field(default_factory=list, max_length=20)
    dislikes: list[str] = Field(default_factory=list, max_length=20)
    date_of_birth: dt.date | None = None
    body_weight: Decimal | None = Field(default=None, gt=0, le=700)
    unit: Literal["kg", "lbs"] = "kg"

    @field_validator("date_of_birth")
    @classmethod
    def _born_in_the_past(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value >= timezone.localdate():
            raise ValueError("the date of birth must be in the past")
        return value

    @model_validator(mode="after")
    def _season_in_order(self) -> IntakeData:
        if self.season_start and self.season_end and self.season_end < self.season_start:
            raise ValueError("the season ends before it starts")
        return self


def intake_record(*, athlete: Athlete, data: IntakeData, by: User | None) -> IntakeSnapshot:
    """A new snapshot; earlier ones stay as history. The profile follows the newest intake."""
    with transaction.atomic():
        snapshot = IntakeSnapshot.objects.create(
            athlete=athlete, data=data.model_dump(mode="json"), filled_by=by
        )
        changed: list[str] = []
        if data.date_of_birth and athlete.date_of_birth != data.date_of_birth:
            athlete.date_of_birth, changed = data.date_of_birth, [*changed, "date_of_birth"]
        if data.sport and athlete.sport != data.sport:
            athlete.sport, changed = data.sport, [*changed, "sport"]
        if changed:
            athlete.save(update_fields=changed)
    return snapshot


def latest_intake(athlete: Athlete) -> IntakeSnapshot | None:
    return IntakeSnapshot.objects.filter(athlete=athlete).first()


def intake_confirm_maxes(*, snapshot: IntakeSnapshot, by: User | None) -> list[TrainingMax]:
    """The coach confirms the snapshot's estimated maxes: each becomes a training max from
    today. Names not in the catalog are refused, naming them; nothing is written then."""
    maxes = IntakeData.model_validate(snapshot.data).estimated_maxes
    wanted = [m.exercise.lower() for m in maxes]
    found = Exercise.objects.annotate(key=Lower("name")).filter(key__in=wanted)
    by_name = {e.name.casefold(): e for e in found}
    unknown = [m.exercise for m in maxes if m.exercise.casefold() not in by_name]
    if unknown:
        raise ValidationError(
            {"estimated_maxes": f"Not in the exercise catalog: {', '.join(unknown)}."}
        )
    today = timezone.localdate()
    with transaction.atomic():
        rows = [
            TrainingMax.objects.update_or_create(
                athlete=snapshot.athlete,
                exercise=by_name[m.exercise.casefold()],
                effective_date=today,
                defaults={"weight": m.weight},
            )[0]
            for m in maxes
        ]
        snapshot.maxes_confirmed_at, snapshot.maxes_confirmed_by = timezone.now(), by
        snapshot.save(update_fields=["maxes_confirmed_at", "maxes_confirmed_by"])
    return rows


def invite_create(*, athlete: Athlete, by: User | None) -> tuple[IntakeInvite, str]:
    """A one-time invite and its signed token (the link's last part)."""
    if athlete.user_id is not None:
        raise ValidationError({"athlete": f"{athlete.name} already has a login."})
    now = timezone.now()
    invite = IntakeInvite.objects.create(
        athlete=athlete, created_by=by, created_at=now,
        expires_at=now + dt.timedelta(days=INVITE_DAYS),
    )  # fmt: skip
    return invite, signing.dumps({"invite": invite.pk}, salt=INVITE_SALT)


class InviteInvalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def invite_for_token(token: str) -> IntakeInvite:
    """The invite a token names, if the link is genuine, unused and not expired."""
    try:
        pk = int(signing.loads(token, salt=INVITE_SALT)["invite"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InviteInvalid(
            "This invite link is not valid; ask your coach for a new one."
        ) from None
    invite = IntakeInvite.objects.select_related("athlete").filter(pk=pk).first()
    if invite is None or invite.used_at is not None:
        raise InviteInvalid("This invite link has already been used; log in instead.")
    if invite.expires_at <= timezone.now():
        raise InviteInvalid("This invite link has expired; ask your coach for a new one.")
    return invite


def invite_redeem(
    *, token: str, username: str, password: str, data: IntakeData
) -> tuple[User, IntakeSnapshot]:
    """Use the invite once: create the athlete's login and record their intake, all or nothing."""
    with transaction.atomic():
        invite = invite_for_token(token)
        used = IntakeInvite.objects.filter(pk=invite.pk, used_at=None).update(
            used_at=timezone.now()
        )
        if not used:  # redeemed by a concurrent request since it was read
            raise InviteInvalid("This invite link has already been used; log in instead.")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": f"The username {username} is taken."})
        user = User.objects.create_user(username=username, password=password, role=Role.ATHLETE)
        athlete = invite.athlete
        athlete.user = user
        athlete.save(update_fields=["user"])
        snapshot = intake_record(athlete=athlete, data=data, by=user)
    return user, snapshot
