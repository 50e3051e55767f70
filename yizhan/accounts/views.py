"""Staff login: the password (throttled per client address, lockout per account), then — for the
accounts that need it — a code from an authenticator app (TOTP), enrolled on first use."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_ratelimit.decorators import ratelimit

from yizhan.accounts import second_factor
from yizhan.accounts.forms import LoginForm
from yizhan.accounts.middleware import is_administrator
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction

F = TypeVar("F", bound=forms.Form)


def login_rate(group: str, request: HttpRequest) -> str:
    return settings.LOGIN_RATE


throttled = ratelimit(key="ip", rate=login_rate, method="POST", group="login", block=False)
TOO_MANY = gettext_lazy("尝试次数过多，请一分钟后再试。")


def _throttled(form: F) -> F:
    """``form`` showing only the throttle's message (without validating it: validating the login
    form would check the password, which a throttled attempt must not reach)."""
    form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([str(TOO_MANY)])})  # type: ignore[attr-defined]
    return form


def _landing(request: HttpRequest) -> str:
    """Where a staff member goes after signing in: ``next`` if safe, else their start page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/admin/" if is_administrator(request.user) else resolve_url(settings.LOGIN_REDIRECT_URL)


@method_decorator(throttled, name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "limited", False):
            form = _throttled(self.authentication_form(request))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return _landing(self.request)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = "/staff/"


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": gettext_lazy("请输入身份验证器上显示的6位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _refuse(request: HttpRequest, form: CodeForm) -> None:
    form.add_error("code", _("验证码不正确或已过期，请输入身份验证器上当前显示的6位数字。"))
    user: Any = request.user
    audit.record(AuditAction.LOGIN_FAILED, user, actor=user, changes={"second_factor": "totp"})


@login_required
@throttled
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: the code of the enrolled authenticator."""
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect_with_next("accounts:otp_setup", request)
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_landing(request))
    form = CodeForm(request.POST or None)
    status = 200
    if getattr(request, "limited", False):
        form, status = _throttled(CodeForm()), 429
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            otp_login(request, device)
            return HttpResponseRedirect(_landing(request))
        _refuse(request, form)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)}, status=status)


@login_required
@throttled
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, type the first code. An account that already
    has one must give its code first (a password alone never replaces a device)."""
    user = request.user
    if second_factor.confirmed_device(user) is not None and not user.is_verified():  # type: ignore[union-attr]
        return redirect_with_next("accounts:otp_verify", request)
    device = second_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    status = 200
    if getattr(request, "limited", False):
        form, status = _throttled(CodeForm()), 429
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save()
            audit.record(AuditAction.CREATE, device, actor=user, changes={"second_factor": "totp"})
            otp_login(request, device)
            return HttpResponseRedirect(_landing(request))
        _refuse(request, form)
    context = {
        "form": form,
        "qr": second_factor.qr_data_uri(device),
        "secret": second_factor.secret_base32(device),
        "required": second_factor.requires_second_factor(user),
        "next": _next(request),
    }
    return render(request, "accounts/otp_setup.html", context, status=status)


def _next(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def redirect_with_next(name: str, request: HttpRequest) -> HttpResponse:
    response = redirect(name)
    target = _next(request)
    if target:
        from urllib.parse import urlencode

        response["Location"] += "?" + urlencode({"next": target})
    return response
