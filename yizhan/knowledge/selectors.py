"""Reads of the statute corpus for the pages (public data: no jurisdiction scoping applies)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from yizhan.knowledge.models import Article, Law


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
