"""Filters narrow a ledger; bad filters are reported per field, never as a server error."""

import datetime

import pytest
from django.utils import timezone

from yizhan.core.errors import InvalidInput
from yizhan.ledgers.tests.conftest import numbers, transfer
from yizhan.matters.testing import register


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def over_three_days(monkeypatch, district, users):
    """Matters registered on 30 Oct, 31 Oct (23:30 local time) and 1 Nov 2026."""
    made = []
    for moment in (
        at(datetime.date(2026, 10, 30)),
        at(datetime.date(2026, 10, 31), 23),
        at(datetime.date(2026, 11, 1)),
    ):
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        made.append(register(users["clerk"], title=f"{moment:%m月%d日}来访"))
    monkeypatch.undo()
    return made


def test_the_date_range_is_inclusive_and_in_local_time(over_three_days, users):
    first, second, third = over_three_days
    clerk = users["clerk"]
    assert numbers(clerk, "visits", date_from="2026-10-31", date_to="2026-10-31") == [second.number]
    assert numbers(clerk, "visits", date_from="2026-10-31") == [second.number, third.number]
    assert numbers(clerk, "visits", date_to="2026-10-31") == [first.number, second.number]
    assert numbers(clerk, "visits", date_from="2026-11-01", date_to="2026-11-30") == [third.number]


def test_transfer_ledgers_filter_on_the_transfer_date(monkeypatch, district, users):
    clerk = users["clerk"]
    monkeypatch.setattr(timezone, "now", lambda: at(datetime.date(2026, 10, 30)))
    matter = register(clerk)
    monkeypatch.setattr(timezone, "now", lambda: at(datetime.date(2026, 11, 2)))
    transfer(matter, district.committees[0], clerk)
    monkeypatch.undo()
    assert numbers(clerk, "mediation_transfers", date_from="2026-11-01", date_to="2026-11-30") == [
        matter.number
    ]
    assert numbers(clerk, "mediation_transfers", date_from="2026-10-01", date_to="2026-10-31") == []


def test_channel_domain_service_type_and_state_filters(book, users):
    clerk = users["clerk"]
    assert numbers(clerk, "visits", channel="hotline") == [book.hotline.number]
    assert numbers(clerk, "visits", domain="inheritance") == [book.notary.number]
    assert numbers(clerk, "visits", service_type="complaint") == [book.complaint.number]
    assert numbers(clerk, "visits", state="answered") == [book.window.number]
    assert numbers(clerk, "visits", channel="hotline", domain="debt") == []


def test_transfer_status_and_unit_filters(district, book, users):
    manager = users["manager"]
    assert numbers(manager, "mediation_transfers", status="concluded") == [book.mediation.number]
    assert numbers(manager, "mediation_transfers", status="pending") == []
    assert numbers(manager, "business_transfers", org=str(district.notary.pk)) == [book.notary.number]
    assert numbers(manager, "business_transfers", org=str(district.legal_aid_center.pk)) == []


def test_filters_a_ledger_does_not_take_are_ignored(book, users):
    everything = numbers(users["clerk"], "visits")
    assert numbers(users["clerk"], "visits", status="nonsense", page="3", format="pdf") == everything


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        ({"date_from": "2026-13-01"}, "date_from", "日期格式应为“年-月-日”，如 2026-01-31。"),
        ({"date_to": "yesterday"}, "date_to", "日期格式应为“年-月-日”，如 2026-01-31。"),
        ({"date_from": "2026-11-02", "date_to": "2026-11-01"}, "date_to", "结束日期不能早于开始日期。"),
        ({"channel": "pigeon"}, "channel", "未知的渠道：pigeon"),
        ({"domain": "astrology"}, "domain", "未知的法律领域：astrology"),
        ({"service_type": "notary"}, "service_type", "本台帐没有这种服务类型：notary"),
        ({"state": "lost"}, "state", "未知的事项状态：lost"),
        ({"status": "lost"}, "status", "未知的移交状态：lost"),
        ({"org": "abc"}, "org", "该单位不存在或不在您的管辖范围内。"),
        ({"org": "999999"}, "org", "该单位不存在或不在您的管辖范围内。"),
    ],
)
def test_bad_filters_are_reported_per_field(district, users, filters, field, message):
    with pytest.raises(InvalidInput) as info:
        numbers(users["manager"], "mediation_transfers", **filters)
    assert info.value.fields == {field: message}
    assert info.value.message == "筛选条件有误，请检查标出的项目。"


def test_several_bad_filters_are_reported_together(district, users):
    with pytest.raises(InvalidInput) as info:
        numbers(users["clerk"], "visits", date_from="x", channel="y", domain="z")
    assert set(info.value.fields) == {"date_from", "channel", "domain"}


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "20261101", "2026-1-1"])
def test_dates_out_of_range_or_in_other_formats_are_refused(district, users, value):
    with pytest.raises(InvalidInput) as info:
        numbers(users["clerk"], "visits", date_from=value)
    assert set(info.value.fields) == {"date_from"}
