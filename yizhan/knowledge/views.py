"""Statute pages (public): search, law, article with its chapter, citation check; and the staff
intake triage partial. Thin: services and selectors do the work."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import REVIEW_CASE
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.forms import apply_errors
from yizhan.core.ratelimit import public_limit
from yizhan.knowledge import selectors, services
from yizhan.knowledge.models import FAQ_QUESTION_MAX, CaseStatus


class SearchForm(forms.Form):
    q = forms.CharField(label=_("您想了解什么法律问题？"), max_length=services.MAX_QUERY, required=False)
    law = forms.CharField(label=_("限定法律（可选）"), max_length=100, required=False)


class CitationForm(forms.Form):
    text = forms.CharField(
        label=_("粘贴要核对的文书内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=services.MAX_TEXT,
    )


def _one_box(request: HttpRequest, *, staff: bool) -> dict[str, Any]:
    """The search box of the public and the staff page: statutes, FAQ, cases (the staff page also
    shows the unpublished cases of the user's units) and the laws the question names."""
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "results": [], "searched": bool(q), "staff": staff}
    if not q:
        return context
    try:
        context["results"] = services.search(q, k=10, law=form.cleaned_data["law"] or None)
    except InvalidInput as error:
        apply_errors(form, error)
    context["named_laws"] = services.laws_named(q)
    context["faqs"] = selectors.published_faqs(q)[:5]
    if staff:
        context["cases"] = selectors.search_visible_cases(_staff(request), q)[:10]
    else:
        context["cases"] = selectors.published_cases(q)[:5]
        context["guide"] = services.guide(q)
    return context


