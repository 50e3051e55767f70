"""Knowledge services: import the statute corpus, search it, check citations, triage free text.

One process-wide searcher is built lazily from the imported articles (the engine keeps a tantivy
index on disk and rebuilds it only when the articles change); ``laws import`` refreshes it."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import statute_engine as engine
from statute_engine.corpus import default_db_path, short_law_name
from statute_engine.dense import open_dense
from yizhan.core.errors import InvalidInput
from yizhan.knowledge.models import Article, CorpusImport, Law

logger = logging.getLogger(__name__)

MAX_K = 50
MAX_QUERY = 500
MAX_TEXT = 20000


# --- import -----------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    laws: int
    articles: int
    created: int
    updated: int
    skipped: bool


def _fingerprint(path: Path, law_names: list[str] | None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    digest.update(repr(sorted(law_names or [])).encode())
    return digest.hexdigest()


def import_corpus(
    db_path: str | Path | None = None, *, law_names: Iterable[str] | None = None, force: bool = False
) -> ImportResult:
    """Import laws.db (idempotent): new rows are created, changed rows updated, nothing duplicated.
    Skipped entirely when the same file (and law filter) was imported before, unless ``force``."""
    path = Path(db_path) if db_path else default_db_path()
    names = sorted(law_names) if law_names is not None else None
    fingerprint = _fingerprint(path, names)
    last = CorpusImport.objects.first()
    if not force and last is not None and last.fingerprint == fingerprint:
        return ImportResult(last.laws, last.articles, 0, 0, skipped=True)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = (
            "SELECT law_id, law_name, COALESCE(doc_type,''), COALESCE(level,''), COALESCE(issuing_body,''), "
            "COALESCE(law_department,''), COALESCE(status,''), COALESCE(publish_date,''), "
            "COALESCE(effective_date,''), COALESCE(version_date,'') FROM laws"
        )
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    if names is not None:
        rows = [r for r in rows if r[1] in names]
    created = updated = 0
    with transaction.atomic():
        existing = {law.law_id: law for law in Law.objects.all()}
        new_laws, changed_laws = [], []
        fields = (
            "name",
            "doc_type",
            "level",
            "issuing_body",
            "department",
            "source_status",
            "publish_date",
            "effective_date",
            "version_date",
        )
        for law_id, name, *rest in rows:
            values = dict(zip(fields, (name, *rest), strict=True))
            values["short_name"] = short_law_name(name)
            law = existing.get(law_id)
            if law is None:
                new_laws.append(Law(law_id=law_id, **values))
            elif any(getattr(law, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(law, k, v)
                changed_laws.append(law)
        Law.objects.bulk_create(new_laws, batch_size=500)
        Law.objects.bulk_update(changed_laws, [*fields, "short_name"], batch_size=500)
        created += len(new_laws)
        updated += len(changed_laws)
        law_pk = dict(Law.objects.values_list("law_id", "pk"))
        current = {
            a.source_id: a
            for a in Article.objects.only(
                "source_id", "law_id", "chapter", "section", "label", "number", "text"
            )
        }
        new_articles, changed_articles = [], []
        count = 0
        for rec in engine.iter_laws_db(path, law_names=names):
            if rec.law_id not in law_pk:
                continue
            count += 1
            values = {
                "law_id": law_pk[rec.law_id],
                "chapter": rec.chapter or "",
                "section": rec.section or "",
                "label": rec.article_no,
                "number": rec.article_no_arabic,
                "text": rec.text,
            }
            article = current.get(rec.id)
            if article is None:
                new_articles.append(Article(source_id=rec.id, **values))
            elif any(getattr(article, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(article, k, v)
                changed_articles.append(article)
        Article.objects.bulk_create(new_articles, batch_size=2000)
        Article.objects.bulk_update(
            changed_articles, ["law_id", "chapter", "section", "label", "number", "text"], batch_size=2000
        )
        created += len(new_articles)
        updated += len(changed_articles)
        refresh_statuses()
        CorpusImport.objects.create(
            fingerprint=fingerprint,
            source=str(path),
            laws=len(rows),
            articles=count,
            created=created,
            updated=updated,
        )
        transaction.on_commit(reset)
    return ImportResult(len(rows), count, created, updated, skipped=False)


def refresh_statuses(as_of: datetime.date | None = None) -> int:
    """Set each law's validity on ``as_of`` (default: today) from laws.db's label and the dates
    (:func:`engine.statuses_on`: a version taking effect later is 尚未生效 until then, and the
    version it replaces stays in force). Returns how many laws changed."""
    as_of = as_of or timezone.localdate()
    laws = list(
        Law.objects.only("law_id", "name", "status", "source_status", "effective_date", "version_date")
    )
    valid = engine.statuses_on(
        (
            engine.LawVersion(x.law_id, x.name, x.source_status, x.effective_date, x.version_date)
            for x in laws
        ),
        as_of,
    )
    changed = []
    for law in laws:
        if law.status != valid[law.law_id]:
            law.status = valid[law.law_id]
            changed.append(law)
    Law.objects.bulk_update(changed, ["status"], batch_size=500)
    return len(changed)


# --- the searcher -------------------------------------------------------------------------------------

_lock = threading.Lock()
_state: dict[str, Any] = {}


def reset() -> None:
    """Forget the process-wide searcher and lookups (after an import)."""
    with _lock:
        _state.clear()


def records() -> Iterator[engine.ArticleRecord]:
    """The imported articles as the engine's records."""
    qs = Article.objects.select_related("law").order_by("source_id")
    for a in qs.iterator(chunk_size=4000):
        yield engine.ArticleRecord(
            id=a.source_id,
            law_id=a.law.law_id,
            law_name=a.law.name,
            law_department=a.law.department or None,
            status=a.law.status,
            chapter=a.chapter or None,
            section=a.section or None,
            article_no=a.label,
            article_no_arabic=a.number,
            text=a.text,
            doc_type=a.law.doc_type,
        )


