"""Working-day arithmetic with China's public holidays and adjusted working days (调休).

The source is the maintained ``chinesecalendar`` package. It lags the State Council's annual
announcement (published around November for the next year), so two further layers apply:

1. ``overrides`` — dates an administrator entered (``core.CalendarOverride``) win over everything;
2. for a year the package does not cover yet, Monday–Friday count as working days and the result
   is marked ``provisional`` so the UI can say the deadline may move once the calendar is known.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

import chinese_calendar

Overrides = Mapping[datetime.date, bool]  # date -> is a working day


def _package_knows(day: datetime.date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: datetime.date, overrides: Overrides | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@dataclass(frozen=True)
class DueDate:
    date: datetime.date
    provisional: bool  # part of the span lies in a year the calendar does not cover yet


def add_workdays(start: datetime.date, days: int, overrides: Overrides | None = None) -> DueDate:
    """The date ``days`` working days after ``start`` (the start day itself is not counted).

    This follows the usual reading of administrative time limits: a matter received on a Friday
    with a 3-working-day limit is due on Wednesday. ``days == 0`` gives ``start``.
    """
    if days < 0:
        raise ValueError("days must be non-negative")
    current = start
    provisional = False
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if not (overrides and current in overrides) and not _package_knows(current):
            provisional = True
        if is_workday(current, overrides):
            remaining -= 1
    return DueDate(current, provisional)


def workdays_between(start: datetime.date, end: datetime.date, overrides: Overrides | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_workday(current, overrides):
            count += 1
    return sign * count


def add_days_rolling(start: datetime.date, days: int, overrides: Overrides | None = None) -> DueDate:
    """``days`` calendar days after ``start``; a last day that is not a working day moves to the next
    working day (the usual rule for statutory periods counted in 日, e.g. 法律援助法第四十三条)."""
    if days < 0:
        raise ValueError("days must be non-negative")
    due = start + datetime.timedelta(days=days)
    provisional = not (overrides and due in overrides) and not _package_knows(due)
    while not is_workday(due, overrides):
        due += datetime.timedelta(days=1)
        provisional = provisional or (not (overrides and due in overrides) and not _package_knows(due))
    return DueDate(due, provisional)
