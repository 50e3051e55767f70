"""The working-day calendar every clock uses: the administrator's dated overrides (holidays and 调休
working days) on top of the official calendar in ``yizhan.lib.workdays``."""

from __future__ import annotations

import datetime

from yizhan.core.cache import cached
from yizhan.core.models import CalendarOverride


def calendar_overrides() -> dict[datetime.date, bool]:
    return cached(
        "calendar", "overrides", lambda: dict(CalendarOverride.objects.values_list("date", "is_workday"))
    )