def index_dir() -> Path:
    return Path(settings.STATUTE_INDEX_DIR)


#: at most this many article texts are embedded when a process opens the searcher (~25 s); more
#: (a laws.db upgrade imported with ``--no-index``) wait for ``yizhan laws import``
OPEN_EMBED_LIMIT = 2000


def _law_statuses() -> dict[str, str]:
    return dict(Law.objects.values_list("law_id", "status"))


def _build(embed_limit: int | None = OPEN_EMBED_LIMIT) -> dict[str, Any]:
    as_of = timezone.localdate()
    refresh_statuses(as_of)
    built = {"as_of": as_of, "statuses": _law_statuses()}
    recs = list(records())
    if not recs:
        return {"searcher": None, "lookup": engine.RecordsLookup([]), "triager": engine.Triager(), **built}
    index = engine.ensure_index(index_dir(), recs)
    dense = None
    if settings.STATUTE_SEARCH_DENSE:
        dense = open_dense(index, max_new=embed_limit)
    searcher = engine.StatuteSearcher(index, dense=dense or False)
    return {
        "searcher": searcher,
        "lookup": engine.RecordsLookup(recs),
        "triager": engine.Triager(searcher),
        **built,
    }


def _get(name: str) -> Any:
    with _lock:
        today = timezone.localdate()
        if _state and _state["as_of"] != today:
            # a new day: a revision may have taken effect (here or already in another process's
            # refresh); rebuild only if the validities differ from those search was built with
            refresh_statuses(today)
            if _law_statuses() != _state["statuses"]:
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


def searcher() -> engine.StatuteSearcher | None:
    return _get("searcher")


def hit_dict(hit: engine.Hit) -> dict[str, Any]:
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
        status=None if include_repealed else engine.IN_FORCE,
    )
    return [hit_dict(h) for h in hits]


def laws_named(q: str) -> list[Law]:
    """The laws a query names (民法典, 《劳动合同法》), in their in-force version: links to the full text."""
    s = searcher()
    if s is None or not (q or "").strip():
        return []
    names = s.laws_mentioned(q) or s.law_only(q)
    best: dict[str, Law] = {}
    for law in sorted(Law.objects.filter(name__in=names), key=_version_rank):
        best[law.name] = law  # the last is the preferred version
    return [best[name] for name in names if name in best]


def _version_rank(law: Law) -> tuple[bool, str]:
    """Orders the versions of a law: the in-force one last, else the latest."""
    return (law.status in engine.IN_FORCE, law.version_date)


def _cited_articles(citations: list[engine.Citation]) -> list[Article | None]:
    """The corpus article each citation names (None where it names none), in one query: of several
    versions of the law the one in force, else the latest."""
    wanted = {(c.law_name, c.article.label) for c in citations if c.verdict == "exists"}
    cond = Q()
    for law_name, label in wanted:
        cond |= Q(law__name=law_name, label=label)
    best: dict[tuple[str, str], Article] = {}
    if wanted:
        rows = Article.objects.filter(cond).select_related("law")
        for article in sorted(rows, key=lambda a: (_version_rank(a.law), a.source_id)):
            best[(article.law.name, article.label)] = article
    return [best.get((c.law_name, c.article.label)) if c.verdict == "exists" else None for c in citations]


def check_citations(text: str) -> list[dict[str, Any]]:
    """Every 《X法》第N条 in ``text`` with its verdict: exists / article_not_found / law_not_in_corpus."""
    if not (text or "").strip():
        raise InvalidInput(_("请输入要核对的文本。"), fields={"text": _("请输入要核对的文本。")})
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("文本过长。"), fields={"text": _("不能超过%(n)d个字。") % {"n": MAX_TEXT}})
    out = []
    found = engine.check_citations(text, _get("lookup"))
    for c, article in zip(found, _cited_articles(found), strict=True):
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
    citations = engine.check_citations(text, _get("lookup"))
    for c, article in zip(citations, _cited_articles(citations), strict=True):
        if article is None:
            unknown.append(c.raw)
        elif article not in found:
            found.append(article)
    return found, unknown


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


