"""The athlete page's adherence header and the packet read one definition: never over 100 %."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from athletes.models import Athlete
from generation.packet import build_packet
from tests.factories import AthleteProgramFactory, ProgramTemplateFactory, WorkoutFactory

pytestmark = pytest.mark.django_db


def test_header_adherence_is_the_packet_figure_and_extra_sessions_do_not_count(
    athlete: Athlete, coach_client: Any
) -> None:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    template = ProgramTemplateFactory(num_days=2, num_weeks=8, is_loop=True)
    assignment = AthleteProgramFactory(
        athlete=athlete, template=template, start_date=monday - dt.timedelta(weeks=6)
    )
    # Four weeks back: 4 sessions (2 extra), then 1, 2, 2 — recent logs exceed what is due.
    for weeks_ago, count in ((4, 4), (3, 1), (2, 2), (1, 2)):
        for n in range(count):
            day = monday - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=n)
            WorkoutFactory(athlete=athlete, assignment=assignment, date=day)
    packet_rate = build_packet(athlete).adherence.rate_pct
    assert packet_rate is not None
    assert packet_rate < 100
    html = coach_client.get(athlete.get_absolute_url()).content.decode()
    assert 'id="header-adherence"' in html
    header = html.split('id="header-adherence"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert header == f"{round(packet_rate)} %"
