from __future__ import annotations

import pytest

from statute_engine.numerals import ArticleNo, article_label, cn_to_int, int_to_cn, parse_article_no


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("一百一十", 110),
        ("一百零五", 105),
        ("一千零八十四", 1084),
        ("一千二百五十四", 1254),
        ("两千", 2000),
        ("一万零五", 10005),
        ("1254", 1254),
        ("１２５４", 1254),
        ("二〇二〇", 2020),
    ],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


def test_cn_to_int_rejects_non_numerals() -> None:
    assert cn_to_int("条") is None
    assert cn_to_int("") is None


@pytest.mark.parametrize(
    "n", [1, 9, 10, 11, 19, 20, 99, 100, 101, 110, 111, 999, 1000, 1001, 1010, 1084, 1254, 1260]
)
def test_round_trip(n: int) -> None:
    assert cn_to_int(int_to_cn(n)) == n


def test_statute_style() -> None:
    assert int_to_cn(10) == "十"
    assert int_to_cn(110) == "一百一十"
    assert int_to_cn(1084) == "一千零八十四"
    assert article_label(1254) == "第一千二百五十四条"
    assert article_label(10, 1) == "第十条之一"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一千零八十四条", ArticleNo(1084)),
        ("第1084条", ArticleNo(1084)),
        ("1084", ArticleNo(1084)),
        ("第十条之一", ArticleNo(10, 1)),
        ("第一百二十条之六", ArticleNo(120, 6)),
        ("10-1", ArticleNo(10, 1)),
    ],
)
def test_parse_article_no(text: str, expected: ArticleNo) -> None:
    assert parse_article_no(text) == expected


def test_article_key_and_label() -> None:
    assert ArticleNo(10, 1).key == "10-1"
    assert ArticleNo(1254).key == "1254"
    assert ArticleNo(10, 1).label == "第十条之一"
    assert parse_article_no("第条") is None


def test_every_corpus_article_number_round_trips(all_records) -> None:
    for r in all_records:
        if not r.article_no.startswith("第"):
            continue
        art = r.article
        assert art is not None, r.article_no
        assert art.number == r.article_no_arabic
        assert art.label == r.article_no
