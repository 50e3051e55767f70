"""The system administrator's SMS pages: templates, signature, send log, opt-outs (``sms.manage_sms``)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.core.forms import apply_errors
from yizhan.sms import selectors, services
from yizhan.sms.forms import LogFilterForm, OptOutForm, SignatureForm, SmsTemplateForm
from yizhan.sms.models import PLACEHOLDERS, SmsStatus


def _counts(request: HttpRequest) -> list[tuple[str, str, int]]:
    counts = selectors.status_counts(request.user)
    return [(str(value), str(label), counts[value]) for value, label in SmsStatus.choices]


def _manager(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and allowed to manage SMS (the system administrator): else 403."""
    return login_required(permission_required(services.MANAGE_SMS, raise_exception=True)(view))


@_manager
def index(request: HttpRequest) -> HttpResponse:
    """The templates and the signature, with a preview of each message as the citizen reads it."""
    sign_name = selectors.sms_settings().sign_name
    sample = {
        "code": "3141-5926-5358",
        "org": "城关司法所",
        "url": "https://example.gov.cn/track",
        "date": "2026年3月2日",
        "hotline": "12348",
    }
    rows = []
    for template in selectors.sms_templates(request.user):
        preview = services.render(template.text, sample, sign_name)
        rows.append((template, preview, services.billed_parts(preview)))
    return render(
        request,
        "sms/index.html",
        {"rows": rows, "sign_name": sign_name, "counts": _counts(request)},
    )


@_manager
def template_edit(request: HttpRequest, code: str) -> HttpResponse:
    template = selectors.sms_template(request.user, code)
    if template is None:
        raise Http404(_("短信模板不存在。"))
    initial = {
        "name": template.name,
        "text": template.text,
        "provider_template_id": template.provider_template_id,
        "active": template.active,
        "approved": template.approved_at is not None,
    }
    form = SmsTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_template(template, actor=request.user, **form.cleaned_data)
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("短信模板“%(name)s”已保存。") % {"name": form.cleaned_data["name"]})
            return redirect("sms:index")
    status = 422 if form.errors else 200
    return render(
        request,
        "sms/template_form.html",
        {"form": form, "template": template, "placeholders": PLACEHOLDERS},
        status=status,
    )


@_manager
def signature(request: HttpRequest) -> HttpResponse:
    form = SignatureForm(request.POST or None, initial={"sign_name": selectors.sms_settings().sign_name})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.do_update_signature(form.cleaned_data["sign_name"], actor=request.user)
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("短信签名已保存为【%(sign)s】。") % {"sign": row.sign_name})
            return redirect("sms:index")
    status = 422 if form.errors else 200
    return render(request, "sms/signature_form.html", {"form": form}, status=status)


@_manager
def log(request: HttpRequest) -> HttpResponse:
    """The send log: masked phones, filtered by status and related matter."""
    form = LogFilterForm(request.GET or None)
    status = related = ""
    if form.is_bound and form.is_valid():
        status, related = form.cleaned_data["status"], form.cleaned_data["related"]
    rows = selectors.sms_log(request.user, status=status, related=related)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sms/log.html",
        {"form": form, "page": page, "query": query.urlencode(), "counts": _counts(request)},
    )


@_manager
def opt_outs(request: HttpRequest) -> HttpResponse:
    """Record an opt-out (the citizen asked in person or by phone, or replied TD) and list them."""
    form = OptOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opt_out = services.do_record_opt_out(
                form.cleaned_data["phone"],
                source=form.cleaned_data["source"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except InvalidInput as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("已登记退订：%(phone)s 不再收到短信。") % {"phone": opt_out.phone_mask}
            )
            return redirect("sms:opt_outs")
    page = Paginator(selectors.sms_opt_outs(request.user), 50).get_page(request.GET.get("page"))
    status = 422 if form.errors else 200
    return render(request, "sms/opt_outs.html", {"form": form, "page": page}, status=status)


@_manager
@require_POST
def opt_out_remove(request: HttpRequest, pk: int) -> HttpResponse:
    opt_out = selectors.sms_opt_outs(request.user).filter(pk=pk).first()
    if opt_out is None:
        raise Http404(_("退订记录不存在。"))
    try:
        services.do_remove_opt_out(opt_out, actor=request.user)
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("已撤销退订：%(phone)s 将重新收到短信。") % {"phone": opt_out.phone_mask})
    return redirect("sms:opt_outs")
