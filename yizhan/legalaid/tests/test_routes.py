"""How cases arrive: a notice from a court, procuratorate or police (第二十五、三十六条), a transfer from
detention (第三十九条), an application by a representative (第四十条), and a hotline consultation that
becomes an application without re-typing (SPEC §7)."""

from __future__ import annotations

import datetime

import pytest

from yizhan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yizhan.legalaid import clocks, selectors, services
from yizhan.legalaid.models import LegalAidCase, Source
from yizhan.matters.services import RequesterData
from yizhan.matters.testing import register, registration

from .conftest import S, at


def test_a_notice_for_a_minor_is_granted_at_once(flow, clock, district):
    clock.day(2026, 11, 24, 11)
    case = flow.notify(notified_at=at(2026, 11, 24, 9))
    assert (case.stage, case.route, case.source) == (S.GRANTED, "notification", "notification")
    assert case.decision == "grant" and case.decided_by == district.users["legalaid"]
    assert case.eligibility["grounds"] == ["法律援助法第二十五条第一款第一项"]
    assert case.eligibility["economic_condition"] == "not_applicable"
    assert case.assign_due == datetime.date(2026, 11, 27)
    assert case.matter.current_org == district.legal_aid_center
    assert selectors.event_log(case)[0].data["article"] == "法律援助法第三十六条"
    assert flow.step(case, "assign").stage == S.ASSIGNED


def test_a_notice_that_is_not_a_mandatory_defence_is_refused(flow):
    with pytest.raises(InvalidInput) as caught:
        flow.notify(facts={"proceeding": "criminal", "role": "suspect_or_defendant"})
    assert "facts" in caught.value.fields
    assert LegalAidCase.objects.count() == 0


def test_a_notice_in_the_future_is_refused(flow, clock):
    clock.day(2026, 11, 24, 9)
    with pytest.raises(InvalidInput) as caught:
        flow.notify(notified_at=at(2026, 11, 25, 9))
    assert "notified_at" in caught.value.fields
    assert LegalAidCase.objects.count() == 0


def test_the_same_notice_is_not_registered_twice(flow):
    first = flow.notify()
    with pytest.raises(Conflict) as caught:
        flow.notify()
    assert first.number in caught.value.message
    assert LegalAidCase.objects.count() == 1


