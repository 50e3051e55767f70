"""Sending: a retryable error puts the message back with a growing delay until it goes through or
SMS_MAX_ATTEMPTS is reached; a permanent error fails it at once. Every attempt is in its history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yizhan.core.periodic import periodic_tasks
from yizhan.sms import services, tasks
from yizhan.sms.backends import PermanentSmsError, RetryableSmsError
from yizhan.sms.models import SmsMessage, SmsSettings, SmsStatus
from yizhan.sms.tests.conftest import PHONE

pytestmark = pytest.mark.django_db


def _queue(django_capture_on_commit_callbacks, code: str = "matter_transferred") -> SmsMessage:
    with django_capture_on_commit_callbacks(execute=True):
        message = services.do_queue_sms(
            PHONE, code, {"code": "3141-5926-5358", "org": "城关司法所"}, related="HG-2026-000042"
        )
    assert message is not None
    message.refresh_from_db()
    return message


def _make_due(message: SmsMessage) -> None:
    SmsMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_retryable_error_is_retried_with_backoff_then_sent(django_capture_on_commit_callbacks, scripted):
    scripted.script = [
        RetryableSmsError("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控"),
        RetryableSmsError("InternalError.Timeout"),
        "900619746936498440^0",
    ]
    before = timezone.now()
    message = _queue(django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.QUEUED and message.attempts == 1
    assert message.last_error == "isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控"
    first_delay = message.next_attempt_at - before
    assert datetime.timedelta(minutes=5) <= first_delay < datetime.timedelta(minutes=6)

    assert services.retry_due_messages() == 0  # not due yet
    assert tasks.send_sms_task.call(message.pk) == "not_due"

    _make_due(message)
    assert tasks.retry_sms_task.call() == {"enqueued": 1}
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and message.attempts == 2
    assert message.next_attempt_at - timezone.now() > datetime.timedelta(minutes=9)  # doubled

    _make_due(message)
    services.retry_due_messages()
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.attempts == 3 and message.last_error == ""
    assert message.provider_message_id == "900619746936498440^0" and message.next_attempt_at is None
    assert [e["event"] for e in message.history] == ["queued", "retry", "retry", "sent"]
    assert [e.get("attempt") for e in message.history[1:]] == [1, 2, 3]

    sms = scripted.calls[-1]
    assert sms.phone == PHONE and sms.sign_name == "一站" and sms.reference == str(message.pk)
    assert list(sms.params.items()) == [("org", "城关司法所"), ("code", "3141-5926-5358")]
    assert sms.text.startswith("【一站】您的事项已转交城关司法所办理，可凭查询码3141-5926-5358")


def test_a_permanent_error_fails_at_once(django_capture_on_commit_callbacks, scripted):
    scripted.script = [PermanentSmsError("isv.MOBILE_NUMBER_ILLEGAL", "手机号码格式错误")]
    message = _queue(django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.FAILED and message.attempts == 1 and message.next_attempt_at is None
    assert message.last_error == "isv.MOBILE_NUMBER_ILLEGAL: 手机号码格式错误"
    assert message.history[-1]["event"] == "failed" and message.history[-1]["backend"] == "scripted"
    assert services.retry_due_messages() == 0


def test_retries_stop_after_the_last_attempt(settings, django_capture_on_commit_callbacks, scripted):
    settings.SMS_MAX_ATTEMPTS = 2
    scripted.script = [RetryableSmsError("ServiceUnavailable"), RetryableSmsError("ServiceUnavailable")]
    message = _queue(django_capture_on_commit_callbacks)
    _make_due(message)
    services.retry_due_messages()
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED and message.attempts == 2
    assert "已尝试2次" in message.last_error and len(scripted.calls) == 2


def test_an_unexpected_backend_error_is_retried(django_capture_on_commit_callbacks, scripted):
    scripted.script = [ImportError("No module named 'alibabacloud_dysmsapi20170525'")]
    message = _queue(django_capture_on_commit_callbacks)
    assert message.status == SmsStatus.QUEUED and "ImportError" in message.last_error


def test_the_signature_and_template_are_read_at_sending_time(django_capture_on_commit_callbacks, scripted):
    SmsSettings.objects.filter(pk=1).update(sign_name="城关司法所")
    _queue(django_capture_on_commit_callbacks, "matter_concluded")
    assert scripted.calls[0].text.startswith("【城关司法所】您的事项已办结")


def test_a_message_already_sent_is_not_sent_again(django_capture_on_commit_callbacks, scripted):
    message = _queue(django_capture_on_commit_callbacks)
    assert services.send_message(message.pk) == "not_due"
    assert len(scripted.calls) == 1


def test_the_worker_runs_the_retry_and_prune_jobs():
    names = {task.name for task in periodic_tasks()}
    assert {"retry_sms_task", "prune_sms_task"} <= names
    assert services.retry_delay(1) == datetime.timedelta(minutes=5)
    assert services.retry_delay(3) == datetime.timedelta(minutes=20)
    assert services.retry_delay(30) == datetime.timedelta(hours=6)
