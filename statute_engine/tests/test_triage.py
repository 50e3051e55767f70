from __future__ import annotations

import pytest

from statute_engine.search import StatuteSearcher
from statute_engine.triage import DOMAINS, INSTITUTIONS, SERVICE_TYPES, Triager, triage


@pytest.fixture(scope="module")
def triager(searcher: StatuteSearcher) -> Triager:
    return Triager(searcher=searcher)


SAMPLES = [
    "老板拖欠我三个月工资一直不给",
    "离婚后前夫不给孩子抚养费",
    "在超市买到过期食品想要赔偿",
    "我家房子被拆迁补偿款太低",
    "儿子因为打架被警察抓了会坐牢吗",
    "父亲去世没有留遗嘱，房子怎么分",
    "物业公司因为没交物业费给我家断水",
    "骑电动车被汽车撞了对方全责",
    "我的商标被别人抢注了",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_valid_output(triager: Triager, text: str) -> None:
    r = triager.triage(text)
    assert r.domain in DOMAINS
    assert set(r.scores) == set(DOMAINS)
    assert abs(sum(r.scores.values()) - 1.0) < 0.01
    assert r.service_type in SERVICE_TYPES
    assert r.institution_type in INSTITUTIONS
    assert r.reasons


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("老板拖欠我三个月工资一直不给", "劳动纠纷"),
        ("离婚后前夫不给孩子抚养费", "婚姻家庭"),
        ("在超市买到过期食品想要赔偿", "消费权益"),
        ("儿子因为打架把人打成轻伤被警察抓了会坐牢吗", "刑事辩护"),
        ("父亲去世没有留遗嘱，老家的房子兄弟姐妹怎么分", "继承"),
        ("我的商标被别人抢注了", "知识产权"),
    ],
)
def test_obvious_domains(triager: Triager, text: str, domain: str) -> None:
    assert triager.triage(text).domain == domain


def test_routing(triager: Triager) -> None:
    wages = triager.triage("老板拖欠我三个月工资一直不给")
    assert (
        wages.service_type == "法律援助"
        and wages.external_department
        and "12333" in wages.external_department
    )
    food = triager.triage("在超市买到过期食品想要赔偿")
    assert food.institution_type == "external_department" and "12315" in (food.external_department or "")
    assert triager.triage("我想办理遗嘱公证").service_type == "公证"
    assert triager.triage("交通事故后伤残等级鉴定去哪做").institution_type == "appraisal_institution"
    assert triager.triage("请帮我写一份起诉状").service_type == "代写文书"


def test_statutes_attached(triager: Triager) -> None:
    r = triager.triage("被邻居家的狗咬伤了", k=3)
    assert 0 < len(r.statutes) <= 3


def test_module_function_without_searcher() -> None:
    r = triage("公司不给交社保")
    assert r.domain in DOMAINS and r.statutes == []
