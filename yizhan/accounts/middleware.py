"""Two doors of the staff side: the second factor, and the separation of duties.

``SecondFactorMiddleware``: an account that needs a second factor (``accounts.second_factor``) and
has not given one in this session reaches only the pages that ask for it (and logout); pages answer
a redirect, the API 401.

``SeparationOfDutiesMiddleware``: the three administrators (and a superuser) never open business
records — matters, legal-aid cases, ledgers, the staff API — whatever their unit's jurisdiction.

Every path under ``/staff/`` and ``/api/`` is refused to them except those in
``roles.ADMINISTRATOR_PATHS`` (the administration screens, the calendar, the directory, the API
documentation); public pages stay public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.core.cache import cached
from yizhan.core.http.errors import error_response

GUARDED = ("/staff/", "/api/")


def role_codes(user: Any) -> frozenset[str]:
    """The user's roles, cached with the permission sets (bumped when grants change)."""
    return frozenset(
        cached("perms", f"roles:{user.pk}", lambda: sorted(user.groups.values_list("name", flat=True)))
    )


def is_administrator(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or role_codes(user) & set(roles.ADMINISTRATOR_ROLES))


class SeparationOfDutiesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            path.startswith(GUARDED)
            and not path.startswith(roles.ADMINISTRATOR_PATHS)
            and is_administrator(request.user)
        ):
            message = _("三员分立：系统管理员、安全保密管理员、安全审计员不能查看业务数据。")
            if path.startswith("/api/"):
                return error_response(403, "forbidden", message)
            return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecondFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware`` (which sets ``user.is_verified()``)."""

    OPEN = ("/accounts/otp/", "/accounts/logout/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from yizhan.accounts.second_factor import confirmed_device, requires_second_factor

        user = request.user
        if (
            getattr(user, "is_authenticated", False)
            and not request.path.startswith(self.OPEN)
            and not user.is_verified()  # type: ignore[union-attr]
            and requires_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                return error_response(401, "second_factor_required", _("请先在网页上完成双因素验证。"))
            target = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_setup"
            return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)
