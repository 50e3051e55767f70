from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from yizhan.core.calendar import missing_schedule_year


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    missing_year = None
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
        # from 1 November: next year's holiday arrangement is not entered yet (deadlines are provisional)
        missing_year = missing_schedule_year(timezone.localdate())
    return {
        "SITE_URL": settings.SITE_URL,
        "unread_notifications": unread,
        "calendar_missing_year": missing_year,
    }
