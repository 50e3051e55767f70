"""Writes of the core layer: the working-day calendar (the State Council's yearly notice).

Every change is announced on ``core.signals.changed`` inside its transaction, so the audit app records
it with the change."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yizhan.core.cache import bump
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.core.models import CalendarOverride, HolidayNotice
from yizhan.core.signals import changed

MANAGE_CALENDAR = "core.change_calendaroverride"


@dataclass(frozen=True)
class NoticeDay:
    date: datetime.date
    is_workday: bool  # True: 调休上班; False: 放假
    note: str = ""


@dataclass(frozen=True)
class NoticeData:
    year: int
    title: str
    days: list[NoticeDay]
    document_number: str = ""
    published_on: datetime.date | None = None


def parse_notice_days(text: str, year: int) -> list[NoticeDay]:
    """The days of a notice, one per line: ``2027-01-01 休 元旦`` or ``2027-02-07 班 春节调休``
    (``休``/``放假``/``holiday`` and ``班``/``上班``/``workday``; a note may follow). Errors name the line."""
    kinds = {"休": False, "放假": False, "holiday": False, "班": True, "上班": True, "workday": True}
    days: list[NoticeDay] = []
    errors: list[str] = []
    seen: set[datetime.date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace(",", " ").replace("，", " ").replace("\t", " ").strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        try:
            date = datetime.date.fromisoformat(parts[0])
        except ValueError:
            errors.append(_("第%(n)d行：日期应为 YYYY-MM-DD。") % {"n": number})
            continue
        if date.year != year:
            errors.append(
                _("第%(n)d行：%(date)s 不在%(year)d年。") % {"n": number, "date": date, "year": year}
            )
            continue
        if date in seen:
            errors.append(_("第%(n)d行：%(date)s 重复。") % {"n": number, "date": date})
            continue
        if len(parts) < 2 or parts[1] not in kinds:
            errors.append(_("第%(n)d行：请写明“休”或“班”。") % {"n": number})
            continue
        is_workday = kinds[parts[1]]
        if is_workday and date.weekday() < 5:
            errors.append(
                _("第%(n)d行：%(date)s 本来就是工作日，调休上班日应为周六或周日。")
                % {"n": number, "date": date}
            )
            continue
        seen.add(date)
        days.append(NoticeDay(date, is_workday, (parts[2] if len(parts) > 2 else "")[:128]))
    if errors:
        raise InvalidInput(_("节假日安排有误，请按标出的行修改。"), fields={"days": " ".join(errors)})
    if not any(not day.is_workday for day in days):
        raise InvalidInput(_("节假日安排有误。"), fields={"days": _("至少应有一个放假日。")})
    return days


def do_record_holiday_notice(data: NoticeData, *, actor: Any) -> HolidayNotice:
    """Enter (or replace) the State Council's notice for ``data.year``: its days decide that year,
    superseding the calendar package and the holidays computed from 《全国年节及纪念日放假办法》.
    Single days entered for that year before are replaced by the notice's."""
    if not actor.has_perm(MANAGE_CALENDAR):
        raise Forbidden(_("只有系统管理员可以录入节假日安排。"))
    errors: dict[str, str] = {}
    if not 2000 <= data.year <= 2100:
        errors["year"] = _("年份应在2000到2100之间。")
    if not data.title.strip():
        errors["title"] = _("请填写通知名称。")
    if any(day.date.year != data.year for day in data.days):
        errors["days"] = _("所有日期都应在%(year)d年。") % {"year": data.year}
    if errors:
        raise InvalidInput(_("节假日安排有误，请检查标出的项目。"), fields=errors)
    with transaction.atomic(durable=True):
        notice, created = HolidayNotice.objects.select_for_update().get_or_create(
            year=data.year, defaults={"title": data.title.strip()}
        )
        before = sorted((str(d), w) for d, w in notice.days.values_list("date", "is_workday"))
        notice.title = data.title.strip()[:255]
        notice.document_number = data.document_number.strip()[:64]
        notice.published_on = data.published_on
        notice.entered_by = actor
        notice.save()
        CalendarOverride.objects.filter(date__year=data.year).delete()
        CalendarOverride.objects.bulk_create(
            CalendarOverride(
                notice=notice,
                date=day.date,
                is_workday=day.is_workday,
                note=day.note,
                source=notice.title[:255],
            )
            for day in data.days
        )
        after = sorted((str(day.date), day.is_workday) for day in data.days)
        changed.send(
            HolidayNotice,
            action="create" if created else "update",
            obj=notice,
            actor=actor,
            changes={"title": notice.title, "days": [before, after] if not created else after},
        )
        bump("calendar")
    return notice
