"""Statute search and the citation check over the imported corpus.

One process-wide searcher is built lazily from the imported articles (the engine keeps a tantivy
index on disk and rebuilds it only when the articles change); ``laws import`` refreshes it, and so
does the first search of a day on which a law's validity changed."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

import statute_engine
from statute_engine.dense import open_dense
from yizhan.core.errors import InvalidInput
from yizhan.knowledge import selectors
from yizhan.knowledge.models import Article, Law
from yizhan.knowledge.services.corpus import refresh_statuses

logger = logging.getLogger(__name__)

MAX_K = 50
MAX_QUERY = 500
MAX_TEXT = 20000

# --- the searcher -------------------------------------------------------------------------------------

_lock = threading.Lock()
_state: dict[str, Any] = {}


def reset() -> None:
    """Forget the process-wide searcher and lookups (after an import)."""
    with _lock:
        _state.clear()


def index_dir() -> Path:
    return Path(settings.STATUTE_INDEX_DIR)


#: at most this many article texts are embedded when a process opens the searcher (~25 s); more
#: (a laws.db upgrade imported with ``--no-index``) wait for ``yizhan laws import``
OPEN_EMBED_LIMIT = 2000


def _build(embed_limit: int | None = OPEN_EMBED_LIMIT) -> dict[str, Any]:
    as_of = timezone.localdate()
    refresh_statuses(as_of)
    built = {"as_of": as_of, "statuses": selectors.law_statuses()}
    recs = list(selectors.article_records())
    if not recs:
        return {
            "searcher": None,
            "lookup": statute_engine.RecordsLookup([]),
            "triager": statute_engine.Triager(),
            **built,
        }
    index = statute_engine.ensure_index(index_dir(), recs)
    dense = None
    if settings.STATUTE_SEARCH_DENSE:
        dense = open_dense(index, max_new=embed_limit)
    searcher = statute_engine.StatuteSearcher(index, dense=dense or False)
    return {
        "searcher": searcher,
        "lookup": statute_engine.RecordsLookup(recs),
        "triager": statute_engine.Triager(searcher),
        **built,
    }


def _get(name: str) -> Any:
    with _lock:
        today = timezone.localdate()
        if _state and _state["as_of"] != today:
            # a new day: a revision may have taken effect (here or already in another process's
            # refresh); rebuild only if the validities differ from those search was built with
            refresh_statuses(today)
            if selectors.law_statuses() != _state["statuses"]:
                _state.clear()
            else:
                _state["as_of"] = today
        if not _state:
            _state.update(_build())
        return _state[name]


def warm_search() -> None:
    """Build the searcher now (index, article vectors, question encoder: a few seconds) instead of
    in the first search request. Run in the background when a web worker starts (``yizhan serve``);
    a failure is logged and the first search tries again."""
    try:
        searcher()
    except Exception:
        logger.exception("statute search could not be prepared; the first search will try again")


def prepare_search() -> None:
    """Build the search index and embed every article text that has no vector yet (after an
    import; may take minutes for a new corpus), so that no request waits for either."""
    with _lock:
        _state.clear()
        _state.update(_build(embed_limit=None))


def searcher() -> statute_engine.StatuteSearcher | None:
    found: statute_engine.StatuteSearcher | None = _get("searcher")
    return found


def triager() -> statute_engine.Triager:
    """The triage classifier, blended with the searcher's statutes when there is a corpus."""
    found: statute_engine.Triager = _get("triager")
    return found


def _lookup() -> statute_engine.RecordsLookup:
    found: statute_engine.RecordsLookup = _get("lookup")
    return found


# --- search -------------------------------------------------------------------------------------------


def hit_dict(hit: statute_engine.Hit) -> dict[str, Any]:
    return {
        "law_name": hit.law_name,
        "article_no": hit.article_no,
        "article_label": hit.article_label,
        "text": hit.text,
        "score": round(float(hit.score), 4),
        "law_id": hit.law_id,
        "source_id": hit.id,
        "article_key": hit.article_key,
        "chapter": hit.chapter or "",
        "status": hit.status,
    }


