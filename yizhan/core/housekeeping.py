"""Housekeeping of the tables that grow by themselves (STYLE §17): idempotency records, read
notifications, finished background-task rows and expired sessions. Run daily by the worker
(``core.tasks.prune_core_tables_task``) and by ``yizhan prune``; each period is a setting."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from yizhan.core.models import IdempotencyRecord, Notification


def prune_core_tables(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete what has outlived its retention; returns the number of rows deleted per table."""
    now = now or timezone.now()
    days = datetime.timedelta
    deleted = {
        "idempotency_records": IdempotencyRecord.objects.filter(
            created_at__lt=now - days(days=settings.IDEMPOTENCY_RETENTION_DAYS)
        ).delete()[0],
        "notifications": Notification.objects.filter(
            read_at__isnull=False, created_at__lt=now - days(days=settings.NOTIFICATION_RETENTION_DAYS)
        ).delete()[0],
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "task_results": 0,
    }
    if settings.TASKS_BACKEND == "database":
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        finished = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
        deleted["task_results"] = DBTaskResult.objects.filter(
            status__in=finished, finished_at__lt=now - days(days=settings.TASK_RESULT_RETENTION_DAYS)
        ).delete()[0]
    return deleted
