"""The statutory clocks of a legal-aid case, each with its article (法律援助法).

Periods in 日 are calendar days; when the last day is not a working day it moves to the next working
day (the working-day calendar of yizhan.lib.workdays). ``YIZHAN_LEGAL_AID_WORKING_DAYS=1`` counts them
as working days instead, for regions whose rules say so (docs/decisions/0005-legal-aid-periods.md).

The seven review days (第四十三条第一款) pause while the applicant supplies the materials of the
one-time request (第四十三条第二款; 办理法律援助案件程序规定: the time to supply them is not counted in
the review period): the days already used are kept and the rest run from the day of supply. The three
assignment days of a notice run from the day the centre received it (第三十六条: 收到通知后).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.core.calendar import Unit, deadline, work_calendar
from yizhan.lib.workdays import DueDate, workdays_between

DECISION_DAYS = 7  # 第四十三条第一款: 七日内审查并作出决定
ASSIGN_DAYS = 3  # 第四十三条第一款 / 第三十六条: 三日内指派
OBJECTION_DAYS = 5  # 第四十九条第二款: 五日内作出决定
DETENTION_HOURS = 24  # 第三十九条: 二十四小时内转交
MATERIALS_DAYS_DEFAULT = 15  # the centre sets the period in its one-time notice; this is the default offered
FORMALITIES_DAYS_DEFAULT = 7  # 第四十四条第二款: 受援人应当及时补办手续 (the period is the centre's)


def _unit() -> Unit:
    return "workday" if getattr(settings, "LEGAL_AID_WORKING_DAYS", False) else "day"


def _day(moment: datetime.datetime | datetime.date) -> datetime.date:
    return timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment


def statutory_due(start: datetime.datetime | datetime.date, days: int) -> DueDate:
    """The last day of a statutory period, counted by the one deadline calculator
    (``yizhan.core.calendar.deadline``: 民法典第二百零一条、第二百零三条)."""
    result = deadline(_day(start), days, _unit())
    return DueDate(result.due, result.provisional)


def days_used(start: datetime.datetime | datetime.date, until: datetime.datetime | datetime.date) -> int:
    """The days of a period that have run from ``start`` to ``until`` (the start day not counted, the
    day ``until`` counted: 民法典第二百零一条), in the unit the clocks count; never negative."""
    begin, end = _day(start), _day(until)
    if _unit() == "workday":
        return max(workdays_between(begin, end, work_calendar()), 0)
    return max((end - begin).days, 0)


def chinese_date(moment: datetime.datetime | datetime.date) -> str:
    day = _day(moment)
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def decision_days_left(case) -> int:
    """Of the seven review days, those left when the one-time request for materials went out."""
    return max(DECISION_DAYS - (case.decision_days_used or 0), 0)


@dataclass(frozen=True)
class Clock:
    label: str
    article: str
    started: datetime.datetime | None
    due: datetime.date | datetime.datetime | None
    done: datetime.datetime | None
    paused: bool = False  # the period does not run (第四十三条第二款: the applicant supplies materials)
    note: str = ""  # how the period was counted where that is not plain (a pause, a restart)

    @property
    def provisional(self) -> bool:
        """The due date lies in a year whose holiday arrangement is not published yet: it was computed
        from the holidays fixed by law and may move when the notice is entered."""
        if self.due is None or self.done is not None:
            return False
        due = timezone.localtime(self.due).date() if isinstance(self.due, datetime.datetime) else self.due
        return work_calendar().is_provisional(due)

    @property
    def status(self) -> str:
        """ "done", "late" (done after the due date), "overdue", "running", "paused" or
        "not_started"."""
        if self.paused and self.done is None:
            return "paused"
        if self.started is None or self.due is None:
            return "not_started"
        due = self.due
        if self.done is not None:
            if isinstance(due, datetime.datetime):
                return "late" if self.done > due else "done"
            return "late" if timezone.localtime(self.done).date() > due else "done"
        now = timezone.now()
        if isinstance(due, datetime.datetime):
            return "overdue" if now > due else "running"
        return "overdue" if timezone.localdate() > due else "running"


def clocks_of(case) -> list[Clock]:
    """Every clock that applies to the case, in the order they run."""
    clocks = []
    if case.detention_submitted_at:
        clocks.append(
            Clock(
                _("羁押场所转交申请（二十四小时）"),
                "法律援助法第三十九条",
                case.detention_submitted_at,
                case.detention_submitted_at + datetime.timedelta(hours=DETENTION_HOURS),
                case.received_at or case.matter.registered_at,
            )
        )
    if case.route == "application":
        paused = case.stage == "awaiting_materials" and case.materials_supplied_at is None
        note = ""
        if case.materials_requested_at and case.decision_days_used is not None:
            values = {
                "used": case.decision_days_used,
                "left": decision_days_left(case),
                "asked": chinese_date(case.materials_requested_at),
            }
            if paused:
                note = (
                    _(
                        "%(asked)s一次性告知补充材料时审查期限已用%(used)d日；申请人补充材料的时间不计入，"
                        "补齐后继续计算剩余%(left)d日（第四十三条第二款）。"
                    )
                    % values
                )
            elif case.materials_supplied_at:
                values["supplied"] = chinese_date(case.materials_supplied_at)
                note = (
                    _(
                        "%(asked)s至%(supplied)s申请人补充材料，不计入审查期限；告知前已用%(used)d日，"
                        "补齐后计算剩余%(left)d日（第四十三条第二款）。"
                    )
                    % values
                )
        clocks.append(
            Clock(
                _("审查并作出决定（七日）"),
                "法律援助法第四十三条第一款",
                case.received_at,
                None if paused else case.decision_due,
                case.decided_at,
                paused=paused,
                note=note,
            )
        )
        if case.materials_requested_at:
            clocks.append(
                Clock(
                    _("补充材料期限（一次性告知）"),
                    "法律援助法第四十三条第二款",
                    case.materials_requested_at,
                    case.materials_due,
                    case.materials_supplied_at,
                )
            )
    if case.assign_due or case.assigned_at:
        article = "法律援助法第三十六条" if case.route == "notification" else "法律援助法第四十三条第一款"
        clocks.append(
            Clock(
                _("指派承办人员（三日）"),
                article,
                # 第三十六条: from the centre's receipt of the notice, not the date on it
                case.received_at if case.route == "notification" else case.decided_at,
                case.assign_due,
                case.assigned_at,
            )
        )
    if case.provisional and case.formalities_due:
        clocks.append(
            Clock(
                _("先行提供后补办手续"),
                "法律援助法第四十四条第二款",
                case.decided_at,
                case.formalities_due,
                case.materials_supplied_at,
            )
        )
    for objection in case.objections.all():
        clocks.append(
            Clock(
                _("异议审查（五日）"),
                "法律援助法第四十九条第二款",
                objection.filed_at,
                objection.due,
                objection.decided_at,
            )
        )
    return clocks
