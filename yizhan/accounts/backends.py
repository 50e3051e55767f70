"""Login with lockout: after N failed attempts the account is locked for M minutes (SPEC §12).

The count is kept by one atomic UPDATE per failure (no read-modify-write), so parallel guesses are all
counted; the per-address throttle of the login form is ``accounts.views`` (django-ratelimit).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.core.cache import cached


class LockoutModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """As Django's, but cached across requests (bumped when roles or grants change)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = cached(
                "perms",
                str(user_obj.pk),
                lambda: super(LockoutModelBackend, self).get_all_permissions(user_obj),
            )
        return user_obj._perm_cache

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle for usernames
            return None
        if user.is_locked:
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        record_failure(user.pk)
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        """Active accounts only, and never the system account (``accounts.services.system_user``)."""
        return super().user_can_authenticate(user) and not getattr(user, "is_system", False)


def record_failure(user_pk: int) -> None:
    """Count a failed login in the database itself; the failure that reaches the limit locks the
    account and starts the count again."""
    reaches = Q(failed_logins__gte=settings.LOCKOUT_MAX_FAILURES - 1)
    until = timezone.now() + datetime.timedelta(minutes=settings.LOCKOUT_MINUTES)
    User.objects.filter(pk=user_pk).update(
        failed_logins=Case(When(reaches, then=Value(0)), default=F("failed_logins") + 1),
        locked_until=Case(When(reaches, then=Value(until)), default=F("locked_until")),
    )
