"""Opt-outs (退订): a phone that opted out receives nothing; the send log says so; the number is kept
only as a keyed blind index."""

from __future__ import annotations

import pytest

from yizhan.audit.models import AuditLog
from yizhan.lib.pii import blind_index
from yizhan.sms import selectors, services
from yizhan.sms.models import OptOutSource, SmsMessage, SmsOptOut, SmsStatus
from yizhan.sms.tests.conftest import PHONE

pytestmark = pytest.mark.django_db


def test_a_td_reply_stops_every_message_and_is_logged(django_capture_on_commit_callbacks, scripted):
    opt_out = services.do_record_opt_out("+86 138-1234-5678", source=OptOutSource.REPLY)
    assert opt_out.phone_index == blind_index("phone", PHONE) and opt_out.phone_mask == "138****5678"
    assert PHONE not in str(SmsOptOut.objects.values().get())
    assert selectors.is_opted_out(PHONE)
    log = AuditLog.objects.get(object_type="sms.smsoptout")
    assert log.actor is None and log.actor_label == "系统" and PHONE not in str(log.changes)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.do_queue_sms(PHONE, "matter_registered", {"code": "3141-5926-5358"}) is None
    assert not callbacks and not scripted.calls
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SKIPPED_OPTED_OUT and message.attempts == 0


def test_an_opt_out_between_queueing_and_sending_wins(django_capture_on_commit_callbacks, scripted):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.do_queue_sms(PHONE, "matter_registered", {"code": "3141-5926-5358"})
    assert message is not None
    services.do_record_opt_out(PHONE, source=OptOutSource.REPLY)
    callbacks[0]()
    message.refresh_from_db()
    assert message.status == SmsStatus.SKIPPED_OPTED_OUT and not scripted.calls


def test_recording_twice_keeps_the_first_and_removal_lets_messages_through(
    users, django_capture_on_commit_callbacks, scripted
):
    admin = users["sysadmin"]
    first = services.do_record_opt_out(
        PHONE, source=OptOutSource.CITIZEN_REQUEST, actor=admin, note="来电要求"
    )
    again = services.do_record_opt_out(PHONE, source=OptOutSource.REPLY)
    assert again.pk == first.pk and again.source == OptOutSource.CITIZEN_REQUEST
    services.do_remove_opt_out(first, actor=admin)
    assert not selectors.is_opted_out(PHONE)
    assert AuditLog.objects.filter(object_type="sms.smsoptout", action="delete", actor=admin).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_queue_sms(PHONE, "matter_registered", {"code": "3141-5926-5358"}) is not None
    assert len(scripted.calls) == 1
