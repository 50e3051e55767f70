"""Reads of the knowledge app.

* The statute corpus (public data: no jurisdiction scoping applies): laws, articles, versions, the
  imported articles as the engine's records, the articles a text cites.
* Typical cases: staff see the cases of their unit's subtree in any state, everyone the published
  ones; monthly submission counts.
* FAQ entries: the published ones for everyone, all of them for those who edit them.

Writes are in :mod:`yizhan.knowledge.services`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from statute_engine import IN_FORCE, ArticleRecord, Citation
from statute_engine.tokenize import get_analyzer
from yizhan.accounts.models import User
from yizhan.accounts.roles import MANAGE_FAQ
from yizhan.core.errors import Forbidden, NotFound
from yizhan.knowledge.models import Article, CaseStatus, Faq, Law, TypicalCase
from yizhan.orgs.selectors import subtree_ids

# --- the statute corpus ------------------------------------------------------------------------------


def law_by_id(law_id: str) -> Law:
    law = Law.objects.filter(law_id=law_id).first()
    if law is None:
        raise Http404(_("没有这部法律法规。"))
    return law


def article_by_source(source_id: int) -> Article:
    article = Article.objects.select_related("law").filter(source_id=source_id).first()
    if article is None:
        raise Http404(_("没有这一条。"))
    return article


def law_versions(law: Law) -> list[Law]:
    """The other versions of the same law in the corpus, newest first."""
    return list(Law.objects.filter(name=law.name).exclude(pk=law.pk).order_by("-version_date"))


def law_articles(law: Law) -> QuerySet[Article]:
    return law.articles.order_by("source_id")


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    siblings = Article.objects.filter(law_id=article.law_id)
    prev = siblings.filter(source_id__lt=article.source_id).order_by("-source_id").first()
    nxt = siblings.filter(source_id__gt=article.source_id).order_by("source_id").first()
    return prev, nxt


def chapter_context(article: Article) -> QuerySet[Article]:
    """The other articles of the same chapter (and section), for reading an article in context."""
    return Article.objects.filter(
        law_id=article.law_id, chapter=article.chapter, section=article.section
    ).order_by("source_id")


def law_list(q: str = "") -> QuerySet[Law]:
    qs = Law.objects.all()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("department", "name")


def law_statuses() -> dict[str, str]:
    """Each law version's validity today, by laws.db id."""
    return dict(Law.objects.values_list("law_id", "status"))