# Cues in the citizen's words that decide which claim of 法律援助法第三十一条 a domain stands for.
MIGRANT_CUES = ("农民工", "工地", "务工", "打工")
WORK_INJURY_CUES = ("工伤",)
SOCIAL_INSURANCE_CUES = ("社保", "社会保险", "养老保险", "医疗保险", "失业保险", "低保", "社会救助")
SUPPORT_CUES = ("抚养费", "赡养费", "扶养费", "抚养", "赡养", "扶养", "生活费")
VIOLENCE_CUES = ("家暴", "家庭暴力", "虐待", "遗弃")
# 第三十一条第七项 covers injuries from work, traffic, food and drug safety and medical accidents only
INJURY_CUES = (
    "工伤",
    "车祸",
    "交通事故",
    "被车",
    "撞车",
    "食物中毒",
    "食品安全",
    "假药",
    "药品",
    "医疗事故",
)
POLLUTION_CUES = ("污染", "排污", "生态破坏")
POLLUTION_DOMAINS = frozenset({"侵权", "人身损害", "土地纠纷", "综合咨询"})


def _mentions(text: str, cues: tuple[str, ...]) -> bool:
    return any(cue in text for cue in cues)


def legal_aid_facts(domain: str, text: str) -> dict[str, Any] | None:
    """The facts of the legal-aid contract (SPEC §5) that a triaged description supports, or None when
    its domain matches no claim of 法律援助法第三十一条 (or 第三十二条第四项 for domestic violence)."""
    claim: str | None = None
    circumstances: list[str] = []
    if domain == "劳动纠纷":
        if _mentions(text, WORK_INJURY_CUES):
            claim = "personal_injury_compensation"
        elif _mentions(text, SOCIAL_INSURANCE_CUES):
            claim = "social_insurance_or_assistance"
        else:
            claim = "labor_relation_or_wages"
    elif domain == "婚姻家庭":
        if _mentions(text, SUPPORT_CUES):
            claim = "support_payment"
        if _mentions(text, VIOLENCE_CUES):
            circumstances = ["abuse_abandonment_or_domestic_violence_victim"]
            claim = claim or "other"
    elif domain in ("交通事故", "医疗纠纷") or (domain == "人身损害" and _mentions(text, INJURY_CUES)):
        claim = "personal_injury_compensation"
    elif domain in POLLUTION_DOMAINS and _mentions(text, POLLUTION_CUES):
        claim = "environmental_damage"
    if claim is None:
        return None
    facts: dict[str, Any] = {"proceeding": "civil", "claim": claim}
    if circumstances:
        facts["circumstances"] = circumstances
    migrant_claim = claim == "labor_relation_or_wages" or _mentions(text, WORK_INJURY_CUES)
    if migrant_claim and _mentions(text, MIGRANT_CUES):
        facts["groups"] = ["migrant_worker"]
    return facts


def legal_aid_hint(domain: str, text: str) -> dict[str, Any] | None:
    """The eligibility engine's public answer for the facts the description supports (and those
    facts), or None. Never fails the triage: an error of the legal-aid module is logged."""
    facts = legal_aid_facts(domain, text)
    if facts is None:
        return None
    try:
        from yizhan.legalaid.eligibility import public

        return {"facts": facts, **public(facts)}
    except Exception:
        logger.exception("legal-aid hint failed for %s", facts)
        return None


def institution_label(code: str) -> str:
    """The institution type of the triage (an ``OrgKind`` code) in Chinese."""
    from yizhan.orgs.models import OrgKind

    if code in OrgKind.values:
        return str(OrgKind(code).label)
    return _("其他部门")


# a description shorter than this is a keyword, not a matter to triage (the intake form and the portal)
TRIAGE_MIN_CHARS = 6


def guide(q: str) -> dict[str, Any] | None:
    """The triage of a citizen's question for the portal's search page (办事指引): what kind of matter
    it is, where to go, whether legal aid may apply. None for keywords or a law's name."""
    s = searcher()
    if len(q.strip()) < TRIAGE_MIN_CHARS or len(q) > MAX_TEXT or s is None or s.law_only(q):
        return None
    return triage(q)


def triage(text: str) -> dict[str, Any]:
    """Free text → legal domain with scores, service and institution type, statutes, legal-aid hint."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请输入事项描述。"), fields={"text": _("请输入事项描述。")})
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("文本过长。"), fields={"text": _("不能超过%(n)d个字。") % {"n": MAX_TEXT}})
    result = _get("triager").triage(text, k=5)
    hint = legal_aid_hint(result.domain, text)
    return {
        "domain": result.domain,
        "domain_scores": {
            d: round(float(p), 4) for d, p in sorted(result.scores.items(), key=lambda x: -x[1])
        },
        "service_type": result.service_type,
        "institution_type": result.institution_type,
        "institution_label": institution_label(result.institution_type),
        "external_department": result.external_department,
        "reasons": list(result.reasons),
        "statutes": [hit_dict(h) for h in result.statutes[:5]],
        "legal_aid_hint": hint,
    }
