"""The working-day calendar every clock uses, and the deadline calculator built on it.

The calendar (``work_calendar``) joins the State Council's yearly notices and the single days the
administrator entered (``HolidayNotice``, ``CalendarOverride``) with ``yizhan.lib.workdays``, which
falls back to the calendar package and then to the holidays fixed by law. ``deadline`` is the one
calculator: the legal-aid clocks, the matters' time limits, the public API and the staff page all
count through it, and it says on what basis it counted and whether the date is provisional.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext as _

from yizhan.core.cache import cached
from yizhan.core.errors import InvalidInput
from yizhan.core.models import CalendarOverride, HolidayNotice
from yizhan.lib.workdays import (
    HOLIDAY_RULES_SOURCE,
    DueDate,
    WorkCalendar,
    add_days_rolling,
    add_workdays,
)

Unit = Literal["day", "workday"]
UNITS: tuple[Unit, ...] = ("day", "workday")
MAX_DAYS = 3660  # ten years of days: longer periods are counted in months or years, not here
FIRST_YEAR, LAST_YEAR = 2000, 2100

ARTICLE_201 = "民法典第二百零一条"
ARTICLE_203 = "民法典第二百零三条"


def _load() -> WorkCalendar:
    return WorkCalendar(
        overrides=dict(CalendarOverride.objects.values_list("date", "is_workday")),
        notice_years=frozenset(HolidayNotice.objects.values_list("year", flat=True)),
    )


def work_calendar() -> WorkCalendar:
    """The calendar as entered (cached; bumped whenever a notice or a single day changes)."""
    return cached("calendar", "work-calendar", _load)


@dataclass(frozen=True)
class Deadline:
    start: datetime.date
    days: int
    unit: Unit
    due: datetime.date
    provisional: bool
    basis: list[str]

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "days": self.days,
            "unit": self.unit,
            "due": self.due,
            "provisional": self.provisional,
            "basis": self.basis,
        }


def _years_basis(calendar: WorkCalendar, start: datetime.date, due: datetime.date) -> list[str]:
    lines = []
    for year in range(start.year, due.year + 1):
        source = calendar.source_of(year)
        if source == "notice":
            lines.append(
                _("%(year)d年节假日按系统管理员录入的国务院年度节假日安排通知计算。") % {"year": year}
            )
        elif source == "statutory":
            lines.append(
                _(
                    "国务院尚未公布%(year)d年节假日安排：%(year)d年节假日按%(source)s推算，"
                    "未计入调休，日期为暂定，公布后可能变动。"
                )
                % {"year": year, "source": HOLIDAY_RULES_SOURCE}
            )
    return lines


def deadline(start: datetime.date, days: int, unit: Unit = "day") -> Deadline:
    """The last day of a period of ``days`` days (``unit="day"``) or working days (``"workday"``)
    starting on ``start``: the start day is not counted (民法典第二百零一条); a period in days whose
    last day is a holiday or rest day ends on the next working day (第二百零三条)."""
    errors = {}
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        errors["start"] = _("起算日应在%(first)d年至%(last)d年之间。") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    if not 0 <= days <= MAX_DAYS:
        errors["days"] = _("期间应在0到%(max)d之间。") % {"max": MAX_DAYS}
    if unit not in UNITS:
        errors["unit"] = _("单位应为 day（日）或 workday（工作日）。")
    if errors:
        raise InvalidInput(_("期限计算的参数有误。"), fields=errors)
    calendar = work_calendar()
    result: DueDate
    if unit == "workday":
        result = add_workdays(start, days, calendar)
        basis = [
            _("%(article)s：开始的当日不计入，自下一日开始计算。") % {"article": ARTICLE_201},
            _("按工作日计算：法定节假日和休息日不计入，调休上班日计入。"),
        ]
    else:
        result = add_days_rolling(start, days, calendar)
        basis = [
            _("%(article)s：开始的当日不计入，自下一日开始计算。") % {"article": ARTICLE_201},
            _("%(article)s：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。")
            % {"article": ARTICLE_203},
        ]
    basis += _years_basis(calendar, start, result.date)
    return Deadline(start, days, unit, result.date, result.provisional, basis)


def missing_schedule_year(today: datetime.date) -> int | None:
    """From 1 November, next year when neither a notice nor the calendar package covers it (the
    State Council publishes the next year's arrangement around then); otherwise None."""
    if today.month < 11:
        return None
    year = today.year + 1
    return year if work_calendar().source_of(year) == "statutory" else None


def years_and_sources(today: datetime.date) -> list[dict[str, object]]:
    """Last year to two years ahead: which source decides each year's holidays, and its notice."""
    calendar = work_calendar()
    notices = {n.year: n for n in HolidayNotice.objects.filter(year__gte=today.year - 1)}
    return [
        {"year": year, "source": calendar.source_of(year), "notice": notices.get(year)}
        for year in range(today.year - 1, today.year + 3)
    ]


def holiday_notice_of(year: int) -> HolidayNotice | None:
    return HolidayNotice.objects.filter(year=year).prefetch_related("days").first()
