"""Tables that grow by themselves are pruned after their retention (STYLE §17)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from yizhan.core.housekeeping import prune_core_tables
from yizhan.core.models import IdempotencyRecord, Notification

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def user():
    return get_user_model().objects.create_user(username="someone", password="Test-pass-2026")


def aged(model, row, **fields):
    model.objects.filter(pk=row.pk).update(**fields)


def test_old_idempotency_records_go_and_recent_ones_stay(user, settings):
    settings.IDEMPOTENCY_RETENTION_DAYS = 7
    old = IdempotencyRecord.objects.create(
        owner=user, key="a", scope="s", fingerprint="f", status_code=201, response={}
    )
    new = IdempotencyRecord.objects.create(
        owner=user, key="b", scope="s", fingerprint="f", status_code=201, response={}
    )
    aged(IdempotencyRecord, old, created_at=timezone.now() - 8 * DAY)
    assert prune_core_tables()["idempotency_records"] == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [new.pk]


def test_only_read_notifications_past_their_retention_go(user, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    unread_old = Notification.objects.create(recipient=user, kind="k", message="未读")
    read_old = Notification.objects.create(recipient=user, kind="k", message="已读", read_at=timezone.now())
    read_new = Notification.objects.create(recipient=user, kind="k", message="新", read_at=timezone.now())
    for row in (unread_old, read_old):
        aged(Notification, row, created_at=timezone.now() - 31 * DAY)
    assert prune_core_tables()["notifications"] == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {unread_old.pk, read_new.pk}


def test_expired_sessions_go():
    Session.objects.create(session_key="old", session_data="", expire_date=timezone.now() - DAY)
    Session.objects.create(session_key="new", session_data="", expire_date=timezone.now() + DAY)
    assert prune_core_tables()["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_finished_task_rows_go_on_the_database_backend(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS_BACKEND = "database"
    settings.TASK_RESULT_RETENTION_DAYS = 14
    common = {"args_kwargs": {}, "task_path": "x.y", "queue_name": "default", "backend_name": "default"}
    done = DBTaskResult.objects.create(status="SUCCESSFUL", finished_at=timezone.now() - 15 * DAY, **common)
    DBTaskResult.objects.create(status="READY", **common)
    DBTaskResult.objects.create(status="FAILED", finished_at=timezone.now() - DAY, **common)
    assert prune_core_tables()["task_results"] == 1
    assert not DBTaskResult.objects.filter(pk=done.pk).exists()
    assert DBTaskResult.objects.count() == 2


def test_the_command_prints_what_it_deleted():
    out = StringIO()
    call_command("prune", stdout=out)
    assert "idempotency_records 0" in out.getvalue()
