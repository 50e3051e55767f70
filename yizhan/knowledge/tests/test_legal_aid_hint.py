"""The legal-aid hint of the triage: which claim of 法律援助法第三十一条 a description supports, and a
triage that still answers when the legal-aid module fails."""

from __future__ import annotations

import json

import pytest

from yizhan.knowledge import services


@pytest.mark.parametrize(
    ("domain", "text", "claim", "extra"),
    [
        ("劳动纠纷", "老板拖欠工资三个月", "wages", {}),
        ("劳动纠纷", "在工地打工，老板不给工钱", "wages", {"groups": ["migrant_worker"]}),
        ("劳动纠纷", "干了两年没签合同，公司不承认劳动关系", "labor_relation", {}),
        (
            "劳动纠纷",
            "在工地摔伤了，算不算工伤",
            "work_injury_compensation",
            {"groups": ["migrant_worker"]},
        ),
        ("劳动纠纷", "单位一直不给交社保", "social_insurance_or_assistance", {}),
        ("婚姻家庭", "前夫不给孩子抚养费", "support_payment", {}),
        (
            "婚姻家庭",
            "丈夫经常家暴，我想离婚",
            "other",
            {"circumstances": ["abuse_abandonment_or_domestic_violence_victim"]},
        ),
        ("交通事故", "被电动车撞了，对方不赔", "traffic_accident_compensation", {}),
        ("医疗纠纷", "手术后瘫痪，医院不认", "medical_accident_compensation", {}),
        ("人身损害", "吃了饭店的东西食物中毒住院", "food_drug_safety_compensation", {}),
        ("人身损害", "骑车被车撞伤住院", "traffic_accident_compensation", {}),
        ("侵权", "工厂排污把鱼塘污染了", "environmental_damage", {}),
    ],
)
def test_the_domain_and_the_words_give_the_claim(domain, text, claim, extra):
    assert services.legal_aid_facts(domain, text) == {"proceeding": "civil", "claim": claim, **extra}


@pytest.mark.parametrize(
    ("domain", "text"),
    [
        ("婚姻家庭", "想离婚，房子怎么分"),  # divorce alone is no claim of art. 31
        (
            "人身损害",
            "邻居打架把我打伤了",
        ),  # art. 31(7) covers work, traffic, food/drug, medical injuries only
        ("合同纠纷", "买的房子开发商延期交房"),
        ("刑事辩护", "儿子因盗窃被抓了"),
    ],
)
def test_no_hint_where_no_claim_fits(domain, text):
    assert services.legal_aid_facts(domain, text) is None


def test_the_hint_asks_the_eligibility_engine():
    hint = services.legal_aid_hint("婚姻家庭", "前夫不给孩子抚养费")
    assert hint["eligible"] is True
    assert "法律援助法第三十一条第四项" in hint["grounds"]
    assert hint["facts"]["claim"] == "support_payment"


def test_triage_answers_with_a_null_hint_when_the_legal_aid_module_fails(client, corpus, monkeypatch, caplog):
    def broken(facts):
        raise AttributeError("being rewritten")

    monkeypatch.setattr("yizhan.legalaid.eligibility.public", broken)
    body = {"text": "在工地干了三个月，老板一直拖着不给工资"}
    response = client.post("/api/v1/triage", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["domain"] == "劳动纠纷"
    assert response.json()["legal_aid_hint"] is None
    assert "legal-aid hint failed" in caplog.text
