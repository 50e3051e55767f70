"""The citizen hears of each milestone of the closed loop by SMS (yizhan/matters/citizen_notices.py):
registered with the query code, transferred, concluded, and invited to rate — through the SMS gateway,
which honours opt-outs."""

from __future__ import annotations

from yizhan.matters.testing import drive, register
from yizhan.sms.models import SmsMessage
from yizhan.sms.services import do_record_opt_out

PHONE = "13812341234"  # the requester's phone in yizhan.matters.testing.registration


def sent(matter) -> list[str]:
    return list(
        SmsMessage.objects.filter(related=matter.number)
        .order_by("id")
        .values_list("template__code", flat=True)
    )


def test_registration_sends_the_query_code(users):
    matter = register(users["clerk"])
    message = SmsMessage.objects.get(related=matter.number)
    assert message.template.code == "matter_registered"
    assert message.params["code"] == matter.query_code
    assert message.phone_mask != PHONE and message.phone_encrypted and PHONE not in message.phone_encrypted


def test_each_milestone_of_the_closed_loop_reaches_the_citizen_once(district):
    matter = drive(district, "fed_back")
    assert sent(matter) == [
        "matter_registered",
        "matter_transferred",
        "matter_concluded",
        "rating_invitation",
    ]
    transferred = SmsMessage.objects.get(related=matter.number, template__code="matter_transferred")
    assert transferred.params["org"] == district.committees[0].name


def test_a_requester_without_a_phone_gets_nothing(users):
    matter = register(users["clerk"], phone="")
    assert sent(matter) == []


def test_an_opted_out_phone_is_not_sent_to(users):
    do_record_opt_out(PHONE, source="reply")
    matter = register(users["clerk"])
    assert not SmsMessage.objects.filter(related=matter.number).exclude(status="skipped_opted_out").exists()
