"""Per-phone limits: at most SMS_MAX_PER_HOUR messages in the last hour and SMS_MAX_PER_DAY in the last
24 hours; the rest are logged as throttled and never sent."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yizhan.sms import services
from yizhan.sms.models import SmsMessage, SmsStatus
from yizhan.sms.tests.conftest import PHONE

pytestmark = pytest.mark.django_db
PARAMS = {"code": "3141-5926-5358"}


def test_the_sixth_message_in_an_hour_is_throttled(settings, django_capture_on_commit_callbacks, scripted):
    assert (settings.SMS_MAX_PER_HOUR, settings.SMS_MAX_PER_DAY) == (5, 10)
    with django_capture_on_commit_callbacks(execute=True):
        sent = [services.do_queue_sms(PHONE, "matter_registered", PARAMS) for _ in range(5)]
        assert all(sent)
        assert services.do_queue_sms(PHONE, "matter_concluded", PARAMS) is None
        assert services.do_queue_sms("13900001111", "matter_concluded", PARAMS) is not None  # another phone
    throttled = SmsMessage.objects.get(status=SmsStatus.THROTTLED)
    assert throttled.template.code == "matter_concluded" and "一小时" in throttled.last_error
    assert len(scripted.calls) == 6


def test_the_daily_limit_counts_the_last_24_hours(settings, django_capture_on_commit_callbacks, scripted):
    settings.SMS_MAX_PER_HOUR, settings.SMS_MAX_PER_DAY = 2, 3
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            services.do_queue_sms(PHONE, "matter_registered", PARAMS)
    SmsMessage.objects.update(created_at=timezone.now() - datetime.timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_queue_sms(PHONE, "matter_registered", PARAMS) is not None
        assert services.do_queue_sms(PHONE, "matter_registered", PARAMS) is None
    assert "24小时" in SmsMessage.objects.get(status=SmsStatus.THROTTLED).last_error
    SmsMessage.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_queue_sms(PHONE, "matter_registered", PARAMS) is not None
