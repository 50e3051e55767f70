"""Working-day arithmetic with China's public holidays and adjusted working days (调休).

Whether a day is a working day is decided by the first of these sources that knows its year:

1. **the State Council's yearly notice** as the system administrator entered it (``notice_years``; its
   holidays and 调休 working days are ``overrides``, every other day of that year follows the week);
2. **single days an administrator fixed** (``overrides`` outside a notice year);
3. **the ``chinesecalendar`` package** (maintained; it knows the years up to its release);
4. **the holidays fixed by law** — 《全国年节及纪念日放假办法》 (2024 revision, in force 2025-01-01),
   第二条: 元旦 1 day, 春节 4 days (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3; 第六条: a
   holiday falling on a Saturday or Sunday is made up on the next working day (补假); so is one that
   falls on another festival's day. Lunar dates and
   the 清明 solar term are computed by ``lunar_python``. The 调休 of such a year cannot be foreseen,
   so every date computed from this source is **provisional** until the notice is entered.

Periods follow 民法典第二百零一条 (the day a period starts is not counted) and 第二百零三条 (a period
whose last day is a statutory holiday ends on the day after the holiday).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar
from lunar_python import Lunar

Overrides = Mapping[datetime.date, bool]  # date -> is a working day

HOLIDAY_RULES_SOURCE = "《全国年节及纪念日放假办法》（2024年修订）第二条、第六条"


def _package_knows(day: datetime.date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The days off of ``year`` that 《全国年节及纪念日放假办法》 fixes, with the festival's name, and the
    make-up days (补假) for those that fall on a weekend. Without the year's 调休 arrangement."""
    day = datetime.date
    spring = Lunar.fromYmd(year, 1, 1).getSolar()
    new_year = day(spring.getYear(), spring.getMonth(), spring.getDay())
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]

    def lunar(month: int, dom: int) -> datetime.date:
        solar = Lunar.fromYmd(year, month, dom).getSolar()
        return day(solar.getYear(), solar.getMonth(), solar.getDay())

    festivals: list[tuple[str, list[datetime.date]]] = [
        ("元旦", [day(year, 1, 1)]),
        ("春节", [new_year + datetime.timedelta(days=offset) for offset in range(-1, 3)]),
        ("清明节", [day(qingming.getYear(), qingming.getMonth(), qingming.getDay())]),
        ("劳动节", [day(year, 5, 1), day(year, 5, 2)]),
        ("端午节", [lunar(5, 5)]),
        ("中秋节", [lunar(8, 15)]),
        ("国庆节", [day(year, 10, 1), day(year, 10, 2), day(year, 10, 3)]),
    ]
    holidays: dict[datetime.date, str] = {}
    owed_by: dict[str, int] = {}
    for name, dates in festivals:
        # a day off that falls on a weekend, or on another festival's day (中秋 on 国庆), is owed
        owed_by[name] = sum(1 for date in dates if date.weekday() >= 5 or date in holidays)
        for date in dates:
            holidays.setdefault(date, name)
    for name, dates in festivals:
        owed = owed_by[name]
        current = max(dates)
        while owed:
            current += datetime.timedelta(days=1)
            if current.weekday() < 5 and current not in holidays:
                holidays[current] = f"{name}补假"
                owed -= 1
    return holidays


@dataclass(frozen=True)
class WorkCalendar:
    """The calendar every clock counts with (see the module's docstring for the order of sources)."""

    overrides: Overrides = field(default_factory=dict)
    notice_years: frozenset[int] = frozenset()

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.notice_years:
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def is_provisional(self, day: datetime.date) -> bool:
        """Whether the day's status comes from the holidays fixed by law alone (调休 unknown)."""
        return day not in self.overrides and day.year not in self.notice_years and not _package_knows(day)

    def source_of(self, year: int) -> str:
        """Which source decides the days of ``year``: ``notice``, ``package`` or ``statutory``."""
        if year in self.notice_years:
            return "notice"
        return "package" if _package_knows(datetime.date(year, 6, 30)) else "statutory"


def as_calendar(calendar: WorkCalendar | Overrides | None) -> WorkCalendar:
    if isinstance(calendar, WorkCalendar):
        return calendar
    return WorkCalendar(overrides=calendar or {})


def is_workday(day: datetime.date, calendar: WorkCalendar | Overrides | None = None) -> bool:
    return as_calendar(calendar).is_workday(day)


@dataclass(frozen=True)
class DueDate:
    date: datetime.date
    provisional: bool  # part of the span lies in a year whose holiday arrangement is not known yet


def add_workdays(
    start: datetime.date, days: int, calendar: WorkCalendar | Overrides | None = None
) -> DueDate:
    """The date ``days`` working days after ``start`` (the start day itself is not counted).

    This follows the usual reading of administrative time limits: a matter received on a Friday
    with a 3-working-day limit is due on Wednesday. ``days == 0`` gives ``start``.
    """
    if days < 0:
        raise ValueError("days must be non-negative")
    cal = as_calendar(calendar)
    current = start
    provisional = False
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        provisional = provisional or cal.is_provisional(current)
        if cal.is_workday(current):
            remaining -= 1
    return DueDate(current, provisional)


def workdays_between(
    start: datetime.date, end: datetime.date, calendar: WorkCalendar | Overrides | None = None
) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end == start:
        return 0
    cal = as_calendar(calendar)
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if cal.is_workday(current):
            count += 1
    return sign * count


def add_days_rolling(
    start: datetime.date, days: int, calendar: WorkCalendar | Overrides | None = None
) -> DueDate:
    """``days`` calendar days after ``start`` (民法典第二百零一条: the first day is not counted); a last
    day that is not a working day moves to the next working day (第二百零三条; e.g. 法律援助法第四十三条)."""
    if days < 0:
        raise ValueError("days must be non-negative")
    cal = as_calendar(calendar)
    due = start + datetime.timedelta(days=days)
    provisional = cal.is_provisional(due)
    while not cal.is_workday(due):
        due += datetime.timedelta(days=1)
        provisional = provisional or cal.is_provisional(due)
    return DueDate(due, provisional)
