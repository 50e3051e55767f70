"""Duty rosters (值班表) read as a week: who is on duty, where the required hours are not covered, and
whether a bureau leader sat at a window for the 局长驻窗口 session of the week.

What must be covered:

- a service point's windows on every working day (the calendar of ``core.calendar``, 调休 included)
  during the opening hours written in its directory entry (``8:30-12:00，14:30-18:00``); a unit whose
  hours name no times (appointments only) has nothing to flag;
- the 12348 hotline around the clock, holidays included (SPEC §2: 24×7).

局长驻窗口: a leader of the district bureau sits at a window of a service point of the district at least
once a week for at least two hours (SPEC §2), recorded as a ``leader_at_window`` shift.

Pure functions over rows the selectors load; nothing here writes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from yizhan.lib.workdays import WorkCalendar
from yizhan.orgs.models import DutyKind, DutyShift, Organization, OrgKind

#: the 局长驻窗口 session a week must contain (SPEC §2: ≥ 2 h once a week)
LEADER_SESSION = datetime.timedelta(hours=2)
#: uncovered spans shorter than this are not flagged (hand-overs between shifts)
MIN_GAP = datetime.timedelta(minutes=15)
DEFAULT_HOURS = "8:30-12:00，14:30-18:00"

_SPAN = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})")

Span = tuple[datetime.datetime, datetime.datetime]


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def opening_spans(text: str) -> list[tuple[datetime.time, datetime.time]]:
    """The time spans written in an opening-hours text (``周一至周五 8:30-12:00，14:30-18:00``)."""
    spans = []
    for h1, m1, h2, m2 in _SPAN.findall(text or ""):
        try:
            start = datetime.time(int(h1), int(m1))
            end = datetime.time(23, 59, 59) if int(h2) == 24 else datetime.time(int(h2), int(m2))
        except ValueError:
            continue
        if end > start:
            spans.append((start, end))
    return spans


def _at(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def required_spans(org: Organization, day: datetime.date, calendar: WorkCalendar) -> list[Span]:
    """When ``org`` must have someone on duty on ``day``."""
    if org.kind == OrgKind.HOTLINE:
        return [(_at(day, datetime.time(0)), _at(day + datetime.timedelta(days=1), datetime.time(0)))]
    if not calendar.is_workday(day):
        return []
    return [(_at(day, start), _at(day, end)) for start, end in opening_spans(org.opening_hours)]


def uncovered(required: Iterable[Span], shifts: Iterable[DutyShift]) -> list[Span]:
    """The parts of ``required`` no shift covers (spans of at least ``MIN_GAP``)."""
    covered = sorted((s.starts_at, s.ends_at) for s in shifts)
    gaps: list[Span] = []
    for start, end in required:
        cursor = start
        for c_start, c_end in covered:
            if c_end <= cursor or c_start >= end:
                continue
            if c_start > cursor:
                gaps.append((cursor, c_start))
            cursor = max(cursor, c_end)
            if cursor >= end:
                break
        if cursor < end:
            gaps.append((cursor, end))
    return [(a, b) for a, b in gaps if b - a >= MIN_GAP]


@dataclass
class RosterDay:
    date: datetime.date
    is_workday: bool
    required: list[Span]
    shifts: list[DutyShift]
    gaps: list[Span]


@dataclass
class WeekRoster:
    """One unit's roster for the week starting ``monday``."""

    org: Organization
    monday: datetime.date
    days: list[RosterDay] = field(default_factory=list)

    @property
    def gap_count(self) -> int:
        return sum(len(day.gaps) for day in self.days)

    @property
    def shift_count(self) -> int:
        return len({s.pk for day in self.days for s in day.shifts})

    @property
    def has_requirement(self) -> bool:
        return any(day.required for day in self.days)


def week_of(
    org: Organization, monday: datetime.date, shifts: Iterable[DutyShift], calendar: WorkCalendar
) -> WeekRoster:
    rows = sorted(shifts, key=lambda s: (s.starts_at, s.pk or 0))
    week = WeekRoster(org=org, monday=monday)
    for offset in range(7):
        day = monday + datetime.timedelta(days=offset)
        day_start, day_end = (
            _at(day, datetime.time(0)),
            _at(day + datetime.timedelta(days=1), datetime.time(0)),
        )
        todays = [s for s in rows if s.starts_at < day_end and s.ends_at > day_start]
        required = required_spans(org, day, calendar)
        week.days.append(
            RosterDay(
                date=day,
                is_workday=calendar.is_workday(day),
                required=required,
                shifts=todays,
                gaps=uncovered(required, todays),
            )
        )
    return week


@dataclass
class LeaderCheck:
    """局长驻窗口 of one district bureau in one week."""

    bureau: Organization
    monday: datetime.date
    shifts: list[DutyShift]

    @property
    def longest(self) -> datetime.timedelta:
        return max((s.ends_at - s.starts_at for s in self.shifts), default=datetime.timedelta(0))

    @property
    def total_hours(self) -> float:
        return round(sum((s.ends_at - s.starts_at).total_seconds() for s in self.shifts) / 3600, 1)

    @property
    def ok(self) -> bool:
        return self.longest >= LEADER_SESSION


def kind_order(shift: DutyShift) -> int:
    """Who answers first among those on duty: the window or seat, then the leader at the window."""
    order: dict[str, int] = {DutyKind.WINDOW: 0, DutyKind.HOTLINE: 0, DutyKind.LEADER_AT_WINDOW: 1}
    return order.get(shift.kind, 2)