def search(
    q: str,
    *,
    k: int = 10,
    law: str | None = None,
    department: str | None = None,
    include_repealed: bool = False,
) -> list[dict[str, Any]]:
    """Statutes for a keyword query or a colloquial question, best first."""
    q = (q or "").strip()
    errors = {}
    if not q:
        errors["q"] = _("请输入要查找的内容。")
    elif len(q) > MAX_QUERY:
        errors["q"] = _("查询内容不能超过%(n)d个字。") % {"n": MAX_QUERY}
    if not 1 <= k <= MAX_K:
        errors["k"] = _("k 应在1到%(n)d之间。") % {"n": MAX_K}
    if errors:
        raise InvalidInput(_("查询参数有误。"), fields=errors)
    s = searcher()
    if s is None:
        return []
    hits = s.search(
        q,
        k=k,
        law=law or None,
        department=department or None,
        status=None if include_repealed else statute_engine.IN_FORCE,
    )
    return [hit_dict(h) for h in hits]


def laws_named(q: str) -> list[Law]:
    """The laws a query names (民法典, 《劳动合同法》), in their in-force version: links to the full text."""
    s = searcher()
    if s is None or not (q or "").strip():
        return []
    return selectors.preferred_versions(s.laws_mentioned(q) or s.law_only(q))


# what a written case says that is no help for finding its statutes: parentheses (where the personal
# details usually stand), the anonymiser's markers, 【section headings】 and the parties' labels
CASE_NOISE = re.compile(
    r"[（(][^（）()]*[）)]|\[[^\]]*\]|【[^】]*】|×+|被?申请人|当事人|身份证号|联系电话|电话|住址"
)


def suggest_statutes(title: str, body: str, *, k: int = 3) -> list[dict[str, Any]]:
    """Statutes for a written case: the title and each sentence of the body are searched on their own
    and the rankings fused (reciprocal rank), which suits long narrative text better than one query."""
    sentences = [part.strip() for part in re.split(r"[。；;！？!?\n]", CASE_NOISE.sub("", body))]
    queries = [q for q in (title.strip(), *sentences) if len(q) >= 4][:8]
    fused: dict[int, float] = {}
    hits: dict[int, dict[str, Any]] = {}
    for query in queries:
        for rank, hit in enumerate(search(query[:MAX_QUERY], k=10)):
            fused[hit["source_id"]] = fused.get(hit["source_id"], 0.0) + 1.0 / (10 + rank)
            hits.setdefault(hit["source_id"], hit)
    best = sorted(fused, key=lambda source_id: -fused[source_id])[:k]
    return [hits[source_id] for source_id in best]


# --- citations ----------------------------------------------------------------------------------------


def check_citations(text: str) -> list[dict[str, Any]]:
    """Every 《X法》第N条 in ``text`` with its verdict: exists / article_not_found / law_not_in_corpus."""
    if not (text or "").strip():
        raise InvalidInput(_("请输入要核对的文本。"), fields={"text": _("请输入要核对的文本。")})
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("文本过长。"), fields={"text": _("不能超过%(n)d个字。") % {"n": MAX_TEXT}})
    out = []
    found = statute_engine.check_citations(text, _lookup())
    for c, article in zip(found, selectors.cited_articles(found), strict=True):
        out.append(
            {
                "raw": c.raw,
                "start": c.span[0],
                "end": c.span[1],
                "law": c.law_raw,
                "law_name": c.law_name,
                "article": c.article.number,
                "article_label": c.article.label,
                "verdict": c.verdict,
                "max_article": c.max_article,
                "in_force": c.in_force,
                "message": c.message,
                "note": c.note,
                "source_id": article.source_id if article else None,
            }
        )
    return out


def articles_for_citations(text: str) -> tuple[list[Article], list[str]]:
    """The corpus articles cited in ``text`` (《劳动法》第五十条、民法典第1085条 …), in order and without
    repeats, and the citations that name no article of the corpus. An article cited in several versions
    resolves to the in-force one, else to the latest."""
    found: list[Article] = []
    unknown: list[str] = []
    citations = statute_engine.check_citations(text, _lookup())
    for c, article in zip(citations, selectors.cited_articles(citations), strict=True):
        if article is None:
            unknown.append(c.raw)
        elif article not in found:
            found.append(article)
    return found, unknown
