"""Public pages (no login): home, track a matter by query code, rate the service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.errors import IllegalTransition, InvalidInput, NotFound
from yizhan.core.ratelimit import public_limit
from yizhan.legalaid.selectors import public_summary as legal_aid_summary
from yizhan.lib import querycode
from yizhan.matters import selectors, services
from yizhan.matters.public import public_status
from yizhan.orgs.models import OrgCategory
from yizhan.orgs.selectors import public_directory
from yizhan.portal.forms import RateForm, TrackForm


@public_limit
def home(request: HttpRequest) -> HttpResponse:
    points = public_directory().filter(category=OrgCategory.SERVICE_POINT).order_by("kind", "name")[:30]
    return render(request, "portal/home.html", {"form": TrackForm(), "points": points})


@public_limit
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = querycode.normalise(form.cleaned_data["code"])
        if querycode.is_well_formed(code):
            return redirect("portal:status", code=code)
        form.add_error("code", _("查询码有误，请核对后重新输入（12位数字）。"))
    return render(request, "portal/track.html", {"form": form}, status=422 if form.errors else 200)


@public_limit
def status(request: HttpRequest, code: str) -> HttpResponse:
    try:
        matter = selectors.matter_by_query_code(code)
    except NotFound as error:
        form = TrackForm(initial={"code": code})
        return render(request, "portal/track.html", {"form": form, "not_found": error.message}, status=404)
    return render(
        request,
        "portal/status.html",
        {
            "status": public_status(matter),
            "code": matter.query_code,
            "rate_form": RateForm(),
            "legal_aid": legal_aid_summary(matter),
        },
    )


@public_limit
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    form = RateForm(request.POST)
    try:
        matter = selectors.matter_by_query_code(code)
    except NotFound as error:
        return render(
            request, "portal/track.html", {"form": TrackForm(), "not_found": error.message}, status=404
        )
    if form.is_valid():
        adopted = {"yes": True, "no": False}.get(form.cleaned_data.get("advice_adopted") or "")
        try:
            services.do_rate_matter(
                code,
                satisfaction=form.cleaned_data["satisfaction"],
                advice_adopted=adopted,
                comment=form.cleaned_data["comment"],
            )
        except IllegalTransition as error:
            messages.error(request, error.message)
        except InvalidInput as error:
            for key, message in error.fields.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect("portal:status", code=matter.query_code)
    return render(
        request,
        "portal/status.html",
        {
            "status": public_status(matter),
            "code": matter.query_code,
            "rate_form": form,
            "legal_aid": legal_aid_summary(matter),
        },
        status=422 if form.errors else 200,
    )


def short(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code on the receipt points here: /t/<code>."""
    return redirect("portal:status", code=querycode.normalise(code))