def article_records() -> Iterator[ArticleRecord]:
    """The imported articles as the engine's records (search is built from these)."""
    qs = Article.objects.select_related("law").order_by("source_id")
    for a in qs.iterator(chunk_size=4000):
        yield ArticleRecord(
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


def _version_rank(law: Law) -> tuple[bool, str]:
    """Orders the versions of a law: the in-force one last, else the latest."""
    return (law.status in IN_FORCE, law.version_date)


def preferred_versions(names: Iterable[str]) -> list[Law]:
    """The laws of these names, one version each (the one in force, else the latest), in the
    order of ``names``."""
    names = list(names)
    best: dict[str, Law] = {}
    for law in sorted(Law.objects.filter(name__in=names), key=_version_rank):
        best[law.name] = law  # the last is the preferred version
    return [best[name] for name in names if name in best]


def cited_articles(citations: list[Citation]) -> list[Article | None]:
    """The corpus article each checked citation names (None where it names none), in one query: of
    several versions of the law the one in force, else the latest."""
    wanted = {
        (c.law_name, c.article.label) for c in citations if c.verdict == "exists" and c.law_name is not None
    }
    cond = Q()
    for law_name, label in wanted:
        cond |= Q(law__name=law_name, label=label)
    best: dict[tuple[str, str], Article] = {}
    if wanted:
        rows = Article.objects.filter(cond).select_related("law")
        for article in sorted(rows, key=lambda a: (_version_rank(a.law), a.source_id)):
            best[(article.law.name, article.label)] = article
    return [
        best.get((c.law_name, c.article.label)) if c.verdict == "exists" and c.law_name is not None else None
        for c in citations
    ]


def statute_citations(item: TypicalCase | Faq) -> str:
    """A case's or FAQ's statutes as the text the edit form shows (《劳动法》第五十条、…)."""
    return "、".join(f"《{a.law.short_name}》{a.label}" for a in item.statutes.select_related("law"))


# --- matching FAQ entries and cases to a question -------------------------------------------------------


def keywords(q: str) -> list[str]:
    """Search words of a question, at most eight: the statute search's analyzer (legal dictionary,
    stopwords such as 怎么办 / 可以 removed), two characters or more."""
    return list(dict.fromkeys(w for w in get_analyzer().query_words(q) if len(w) >= 2))[:8]


def _matching(qs: QuerySet[Any], heading: str, text: str, q: str, *then: str) -> QuerySet[Any]:
    """Rows where a keyword of ``q`` occurs, most relevant first: each keyword found counts one, and
    one more when it is in the heading (title / question); ties by ``then``. Without keywords (a
    question of stopwords only) nothing matches."""
    words = keywords(q)
    if not words:
        return qs.none()
    found = Q()
    relevance: Any = Value(0)
    for word in words:
        in_heading = Q(**{f"{heading}__icontains": word})
        in_text = Q(**{f"{text}__icontains": word})
        found |= in_heading | in_text
        relevance = relevance + Case(When(in_heading | in_text, then=Value(1)), default=Value(0))
        relevance = relevance + Case(When(in_heading, then=Value(1)), default=Value(0))
    return qs.filter(found).annotate(relevance=relevance).order_by("-relevance", *then)


# --- typical cases -----------------------------------------------------------------------------------

REMOVED_LABELS = {
    "id_card": gettext_lazy("身份证号"),
    "phone": gettext_lazy("手机号"),
    "landline": gettext_lazy("固定电话"),
    "bank_card": gettext_lazy("银行卡号"),
    "email": gettext_lazy("电子邮箱"),
    "address": gettext_lazy("住址"),
    "name": gettext_lazy("姓名"),
}


def removed_summary(case: TypicalCase) -> str:
    """已自动去除：姓名 2 处、手机号 1 处 (what kinds of personal data were replaced, never the values)."""
    return "、".join(
        _("%(kind)s %(n)d 处") % {"kind": REMOVED_LABELS.get(kind, kind), "n": n}
        for kind, n in case.removed.items()
    )


def units_of(user: User) -> frozenset[int]:
    """The units whose cases a staff member sees in any state: their unit's subtree."""
    return subtree_ids(user.unit_id) if user.unit_id else frozenset()


def visible_cases(user: User) -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(
        Q(unit_id__in=units_of(user)) | Q(status=CaseStatus.PUBLISHED)
    ).select_related("unit", "domain", "created_by")


def access_case(user: User, pk: int) -> TypicalCase:
    case = visible_cases(user).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("案例不存在。"))
    return case


def published_cases(q: str = "") -> QuerySet[TypicalCase]:
    qs = TypicalCase.objects.filter(status=CaseStatus.PUBLISHED).select_related("domain")
    if q.strip():
        return _matching(qs, "title", "body", q, "-published_at")
    return qs.order_by("-published_at")


def search_visible_cases(user: User, q: str) -> QuerySet[TypicalCase]:
    """The staff search box: cases of the user's subtree in any state, and published cases."""
    return _matching(visible_cases(user), "title", "body", q, "-created_at")


def monthly_counts(user: User, month: datetime.date) -> list[dict[str, Any]]:
    """Cases submitted in ``month`` per unit of the user's subtree (for the city's monthly report)."""
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    rows = (
        TypicalCase.objects.filter(
            unit_id__in=units_of(user), submitted_at__date__gte=start, submitted_at__date__lt=end
        )
        .values("unit_id", "unit__name")
        .annotate(submitted=Count("id"), published=Count("id", filter=Q(status=CaseStatus.PUBLISHED)))
        .order_by("unit__name")
    )
    return [
        {
            "unit_id": r["unit_id"],
            "unit": r["unit__name"],
            "submitted": r["submitted"],
            "published": r["published"],
        }
        for r in rows
    ]


# --- FAQ -----------------------------------------------------------------------------------------------


def manageable_faqs(actor: User) -> QuerySet[Faq]:
    """Every FAQ entry, drafts included, for those who edit them."""
    if not actor.has_perm(MANAGE_FAQ):
        raise Forbidden(_("您的账号没有编辑常见问题的权限。"))
    return Faq.objects.select_related("updated_by").order_by("-updated_at")


def published_faqs(q: str = "") -> QuerySet[Faq]:
    qs = Faq.objects.filter(published=True)
    if q.strip():
        return _matching(qs, "question", "answer", q, "question")
    return qs
