from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from statute_engine.corpus import IN_FORCE
from statute_engine.index import OpenIndex, ensure_index
from statute_engine.search import Hit, StatuteSearcher

CIVIL = "中华人民共和国民法典"
LABOUR_CONTRACT = "中华人民共和国劳动合同法"
LABOUR = "中华人民共和国劳动法"


def keys(hits: list[Hit]) -> list[tuple[str, str]]:
    return [(h.law_name, h.article_key) for h in hits]


def test_small_index_builds_and_searches(small_index: OpenIndex) -> None:
    s = StatuteSearcher(small_index, memory=False, reranker=False)
    hits = s.search("用人单位拖欠劳动报酬", k=5)
    assert hits
    assert {h.law_name for h in hits} <= {LABOUR_CONTRACT, LABOUR, "中华人民共和国刑法"}
    assert small_index.info.records < 1500


def test_full_index_holds_every_article(full_index: OpenIndex) -> None:
    assert full_index.info.records == 26196  # build time is measured by bench/statutes.py


def test_ensure_index_reuses_a_fresh_index(full_index: OpenIndex, all_records) -> None:
    manifest = (full_index.path / "manifest.json").stat().st_mtime_ns
    again = ensure_index(full_index.path, all_records)
    assert again.info.fingerprint == full_index.info.fingerprint
    assert (full_index.path / "manifest.json").stat().st_mtime_ns == manifest  # opened, not rebuilt


# Colloquial questions and the articles a lawyer would cite (checked against the corpus text).
RELEVANCE = [
    (
        "老板拖欠工资怎么办",
        {(LABOUR_CONTRACT, "30"), (LABOUR_CONTRACT, "85"), (LABOUR, "50"), (LABOUR, "91")},
    ),
    ("离婚孩子归谁", {(CIVIL, "1084")}),
    ("被邻居家的狗咬伤了谁赔", {(CIVIL, "1245")}),
    ("楼上扔东西砸伤人", {(CIVIL, "1254")}),
    ("朋友借钱不还怎么办", {(CIVIL, "667"), (CIVIL, "668"), (CIVIL, "675"), (CIVIL, "676"), (CIVIL, "679")}),
    ("醉酒驾驶机动车会判刑吗", {("中华人民共和国刑法", "133-1")}),
    ("网购的东西能七天无理由退货吗", {("中华人民共和国消费者权益保护法", "25")}),
    ("公司不签劳动合同能要双倍工资吗", {(LABOUR_CONTRACT, "82")}),
    ("开车撞了行人怎么赔偿", {("中华人民共和国道路交通安全法", "76"), (CIVIL, "1208")}),
    ("别人打我我还手算正当防卫吗", {("中华人民共和国刑法", "20"), (CIVIL, "181")}),
]


@pytest.mark.parametrize(("question", "expected"), RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_relevance_top5(searcher: StatuteSearcher, question: str, expected: set[tuple[str, str]]) -> None:
    got = keys(searcher.search(question, k=5))
    assert expected & set(got), got


def test_inheritance_question_lands_in_the_succession_book(searcher: StatuteSearcher) -> None:
    hits = searcher.search("父母去世没有遗嘱遗产怎么分", k=3)
    assert all(h.law_name == CIVIL and 1119 <= h.article_no <= 1163 for h in hits), keys(hits)


@pytest.mark.parametrize(("question", "expected"), RELEVANCE[:6], ids=[q for q, _ in RELEVANCE[:6]])
def test_general_engine_relevance_top10(
    general_searcher: StatuteSearcher, question: str, expected: set[tuple[str, str]]
) -> None:
    got = keys(general_searcher.search(question, k=10))
    assert expected & set(got), got


def test_hit_fields(searcher: StatuteSearcher) -> None:
    (hit,) = searcher.search("离婚后不满两周岁的子女以由母亲直接抚养为原则", k=1)
    assert hit.law_name == CIVIL
    assert hit.article_no == 1084
    assert hit.article_label == "第一千零八十四条"
    assert hit.article_key == "1084"
    assert "两周岁" in hit.text
    assert hit.chapter and "离婚" in hit.chapter
    assert hit.law_id
    assert isinstance(hit.score, float)
    assert hit.citation == "《民法典》第一千零八十四条"


def test_inserted_article_hit(searcher: StatuteSearcher) -> None:
    hits = searcher.search("《刑法》第一百三十三条之一", k=3)
    assert (hits[0].law_name, hits[0].article_key, hits[0].article_no) == ("中华人民共和国刑法", "133-1", 133)
    assert hits[0].article_label == "第一百三十三条之一"


def test_direct_citation_comes_first(searcher: StatuteSearcher) -> None:
    hits = searcher.search("《劳动合同法》第三十条是怎么规定的", k=5)
    assert (hits[0].law_name, hits[0].article_key) == (LABOUR_CONTRACT, "30")


def test_filters(searcher: StatuteSearcher) -> None:
    only = searcher.search("工资", k=10, law="劳动法")
    assert only and all(h.law_name == LABOUR for h in only)
    dept = searcher.search("盗窃", k=10, department="刑法")
    assert dept and all(h.law_department == "刑法" for h in dept)
    default = searcher.search("环境保护 污染", k=20)
    assert all(h.status in IN_FORCE for h in default)
    repealed = searcher.search("环境保护 污染", k=20, status=("已废止",))
    assert repealed and all(h.status == "已废止" for h in repealed)
    assert searcher.search("") == []


def test_thread_safe(searcher: StatuteSearcher) -> None:
    questions = [q for q, _ in RELEVANCE] * 3
    sequential = [keys(searcher.search(q, k=5)) for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda q: keys(searcher.search(q, k=5)), questions))
    assert parallel == sequential


@pytest.mark.parametrize("query", ["民法典", "《劳动合同法》", "中华人民共和国刑法", "刑法", " 宪法 "])
def test_a_query_that_only_names_a_law_lists_its_first_articles(
    searcher: StatuteSearcher, query: str
) -> None:
    hits = searcher.search(query, k=3)
    assert [h.article_no for h in hits] == [1, 2, 3], keys(hits)
    assert len({h.law_name for h in hits}) == 1


def test_a_named_law_with_a_topic_is_a_normal_search(searcher: StatuteSearcher) -> None:
    hits = searcher.search("民法典 离婚冷静期", k=3)
    assert (CIVIL, "1077") in keys(hits)
    assert searcher.laws_mentioned("民法典 离婚冷静期") == [CIVIL]
    assert searcher.law_only("民法典 离婚冷静期") == []
