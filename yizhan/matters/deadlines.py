"""Time limits (限时办结): which rule applies, and the due date it gives in working days."""

from __future__ import annotations

import datetime

from yizhan.core.cache import cached
from yizhan.core.calendar import work_calendar
from yizhan.lib.workdays import DueDate, WorkCalendar, add_workdays, workdays_between
from yizhan.matters.models import ServiceType, TimeLimitRule
from yizhan.orgs.models import Region
from yizhan.orgs.selectors import region_chain


def _rules() -> dict[tuple[int, str | None], TimeLimitRule]:
    return {(rule.service_type_id, rule.region_id): rule for rule in TimeLimitRule.objects.all()}


def time_limit_for(service_type: ServiceType, region: Region | None) -> TimeLimitRule | None:
    """The most specific rule: the region's own, then its parents', then the default."""
    rules = cached("time_limits", "all", _rules)
    if region is not None:
        for ancestor in region_chain(region.code):
            rule = rules.get((service_type.pk, ancestor.code))
            if rule is not None:
                return rule
    return rules.get((service_type.pk, None))


def due_date_for(
    service_type: ServiceType,
    region: Region | None,
    start: datetime.date,
    calendar: WorkCalendar | None = None,
) -> DueDate | None:
    rule = time_limit_for(service_type, region)
    if rule is None:
        return None
    return add_workdays(start, rule.working_days, work_calendar() if calendar is None else calendar)


def working_days_left(due: datetime.date, today: datetime.date) -> int:
    """Working days from today to the due date (0 on the due day, negative when overdue)."""
    return workdays_between(today, due, work_calendar())