@public_limit
def search(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/search.html", _one_box(request, staff=False))


@login_required
def staff_search(request: HttpRequest) -> HttpResponse:
    """The same box in the staff UI; cases include the drafts and submissions of the user's subtree."""
    return render(request, "knowledge/staff_search.html", _one_box(request, staff=True))


def law_index(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.law_list(q), 50).get_page(request.GET.get("page"))
    return render(request, "knowledge/laws.html", {"page": page, "q": q})


def law_detail(request: HttpRequest, law_id: str) -> HttpResponse:
    law = selectors.law_by_id(law_id)
    return render(
        request,
        "knowledge/law.html",
        {"law": law, "articles": selectors.law_articles(law), "versions": selectors.law_versions(law)},
    )


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
    if len(text) >= services.TRIAGE_MIN_CHARS:
        try:
            result = services.triage(text[: services.MAX_TEXT])
        except InvalidInput:
            result = None
    return render(request, "knowledge/_triage.html", {"result": result})


# --- typical cases -------------------------------------------------------------------------------------


class CaseForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("案情与处理"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("保存时自动去除姓名、身份证号、电话、住址等个人信息，请审核人再核对一遍。"),
    )


class CaseEditForm(CaseForm):
    statutes = forms.CharField(
        label=_("相关法条"),
        required=False,
        max_length=1000,
        help_text=_("如：《劳动法》第五十条、《民法典》第一千零八十五条。留空则按案情自动推荐。"),
    )


def _staff(request: HttpRequest) -> Any:
    return request.user


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    cases_qs = selectors.visible_cases(user).order_by("-created_at")
    status = request.GET.get("status") or ""
    if status:
        cases_qs = cases_qs.filter(status=status)
    page = Paginator(cases_qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "knowledge/cases.html", {"page": page, "status": status, "statuses": CaseStatus.choices}
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.do_create_case(
                title=form.cleaned_data["title"], body=form.cleaned_data["body"], actor=_staff(request)
            )
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已保存案例草稿，个人信息已自动去除。"))
            return redirect("knowledge_staff:case", pk=case.pk)
    return render(request, "knowledge/case_form.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_POST
def case_from_matter(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case = services.do_create_case_from_matter(number, actor=_staff(request))
    except NotFound as error:
        raise Http404(error.message) from error
    except (IllegalTransition, Forbidden) as error:
        messages.error(request, error.message)
        return redirect("matters:detail", number=number)
    messages.success(request, _("已根据事项生成案例草稿，请核对脱敏结果后报送。"))
    return redirect("knowledge_staff:case", pk=case.pk)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    try:
        case = selectors.access_case(user, pk)
    except NotFound as error:
        raise Http404(error.message) from error
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CaseEditForm(
        request.POST if action == "save" else None,
        initial={"title": case.title, "body": case.body, "statutes": selectors.statute_citations(case)},
    )
    if request.method == "POST":
        try:
            if action == "save" and form.is_valid():
                services.do_edit_case(
                    case,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    statutes=form.cleaned_data["statutes"],
                    actor=user,
                )
            elif action == "submit":
                services.do_submit_case(case, actor=user)
            elif action == "publish":
                services.do_publish_case(case, actor=user)
            elif action == "return":
                services.do_return_case(case, request.POST.get("reason", ""), actor=user)
            elif action != "save":
                raise Http404
        except NotFound as error:
            raise Http404(error.message) from error
        except (InvalidInput, IllegalTransition, Forbidden) as error:
            messages.error(request, error.message)
            if isinstance(error, InvalidInput):
                apply_errors(form, error)
        else:
            if not form.errors:
                messages.success(request, _("已完成。"))
                return redirect("knowledge_staff:case", pk=case.pk)
    return render(
        request,
        "knowledge/case.html",
        {
            "case": case,
            "removed": selectors.removed_summary(case),
            "form": form,
            "can_review": user.has_perm(REVIEW_CASE),
            "can_edit": case.status in (CaseStatus.DRAFT, CaseStatus.RETURNED)
            or (case.status == CaseStatus.SUBMITTED and user.has_perm(REVIEW_CASE)),
        },
    )


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month")) or timezone.localdate().replace(day=1)
    rows = selectors.monthly_counts(_staff(request), month)
    return render(request, "knowledge/monthly.html", {"rows": rows, "month": month})


class FaqForm(forms.Form):
    question = forms.CharField(
        label=_("问题"), max_length=FAQ_QUESTION_MAX, help_text=_("用群众的话写，如：老板拖欠工资怎么办？")
    )
    answer = forms.CharField(label=_("解答"), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)
    statutes = forms.CharField(
        label=_("依据法条"),
        required=False,
        max_length=1000,
        help_text=_("如：《劳动合同法》第三十条、《劳动法》第五十条。发布时必填。"),
    )
    published = forms.BooleanField(label=_("在门户网站和检索中发布"), required=False)


@login_required
def faq_list(request: HttpRequest) -> HttpResponse:
    try:
        faqs = selectors.manageable_faqs(_staff(request))
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    page = Paginator(faqs, 30).get_page(request.GET.get("page"))
    return render(request, "knowledge/faqs.html", {"page": page})


@login_required
def faq_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write or edit an FAQ entry; the statutes are given as citations and checked against the corpus."""
    user = _staff(request)
    try:
        faq = selectors.manageable_faqs(user).filter(pk=pk).first() if pk else None
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    if pk and faq is None:
        raise Http404(_("常见问题不存在。"))
    initial = (
        {
            "question": faq.question,
            "answer": faq.answer,
            "statutes": selectors.statute_citations(faq),
            "published": faq.published,
        }
        if faq
        else {}
    )
    form = FaqForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.do_save_faq_citing(
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
                citations=form.cleaned_data["statutes"],
                published=form.cleaned_data["published"],
                faq=faq,
                actor=user,
            )
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("已发布常见问题。") if saved.published else _("已保存常见问题（未发布）。")
            )
            return redirect("knowledge_staff:faqs")
    status = 422 if form.errors else 200
    return render(request, "knowledge/faq_form.html", {"form": form, "faq": faq}, status=status)


def public_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.published_cases().filter(pk=pk).first()
    if case is None:
        raise Http404(_("案例不存在。"))
    return render(request, "knowledge/public_case.html", {"case": case})


def _month(raw: str | None) -> datetime.date | None:
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return None
