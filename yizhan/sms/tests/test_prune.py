"""Housekeeping: the send log keeps SMS_RETENTION_DAYS of rows; the prune is audited as the system;
opt-outs are kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.sms import services, tasks
from yizhan.sms.models import OptOutSource, SmsMessage, SmsOptOut
from yizhan.sms.tests.conftest import PHONE

pytestmark = pytest.mark.django_db


def test_old_messages_are_pruned_and_opt_outs_kept(settings, django_capture_on_commit_callbacks, scripted):
    with django_capture_on_commit_callbacks(execute=True):
        old = services.do_queue_sms(PHONE, "matter_registered", {"code": "3141-5926-5358"})
        recent = services.do_queue_sms(PHONE, "matter_concluded", {"code": "3141-5926-5358"})
    assert old and recent
    SmsMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=366))
    services.do_record_opt_out("13900001111", source=OptOutSource.REPLY)
    SmsOptOut.objects.update(created_at=timezone.now() - datetime.timedelta(days=800))

    assert tasks.prune_sms_task.call() == {"deleted": 1}
    assert list(SmsMessage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert SmsOptOut.objects.count() == 1
    log = AuditLog.objects.get(object_type="sms.smsmessage", action="delete")
    assert log.actor is None and log.actor_label == "系统" and log.changes["deleted"] == 1
    assert (
        services.prune_messages() == 0 and AuditLog.objects.filter(object_type="sms.smsmessage").count() == 1
    )

    settings.SMS_RETENTION_DAYS = 1
    SmsMessage.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert services.prune_messages() == 1
