"""Statute pages (public): search, law, article with its chapter, citation check; and the staff
intake triage partial. Thin: services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yizhan.core.errors import InvalidInput
from yizhan.core.ratelimit import public_limit
from yizhan.knowledge import selectors, services


class SearchForm(forms.Form):
    q = forms.CharField(label=_("您想了解什么法律问题？"), max_length=services.MAX_QUERY, required=False)
    law = forms.CharField(label=_("限定法律（可选）"), max_length=100, required=False)


class CitationForm(forms.Form):
    text = forms.CharField(
        label=_("粘贴要核对的文书内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=services.MAX_TEXT,
    )


@public_limit
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[dict[str, Any]] = []
    searched = False
    if form.is_valid() and form.cleaned_data["q"].strip():
        searched = True
        try:
            results = services.search(form.cleaned_data["q"], k=10, law=form.cleaned_data["law"] or None)
        except InvalidInput as error:
            for name, message in error.fields.items():
                form.add_error(name if name in form.fields else None, message)
    return render(request, "knowledge/search.html", {"form": form, "results": results, "searched": searched})


def law_index(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.law_list(q), 50).get_page(request.GET.get("page"))
    return render(request, "knowledge/laws.html", {"page": page, "q": q})


def law_detail(request: HttpRequest, law_id: str) -> HttpResponse:
    law = selectors.law_by_id(law_id)
    return render(request, "knowledge/law.html", {"law": law, "articles": selectors.law_articles(law)})


def article_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    article = selectors.article_by_source(source_id)
    prev, nxt = selectors.neighbours(article)
    return render(
        request,
        "knowledge/article.html",
        {
            "article": article,
            "law": article.law,
            "context": selectors.chapter_context(article),
            "prev": prev,
            "next": nxt,
        },
    )


@public_limit
def citations(request: HttpRequest) -> HttpResponse:
    form = CitationForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            found = services.check_citations(form.cleaned_data["text"])
        except InvalidInput as error:
            form.add_error("text", error.fields.get("text", error.message))
    return render(request, "knowledge/citations.html", {"form": form, "found": found})


@login_required
@require_POST
def intake_triage(request: HttpRequest) -> HttpResponse:
    """htmx: the triage of the facts typed so far on the window intake form."""
    text = " ".join(filter(None, (request.POST.get("title", ""), request.POST.get("facts", "")))).strip()
    result = None
    if len(text) >= 6:
        try:
            result = services.triage(text[: services.MAX_TEXT])
        except InvalidInput:
            result = None
    return render(request, "knowledge/_triage.html", {"result": result})
