"""`build_packet`: one athlete's stats and catalog, computed once, fitted to the token budget."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from athletes import stats
from athletes.models import Athlete
from generation.packet.budget import Fixed, fit_to_budget
from generation.packet.catalog import catalog_section, load_catalog
from generation.packet.models import Packet
from generation.packet.preferences import intake_section, preferences_section
from generation.packet.programs import program_sections
from generation.packet.runs import runs_section
from generation.packet.sections import health_flags, profile_section
from generation.session.summary import adjustment_summary
from settings_app.resolution import setting_int, settings_scope


def build_packet(
    athlete: Athlete, *, today: dt.date | None = None, token_budget: int | None = None
) -> Packet:
    """The briefing packet for one athlete, within the token budget (setting
    `generation.packet_token_budget`). A constant number of queries: 16, plus one settings
    read when called outside a request or task."""
    with settings_scope():
        return _build_packet(athlete, today=today or timezone.localdate(), budget=token_budget)


def _build_packet(athlete: Athlete, *, today: dt.date, budget: int | None) -> Packet:
    budget = budget or setting_int("generation.packet_token_budget")
    s = stats.compute_stats(stats.load_history(athlete, today=today))
    data = load_catalog(athlete)
    first_name = athlete.name.split()[0] if athlete.name.split() else athlete.name
    catalog = catalog_section(data, first_name)
    current, supplemental, prior = program_sections(s)
    fixed = Fixed(
        profile=profile_section(athlete, s),
        equipment=data.owned,
        catalog=catalog,
        current_program=current,
        supplemental_programs=supplemental,
        prior_programs=prior,
        health_flags=health_flags(s, exercise_names=data.names, profile_notes=athlete.notes),
        session_adjustments=adjustment_summary(athlete, today=today),
        coach_preferences=tuple(preferences_section(athlete)),
        intake=intake_section(athlete),
    )
    packet = fit_to_budget(athlete, s, fixed, budget)
    # Added after fitting: a handful of numbers that no trimming step would shorten.
    packet.runs = runs_section(s)
    return packet
