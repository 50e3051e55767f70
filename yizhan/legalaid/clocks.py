"""The statutory clocks of a legal-aid case, each with its article (法律援助法).

Periods in 日 are calendar days; when the last day is not a working day it moves to the next working
day (the working-day calendar of yizhan.lib.workdays). ``YIZHAN_LEGAL_AID_WORKING_DAYS=1`` counts them
as working days instead, for regions whose rules say so (docs/decisions/0005-legal-aid-periods.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.core.calendar import Unit, deadline, work_calendar
from yizhan.lib.workdays import DueDate

DECISION_DAYS = 7  # 第四十三条第一款: 七日内审查并作出决定
ASSIGN_DAYS = 3  # 第四十三条第一款 / 第三十六条: 三日内指派
OBJECTION_DAYS = 5  # 第四十九条第二款: 五日内作出决定
DETENTION_HOURS = 24  # 第三十九条: 二十四小时内转交
MATERIALS_DAYS_DEFAULT = 15  # the centre sets the period in its one-time notice; this is the default offered
FORMALITIES_DAYS_DEFAULT = 7  # 第四十四条第二款: 受援人应当及时补办手续 (the period is the centre's)


def statutory_due(start: datetime.datetime | datetime.date, days: int) -> DueDate:
    """The last day of a statutory period, counted by the one deadline calculator
    (``yizhan.core.calendar.deadline``: 民法典第二百零一条、第二百零三条)."""
    day = timezone.localtime(start).date() if isinstance(start, datetime.datetime) else start
    unit: Unit = "workday" if getattr(settings, "LEGAL_AID_WORKING_DAYS", False) else "day"
    result = deadline(day, days, unit)
    return DueDate(result.due, result.provisional)


@dataclass(frozen=True)
class Clock:
    label: str
    article: str
    started: datetime.datetime | None
    due: datetime.date | datetime.datetime | None
    done: datetime.datetime | None

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
        """ "done", "late" (done after the due date), "overdue", "running" or "not_started"."""
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
        clocks.append(
            Clock(
                _("审查并作出决定（七日）"),
                "法律援助法第四十三条第一款",
                case.received_at,
                case.decision_due,
                case.decided_at,
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
                case.notified_at if case.route == "notification" else case.decided_at,
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
