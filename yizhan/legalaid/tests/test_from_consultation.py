"""A hotline consultation becomes a legal-aid application from the matter page, without re-typing."""

from __future__ import annotations

import re

import pytest

from yizhan.legalaid.models import LegalAidCase
from yizhan.matters.testing import register

PASSWORD = "Test-pass-2026"


def test_matter_page_offers_the_conversion_and_then_links_the_case(client, district):
    hotline = district.users["hotline"]
    matter = register(hotline, channel="hotline", title="被拖欠工资怎么办")
    client.login(username="hotline", password=PASSWORD)
    page = client.get(f"/staff/matters/{matter.number}/").content.decode()
    assert "转为法律援助申请" in page
    response = client.post(
        f"/staff/legal-aid/from-matter/{matter.number}/",
        {
            "proceeding": "civil",
            "role": "applicant",
            "claim": "wages",
            "aid_groups": ["migrant_worker"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = LegalAidCase.objects.get()
    assert case.eligibility["economic_condition"] == "exempt_from_verification"
    source_names = sorted(r.name for r in matter.requesters.all())
    assert sorted(r.name for r in case.matter.requesters.all()) == source_names
    assert "法律援助案件" in client.get(f"/staff/matters/{case.matter.number}/").content.decode()


def test_bad_facts_keep_the_form_with_the_field_error(client, district):
    matter = register(district.users["hotline"], channel="hotline")
    client.login(username="hotline", password=PASSWORD)
    response = client.post(
        f"/staff/legal-aid/from-matter/{matter.number}/", {"proceeding": "civil", "claim": "nonsense"}
    )
    assert response.status_code in (200, 422)
    assert "claim" in response.context["form"].errors
    assert LegalAidCase.objects.count() == 0


# --- a walk-in 法律援助 matter becomes the case itself ---------------------------------------------------


def _walk_in(district, **overrides):
    """A migrant worker's wage claim registered at the township station's window as 法律援助."""
    return register(
        district.users["clerk2"],
        service_type="legal_aid",
        domain="labor",
        groups=["migrant_worker"],
        title="包工头拖欠工资",
        **overrides,
    )


def test_a_walk_in_legal_aid_matter_offers_the_conversion_with_every_known_fact(client, district):
    matter = _walk_in(district)
    client.login(username="clerk2", password=PASSWORD)
    page = client.get(f"/staff/matters/{matter.number}/").content.decode()
    assert f"/staff/legal-aid/from-matter/{matter.number}/" in page  # the button is there for 法律援助
    response = client.get(f"/staff/legal-aid/from-matter/{matter.number}/")
    form = response.context["form"]
    # 劳动纠纷 about 工资 of a 农民工: wages with the migrant-worker group, not 其他事项 without it
    assert form.initial["claim"] == "wages" and form.initial["aid_groups"] == ["migrant_worker"]
    html = response.content.decode()
    assert 'value="wages" selected' in html
    assert re.search(r'value="migrant_worker"[^>]*checked', html)


def test_the_walk_in_matter_is_the_application_same_number_same_query_code(client, district):
    from yizhan.legalaid import services
    from yizhan.legalaid.states import CaseStage
    from yizhan.matters.models import Matter

    matter = _walk_in(district)
    client.login(username="clerk2", password=PASSWORD)
    response = client.post(
        f"/staff/legal-aid/from-matter/{matter.number}/",
        {
            "proceeding": "non_litigation",
            "role": "applicant",
            "claim": "wages",
            "aid_groups": ["migrant_worker"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    case = LegalAidCase.objects.get()
    assert case.matter_id == matter.pk and Matter.objects.count() == 1  # no second matter
    assert case.stage == CaseStage.APPLIED  # the station that holds it pre-checks it
    assert case.eligibility["economic_condition"] == "exempt_from_verification"
    case = services.do_advance_case(case, "precheck_pass", actor=district.users["clerk2"])
    case = services.do_advance_case(case, "receive", actor=district.users["legalaid"])
    assert case.stage == CaseStage.UNDER_REVIEW and case.decision_due
    # converted once: the button is gone, a second conversion goes to the case
    page = client.get(f"/staff/matters/{matter.number}/").content.decode()
    assert f"/staff/legal-aid/from-matter/{matter.number}/" not in page and case.number in page
    again = client.post(f"/staff/legal-aid/from-matter/{matter.number}/", {"proceeding": "civil"})
    assert again.status_code == 302 and again["Location"] == f"/staff/legal-aid/{case.number}/"
    assert LegalAidCase.objects.count() == 1


def test_a_walk_in_matter_sent_to_the_centre_is_received_there(client, district):
    from yizhan.legalaid import services
    from yizhan.legalaid.states import CaseStage
    from yizhan.matters.services import TransferData, transition

    matter = _walk_in(district)
    transition(
        matter,
        "transfer",
        actor=district.users["clerk2"],
        payload={"transfer": TransferData(to_org=district.legal_aid_center)},
    )
    # the centre could only conclude the matter; now it converts it and decides on it
    case = services.do_convert_consultation(
        matter,
        {"proceeding": "civil", "claim": "wages", "groups": ["migrant_worker"]},
        actor=district.users["legalaid"],
    )
    assert case.matter_id == matter.pk and case.stage == CaseStage.FORWARDED
    case = services.do_advance_case(case, "receive", actor=district.users["legalaid"])
    case.matter.refresh_from_db()
    assert case.stage == CaseStage.UNDER_REVIEW and case.matter.state == "accepted"
    case = services.do_advance_case(case, "grant", actor=district.users["legalaid"])
    assert case.stage == CaseStage.GRANTED


def test_a_consultation_is_copied_with_its_flags_and_service_needs(district):
    from yizhan.legalaid import services

    consultation = register(
        district.users["hotline"],
        channel="hotline",
        service_type="consultation",
        urgent=True,
        home_service=True,
        risk_escalation=True,
    )
    case = services.do_convert_consultation(
        consultation, {"proceeding": "civil", "claim": "wages"}, actor=district.users["hotline"]
    )
    new = case.matter
    assert new.pk != consultation.pk and new.service_type.code == "legal_aid"
    assert (new.urgent, new.home_service, new.risk_escalation) == (True, True, True)
    assert case.home_visit


@pytest.mark.parametrize(
    ("domain", "title", "facts", "expected"),
    [
        ("labor", "老板拖欠工资", "", {"claim": "wages"}),
        ("labor", "公司不承认劳动关系", "没签合同", {"claim": "labor_relation"}),
        ("labor", "在工地摔伤", "算不算工伤", {"claim": "work_injury_compensation"}),
        ("traffic_accident", "被车撞了", "", {"claim": "traffic_accident_compensation"}),
        ("medical", "手术后瘫痪", "", {"claim": "medical_accident_compensation"}),
        ("marriage_family", "前夫不给抚养费", "", {"claim": "support_payment"}),
        (
            "marriage_family",
            "丈夫家暴",
            "",
            {"claim": "other", "circumstances": ["abuse_abandonment_or_domestic_violence_victim"]},
        ),
        ("criminal_defense", "儿子被抓", "", {"proceeding": "criminal", "role": "suspect_or_defendant"}),
        ("contract", "买房纠纷", "", {"claim": "other"}),
    ],
)
def test_known_facts_of_a_matter(district, domain, title, facts, expected):
    from yizhan.legalaid import selectors

    matter = register(
        district.users["clerk"], domain=domain, title=title, facts=facts, groups=["subsistence"]
    )
    known = selectors.known_facts(matter)
    for key, value in expected.items():
        assert known[key] == value, (key, known)
    assert known["groups"] == ["social_assistance"]  # 低保/特困 are 社会救助对象 (第四十二条第二项)
