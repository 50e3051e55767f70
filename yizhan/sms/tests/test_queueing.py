"""Queueing a message: the template decides which parameters are kept, the phone is stored encrypted,
the message is sent on commit through the configured gateway (the logging one by default)."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from yizhan.lib.pii import decrypt
from yizhan.sms import selectors, services
from yizhan.sms.models import SmsMessage, SmsStatus, SmsTemplate
from yizhan.sms.tests.conftest import PHONE

pytestmark = pytest.mark.django_db

PARAMS = {"code": "3141-5926-5358", "org": "城关司法所", "name": "张三", "url": "https://example.gov.cn"}


def test_the_four_default_templates_are_seeded_in_chinese_with_known_placeholders():
    templates = {t.code: t for t in SmsTemplate.objects.all()}
    assert set(templates) == {
        "matter_registered",
        "matter_transferred",
        "matter_concluded",
        "rating_invitation",
    }
    for template in templates.values():
        assert template.active and "退订回TD" in template.text and "【" not in template.text
        assert "code" in services.validate_template_text(template.text)
    assert services.placeholders_of(templates["matter_transferred"].text) == ["org", "code"]
    assert str(selectors.sms_settings()) == "【一站】"


def test_a_queued_message_is_sent_on_commit_through_the_logging_backend(
    django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.INFO, logger="yizhan.sms")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = services.do_queue_sms(
            "138 1234 5678", "matter_registered", PARAMS, related="HG-2026-000042"
        )
    assert message is not None and len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.attempts == 1 and message.sent_at
    assert message.backend == "logging" and message.provider_message_id.startswith("log-")
    assert message.params == {"code": "3141-5926-5358"}  # only what the template needs: no name, no url
    assert message.phone_mask == "138****5678" and decrypt(message.phone_encrypted) == PHONE
    assert PHONE not in message.phone_encrypted and message.related == "HG-2026-000042"
    assert [entry["event"] for entry in message.history] == ["queued", "sent"]
    sent = [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS to")]
    assert sent == [
        f"SMS to 138****5678 (template matter_registered, id {message.provider_message_id}): "
        "【一站】您的事项已登记，查询码3141-5926-5358，请妥善保管，可凭查询码在公共法律服务平台查询办理进度。退订回TD"
    ]
    assert PHONE not in caplog.text


def test_nothing_is_queued_when_the_callers_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.do_queue_sms(PHONE, "matter_registered", PARAMS)
        raise RuntimeError("the milestone failed")
    assert not callbacks and not SmsMessage.objects.exists()


def test_the_message_waits_for_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.do_queue_sms(PHONE, "matter_concluded", PARAMS)
    assert message is not None and len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and message.attempts == 0 and message.next_attempt_at


def test_no_active_template_or_no_mobile_number_queues_nothing(django_capture_on_commit_callbacks):
    SmsTemplate.objects.filter(code="rating_invitation").update(active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_queue_sms(PHONE, "rating_invitation", PARAMS) is None
        assert services.do_queue_sms(PHONE, "no_such_template", PARAMS) is None
        assert services.do_queue_sms("09311234567", "matter_registered", PARAMS) is None  # a landline
        assert services.do_queue_sms("", "matter_registered", PARAMS) is None
    assert not SmsMessage.objects.exists()


def test_a_missing_parameter_is_logged_as_a_failure(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.do_queue_sms(PHONE, "matter_transferred", {"code": "3141-5926-5358"}) is None
    assert not callbacks
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED and "org" in message.last_error


def test_the_system_sends_as_itself_and_remembers_who_triggered_it(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.do_queue_sms(PHONE, "matter_registered", PARAMS, actor=users["clerk"])
    assert message is not None and message.requested_by == users["clerk"]
    assert list(selectors.messages_for("")) == [message]


def test_a_broken_template_never_fails_the_callers_milestone(django_capture_on_commit_callbacks):
    SmsTemplate.objects.filter(code="matter_registered").update(text="查询码{code")  # bypassing validation
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_queue_sms(PHONE, "matter_registered", PARAMS) is None
    assert not SmsMessage.objects.exists()


def test_the_defaults_load_again_without_touching_edited_templates():
    from django.apps import apps

    from yizhan.sms.defaults import load

    SmsTemplate.objects.filter(code="matter_concluded").update(text="已办结，查询码{code}。退订回TD")
    SmsTemplate.objects.filter(code="rating_invitation").delete()
    load(apps)
    assert SmsTemplate.objects.count() == 4
    assert SmsTemplate.objects.get(code="matter_concluded").text == "已办结，查询码{code}。退订回TD"
