"""Table-driven tests of the legal-aid eligibility rules: one YAML file of cases per article
(yizhan/rules/legal_aid/cases/), each case naming the article it exercises. Pure Python: these
tests need no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
import yaml

from yizhan.rules.legal_aid import Extension, FactsError, Standard, evaluate

CASES_DIR = resources.files("yizhan.rules.legal_aid") / "cases"
DEFAULT_DATE = dt.date(2026, 11, 24)


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            params.append(pytest.param(doc, case, id=f"{path.name}:{case['name']}"))
    return params


def _standard(raw: dict[str, Any]) -> Standard:
    return Standard(
        region_code=str(raw["region_code"]),
        effective_from=raw["effective_from"],
        kind=raw["kind"],
        source=raw["source"],
        amount=Decimal(str(raw["amount"])) if "amount" in raw else None,
        multiple=Decimal(str(raw["multiple"])) if "multiple" in raw else None,
        minimum_living_standard=Decimal(str(raw["minimum_living_standard"]))
        if "minimum_living_standard" in raw
        else None,
    )


def _extension(raw: dict[str, Any]) -> Extension:
    return Extension(**{**raw, "region_code": str(raw["region_code"]), "article": str(raw["article"])})


CASES = _load()


def test_every_article_of_the_issue_has_a_case_file() -> None:
    articles = {doc["article"] for doc, _case in (p.values for p in CASES)}
    for n in ("二十四", "二十五", "二十六", "二十八", "二十九", "三十一", "三十二", "三十三", "三十四"):
        assert f"法律援助法第{n}条" in articles
    for n in ("三十八", "四十一", "四十二", "四十四"):
        assert f"法律援助法第{n}条" in articles


@pytest.mark.parametrize(("doc", "case"), CASES)
def test_case(doc: dict[str, Any], case: dict[str, Any]) -> None:
    standards = [_standard(s) for s in case.get("standards", doc.get("standards", []))]
    extensions = [_extension(e) for e in case.get("extensions", doc.get("extensions", []))]
    on_date = case.get("on_date", DEFAULT_DATE)
    cited = case.get("cite", doc["article"])
    assert cited.startswith(doc["article"]), "a case cites the article of its file"
    if "error" in case:
        with pytest.raises(FactsError) as caught:
            evaluate(case["facts"], standards=standards, extensions=extensions, on_date=on_date)
        assert sorted(caught.value.fields) == sorted(case["error"])
        assert all(caught.value.fields.values()), "every field error says what is wrong"
        return
    decision = evaluate(case["facts"], standards=standards, extensions=extensions, on_date=on_date)
    snap = decision.to_snapshot()
    expect = case["expect"]
    if "cite" in case:
        assert case["cite"] in snap["grounds"], f"{case['cite']} not in {snap['grounds']}"
    for key in (
        "eligible",
        "outcome",
        "route",
        "economic_condition",
        "grounds",
        "missing",
        "assignment_requirements",
    ):
        if key in expect:
            assert snap[key] == expect[key], f"{key}: {snap[key]!r}\n{snap['explanation']}"
    for key in ("where_to_apply", "provisional_aid"):
        if key in expect:
            assert snap[key] == expect[key]
    for key, target in (
        ("grounds_include", "grounds"),
        ("missing_include", "missing"),
    ):
        for item in expect.get(key, []):
            assert item in snap[target], f"{item} not in {snap[target]}"
    for item in expect.get("grounds_exclude", []):
        assert item not in snap["grounds"]
    for item in expect.get("missing_exclude", []):
        assert item not in snap["missing"], f"{item} in {snap['missing']}"
    for text in expect.get("explanation_excludes", []):
        assert text not in snap["explanation"], f"{text!r} in {snap['explanation']!r}"
    for key, target in (
        ("explanation_contains", "explanation"),
        ("where_to_apply_contains", "where_to_apply"),
    ):
        for text in expect.get(key, []):
            assert text in snap[target], f"{text!r} not in {snap[target]!r}"
    for key, target in (
        ("notes_contain", "notes"),
        ("assignment_requirements_contain", "assignment_requirements"),
    ):
        for text in expect.get(key, []):
            assert any(text in line for line in snap[target]), f"{text!r} not in {snap[target]!r}"
    if "standard" in expect:
        if expect["standard"] is None:
            assert snap["standard"] is None
        else:
            assert snap["standard"] is not None
            for k, value in expect["standard"].items():
                assert snap["standard"][k] == value
    # invariants of every decision
    assert snap["explanation"].startswith("结论：")
    assert snap["grounds"], "every conclusion rests on at least one article"
    if not snap["eligible"]:
        assert snap["missing"] == []
    if snap["route"] == "notification" and snap["eligible"]:
        assert snap["economic_condition"] == "not_applicable"
    # the three outcomes (docs/decisions/0006): eligible keeps its meaning, needs_verification is
    # eligible with a condition the centre still verifies
    assert (snap["outcome"] == "not_eligible") == (not snap["eligible"])
    if snap["outcome"] == "needs_verification":
        assert snap["economic_condition"] == "required"