@pytest.mark.parametrize("who", ["clerk", "lawyer", "manager"])
def test_only_the_centre_registers_notices(flow, district, who):
    notice = services.Notification(
        registration=registration(service_type="legal_aid", domain="criminal_defense"),
        facts={"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]},
        authority="police",
        authority_name="兰州市公安局西固分局",
        notice_number="西公通〔2026〕1号",
        notified_at=datetime.datetime.now(datetime.UTC),
    )
    with pytest.raises(Forbidden):
        services.do_register_notification(notice, actor=district.users[who])
    assert LegalAidCase.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("authority", "army"), ("authority_name", " "), ("notice_number", "")]
)
def test_an_incomplete_notice_names_the_field(flow, district, field, value):
    values = {
        "authority": "procuratorate",
        "authority_name": "西固区人民检察院",
        "notice_number": "西检通〔2026〕5号",
        field: value,
    }
    notice = services.Notification(
        registration=registration(service_type="legal_aid", domain="criminal_defense"),
        facts={"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]},
        notified_at=datetime.datetime.now(datetime.UTC),
        **values,
    )
    with pytest.raises(InvalidInput) as caught:
        services.do_register_notification(notice, actor=district.users["legalaid"])
    assert field in caught.value.fields


# --- detention (第三十九条) and representatives (第四十条) -------------------------------------------

DETAINED = {"proceeding": "criminal", "role": "suspect_or_defendant", "economic_hardship": True}


def test_a_detention_transfer_needs_the_time_of_the_request(flow):
    with pytest.raises(InvalidInput) as caught:
        flow.apply(actor="legalaid", facts=DETAINED, source=Source.DETENTION, detention_place="兰州市看守所")
    assert "detention_submitted_at" in caught.value.fields
    assert "二十四小时" in caught.value.fields["detention_submitted_at"]
    assert LegalAidCase.objects.count() == 0


def test_the_24_hour_transfer_clock(flow, clock):
    clock.day(2026, 11, 24, 15)
    case = flow.apply(
        actor="legalaid",
        facts=DETAINED,
        source=Source.DETENTION,
        detention_place="兰州市看守所",
        detention_submitted_at=at(2026, 11, 23, 16),
    )
    assert case.stage == S.UNDER_REVIEW
    transfer = next(c for c in clocks.clocks_of(case) if c.article == "法律援助法第三十九条")
    assert transfer.due == at(2026, 11, 24, 16)
    assert transfer.status == "done"  # received 23 hours later
    late = flow.apply(
        actor="legalaid",
        facts=DETAINED,
        source=Source.DETENTION,
        detention_place="兰州市看守所",
        detention_submitted_at=at(2026, 11, 22, 9),
    )
    transfer = next(c for c in clocks.clocks_of(late) if c.article == "法律援助法第三十九条")
    assert transfer.status == "late"


def test_a_representative_names_the_relation(flow):
    with pytest.raises(InvalidInput) as caught:
        flow.apply(source=Source.REPRESENTATIVE, applicant_relation="  ")
    assert "applicant_relation" in caught.value.fields
    case = flow.apply(source=Source.REPRESENTATIVE, applicant_relation="母亲")
    assert case.applicant_relation == "母亲" and case.source == Source.REPRESENTATIVE


# --- from a hotline consultation -----------------------------------------------------------------------


@pytest.fixture
def consultation(district):
    hotline = district.users["hotline"]
    return register(
        hotline,
        channel="hotline",
        service_type="consultation",
        title="工地老板拖欠工资怎么办",
        facts="在工地干了五个月，包工头拖欠两万元工资。",
        requesters=[
            RequesterData(
                name="马建军",
                id_number="110101199003074258",
                phone="13900001111",
                address="兰州市西固区陈坪街道1号",
                groups=["migrant_worker"],
            ),
            RequesterData(name="马建国", phone="13900002222", role="agent"),
        ],
    )


def test_conversion_carries_requesters_and_facts(consultation, district):
    hotline = district.users["hotline"]
    facts = {"proceeding": "non_litigation", "claim": "wages", "groups": ["migrant_worker"]}
    case = services.do_convert_consultation(consultation, facts, actor=hotline)
    matter = case.matter
    assert matter.pk != consultation.pk and matter.service_type.code == "legal_aid"
    assert (matter.title, matter.facts, matter.domain) == (
        consultation.title,
        consultation.facts,
        consultation.domain,
    )
    assert case.source == Source.HOTLINE and case.facts == facts
    assert case.eligibility["economic_condition"] == "exempt_from_verification"
    old = list(consultation.requesters.order_by("-is_primary", "id"))
    new = list(matter.requesters.order_by("-is_primary", "id"))
    fields = ("name", "role", "is_primary", "id_number_index", "phone_index", "id_number_mask", "phone_mask")
    assert [[getattr(r, f) for f in fields] for r in new] == [[getattr(r, f) for f in fields] for r in old]
    assert new[0].address_encrypted == old[0].address_encrypted
    assert new[0].group_codes == ["migrant_worker"]
    assert selectors.event_log(case)[-1].data["from_matter"] == consultation.number
    # converted once: a second attempt names the case instead of making another
    with pytest.raises(Conflict) as caught:
        services.do_convert_consultation(consultation, facts, actor=hotline)
    assert case.number in caught.value.message
    assert LegalAidCase.objects.count() == 1


def test_conversion_needs_the_consultation_in_scope(consultation, district):
    with pytest.raises(NotFound):
        services.do_convert_consultation(
            consultation, {"proceeding": "civil"}, actor=district.users["officer2"]
        )


def test_conversion_with_bad_facts_makes_nothing(consultation, district):
    with pytest.raises(InvalidInput) as caught:
        services.do_convert_consultation(
            consultation, {"proceeding": "civil", "claim": "salary"}, actor=district.users["hotline"]
        )
    assert "facts.claim" in caught.value.fields
    assert LegalAidCase.objects.count() == 0
    assert consultation.__class__.objects.count() == 1
