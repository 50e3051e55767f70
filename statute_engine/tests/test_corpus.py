"""Validity on a date: a promulgated revision that takes effect later does not replace the text in
force before its effective date (立法法 第六十一条)."""

from __future__ import annotations

import datetime
import sqlite3
from collections import Counter
from pathlib import Path

from statute_engine.corpus import (
    CURRENT,
    HISTORICAL,
    NOT_YET_IN_FORCE,
    REPEALED,
    LawVersion,
    iter_laws_db,
    statuses_on,
)

D = datetime.date


def _versions() -> list[LawVersion]:
    return [
        LawVersion("tm-2019", "商标法", HISTORICAL, "1983-03-01", "2019-04-23"),
        LawVersion("tm-2013", "商标法", HISTORICAL, "1983-03-01", "2013-08-30"),
        LawVersion("tm-2026", "商标法", CURRENT, "2027-01-01", "2026-06-26"),
        LawVersion("new", "医疗保障法", CURRENT, "2027-01-01", "2026-08-28"),
        LawVersion("civil", "民法典", CURRENT, "2021-01-01", "2020-05-28"),
        LawVersion("odd", "某法", CURRENT, "尚未确定", "2026-01-01"),
        LawVersion("gone", "旧法", REPEALED, "2030-01-01", "1990-01-01"),
    ]


def test_a_revision_waits_for_its_effective_date_and_the_text_it_replaces_stays_in_force():
    before = statuses_on(_versions(), D(2026, 12, 31))
    assert before["tm-2026"] == NOT_YET_IN_FORCE
    assert before["tm-2019"] == CURRENT  # the latest earlier version, not the 2013 one
    assert before["tm-2013"] == HISTORICAL
    assert before["new"] == NOT_YET_IN_FORCE  # a new law has no predecessor to keep
    # unchanged: laws in force, unparsable dates, repealed laws
    assert (before["civil"], before["odd"], before["gone"]) == (CURRENT, CURRENT, REPEALED)


def test_on_the_effective_date_the_revision_is_in_force():
    on = statuses_on(_versions(), D(2027, 1, 1))
    assert on["tm-2026"] == CURRENT
    assert on["tm-2019"] == HISTORICAL
    assert on["new"] == CURRENT


def test_laws_db_is_read_as_of_a_date(tmp_path: Path):
    db = tmp_path / "laws.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE laws (law_id TEXT PRIMARY KEY, law_name TEXT, doc_type TEXT, level TEXT,
            issuing_body TEXT, publish_date TEXT, effective_date TEXT, version_date TEXT,
            status TEXT, law_department TEXT);
        CREATE TABLE articles (id INTEGER PRIMARY KEY, law_id TEXT, law_name TEXT,
            law_department TEXT, level TEXT, status TEXT, chapter TEXT, section TEXT,
            article_no TEXT, article_no_arabic INTEGER, article_text TEXT, char_count INTEGER);
        INSERT INTO laws VALUES ('old', '中华人民共和国商标法', '法律', '法律', '', '2019-04-23',
            '1983-03-01', '2019-04-23', '历史版本', '民法商法');
        INSERT INTO laws VALUES ('new', '中华人民共和国商标法', '法律', '法律', '', '2026-06-26',
            '2027-01-01', '2026-06-26', '现行有效', '民法商法');
        INSERT INTO articles VALUES (1, 'old', '中华人民共和国商标法', '民法商法', '法律', '历史版本',
            NULL, NULL, '第十一条', 11, '下列标志不得作为商标注册：……', 10);
        INSERT INTO articles VALUES (2, 'new', '中华人民共和国商标法', '民法商法', '法律', '现行有效',
            NULL, NULL, '第十一条', 11, '申请商标注册，应当遵循诚实信用原则。', 10);
        """
    )
    conn.commit()
    conn.close()
    now = {r.id: r.status for r in iter_laws_db(db, as_of=D(2026, 12, 1))}
    assert now == {1: CURRENT, 2: NOT_YET_IN_FORCE}
    later = {r.id: r.status for r in iter_laws_db(db, as_of=D(2027, 1, 1))}
    assert later == {1: HISTORICAL, 2: CURRENT}
    # the status filter applies to the validity on that date
    assert [r.id for r in iter_laws_db(db, statuses=[CURRENT], as_of=D(2026, 12, 1))] == [1]


def test_the_shipped_corpus_on_2026_12_01():
    counts = Counter(
        (r.law_name, r.status)
        for r in iter_laws_db(
            law_names=["中华人民共和国商标法", "中华人民共和国民法典"], as_of=D(2026, 12, 1)
        )
    )
    assert counts[("中华人民共和国商标法", CURRENT)] == 73  # the 2019 text
    assert counts[("中华人民共和国商标法", NOT_YET_IN_FORCE)] == 87  # the 2026 revision
    assert counts[("中华人民共和国民法典", CURRENT)] == 1260
