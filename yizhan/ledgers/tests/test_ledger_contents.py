"""Each ledger lists the right matters or transfers, and only those."""

import inspect
import re

import pytest

from yizhan.core.errors import Forbidden, NotFound
from yizhan.ledgers import catalogue, columns, filters, selectors
from yizhan.ledgers.catalogue import LEDGERS
from yizhan.ledgers.selectors import ledger_rows
from yizhan.ledgers.tests.conftest import column, numbers, transfer
from yizhan.matters import services
from yizhan.matters.testing import register


def test_there_are_the_six_ledgers_of_the_xian_plan():
    assert [str(ledger.title) for ledger in LEDGERS.values()] == [
        "公共法律服务来访登记台帐",
        "矛盾纠纷案件移交台帐",
        "法律援助案件移交台帐",
        "公共法律服务预约台帐",
        "公共法律服务业务移交台帐",
        "群众投诉登记本",
    ]


def test_the_visit_ledger_lists_every_matter_registered_at_the_unit_oldest_first(book, users):
    centre = [
        book.window,
        book.hotline,
        book.mediation,
        book.legal_aid,
        book.notary,
        book.appointment,
        book.complaint,
    ]
    assert numbers(users["clerk"], "visits") == [m.number for m in centre]
    assert column(users["clerk"], "visits", "seq") == list(range(1, len(centre) + 1))


def test_the_visit_ledger_of_a_unit_does_not_list_matters_only_transferred_to_it(book, users):
    # the mediation matter is visible to the committee, but it was registered at the centre
    assert book.mediation.number not in numbers(users["mediator"], "visits")


def test_the_visit_ledger_describes_how_each_visit_was_handled(book, users):
    handling = dict(
        zip(numbers(users["clerk"], "visits"), column(users["clerk"], "visits", "handling"), strict=True)
    )
    assert handling[book.window.number] == "当场答复"
    assert handling[book.mediation.number] == "分流至陈坪街道人民调解委员会（已办结）"
    assert handling[book.complaint.number] == "已登记"


def test_the_mediation_transfer_ledger_lists_hand_offs_to_mediation(book, users):
    assert numbers(users["clerk"], "mediation_transfers") == [book.mediation.number]
    results = column(users["clerk"], "mediation_transfers", "transfer_result")
    assert results == ["调解成功：双方达成调解协议。"]


def test_the_legal_aid_transfer_ledger_lists_hand_offs_to_legal_aid(book, users):
    assert numbers(users["clerk"], "legal_aid_transfers") == [book.legal_aid.number]
    assert column(users["clerk"], "legal_aid_transfers", "to_org") == ["西固区法律援助中心"]
    assert column(users["clerk"], "legal_aid_transfers", "groups") == ["农民工"]


def test_the_business_transfer_ledger_lists_the_other_hand_offs(book, users):
    assert numbers(users["clerk"], "business_transfers") == [book.notary.number]
    assert column(users["clerk"], "business_transfers", "transfer_type") == ["公证"]


def test_a_matter_forwarded_twice_has_two_rows_and_the_first_hand_off_is_returned(district, book, users):
    matter = book.mediation
    again = register(users["clerk"], title="二次移交")
    transfer(again, district.committees[0], users["clerk"])
    services.transition(again, "return", actor=users["mediator"], note="不属于本委员会管辖。")
    transfer(again, district.committees[1], users["clerk"])
    rows = numbers(users["manager"], "mediation_transfers")
    assert rows == [matter.number, again.number, again.number]
    statuses = column(users["manager"], "mediation_transfers", "transfer_status")
    assert statuses == ["已办结", "已退回", "待接收"]
    assert (
        column(users["manager"], "mediation_transfers", "transfer_result")[1] == "退回：不属于本委员会管辖。"
    )


def test_the_appointment_ledger_lists_only_matters_with_an_appointment(book, users):
    assert numbers(users["clerk"], "appointments") == [book.appointment.number]
    assert column(users["clerk"], "appointments", "service_mode") == ["上门服务"]


def test_the_complaint_register_lists_only_complaints(book, users):
    assert numbers(users["clerk"], "complaints") == [book.complaint.number]


def test_phones_and_addresses_are_the_stored_masks(book, users):
    assert set(column(users["clerk"], "visits", "phone")) == {"138****1234"}
    addresses = set(column(users["clerk"], "visits", "address"))
    assert all("****" in address and "501室" not in address for address in addresses)


def test_the_requester_columns_come_from_the_primary_requester(book, users):
    row = dict(
        zip(
            [c.key for c in ledger_rows(users["clerk"], "visits").columns],
            next(iter(ledger_rows(users["clerk"], "visits"))),
            strict=True,
        )
    )
    assert (row["requester"], row["gender"], row["age"]) == ("张三", "男", book.window.requesters.get().age)
    assert row["first_responsible"] == "赵晓燕"


def test_reading_a_ledger_takes_a_fixed_number_of_queries(book, users, django_assert_max_num_queries):
    for _ in range(20):
        register(users["clerk"], groups=["elderly", "disabled"])
    clerk = users["clerk"]
    clerk.has_perm("ledgers.view_ledgers")  # warm the permission cache
    clerk.scope_org_ids  # noqa: B018
    for key in LEDGERS:
        with django_assert_max_num_queries(6):
            list(ledger_rows(clerk, key, {}).rows())


def test_an_unknown_ledger_is_not_found(users):
    with pytest.raises(NotFound):
        ledger_rows(users["clerk"], "diary", {})


def test_an_account_without_the_ledger_right_reads_nothing(users):
    with pytest.raises(Forbidden):
        ledger_rows(users["auditor"], "visits", {})


def test_ledgers_read_matters_only_through_the_scoped_selector():
    source = "".join(inspect.getsource(module) for module in (catalogue, columns, filters, selectors))
    assert re.findall(r"Matter\.objects\.\w+", source) == ["Matter.objects.none"]
    assert "visible_matters(user)" in inspect.getsource(catalogue._transfers)


def test_a_matter_answered_and_then_followed_up_still_says_it_was_answered(district, users):
    matter = register(users["clerk"])
    services.transition(
        matter, "answer", actor=users["clerk"], note="已答复。", payload={"outcome": "advice_given"}
    )
    services.transition(
        matter,
        "follow_up",
        actor=users["clerk"],
        payload={"satisfaction": "satisfied", "advice_adopted": True},
    )
    assert column(users["clerk"], "visits", "handling") == ["当场答复（已回访）"]
    assert column(users["clerk"], "visits", "satisfaction") == ["满意"]


def test_a_matter_referred_out_names_the_department(district, users):
    matter = register(users["clerk"])
    services.transition(
        matter,
        "refer_out",
        actor=users["clerk"],
        note="请到12333咨询。",
        payload={"referral_org": district.externals[2]},
    )
    assert column(users["clerk"], "visits", "handling") == [f"引导至{district.externals[2].name}"]


def test_a_pending_transfer_reads_as_waiting_for_the_receiving_unit(district, users):
    matter = transfer(register(users["clerk"]), district.committees[0], users["clerk"])
    assert column(users["clerk"], "visits", "handling") == [f"分流至{district.committees[0].name}（待接收）"]
    assert matter.state == "transferred"
