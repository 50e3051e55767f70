"""Audit of logins, failed logins and logouts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.cache import bump_on_change


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(AuditAction.LOGIN, user, actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(AuditAction.LOGOUT, user, actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:64]
    audit.record(
        AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr=username, actor_label=username
    )


# roles or grants changed: cached permission sets are stale
_bump_perms = bump_on_change("perms")
m2m_changed.connect(_bump_perms, sender=User.groups.through, weak=False, dispatch_uid="yz-perms-user-groups")
m2m_changed.connect(
    _bump_perms, sender=User.user_permissions.through, weak=False, dispatch_uid="yz-perms-user"
)
m2m_changed.connect(_bump_perms, sender=Group.permissions.through, weak=False, dispatch_uid="yz-perms-group")
post_save.connect(_bump_perms, sender=User, weak=False, dispatch_uid="yz-perms-user-save")

# whether an account enrolled a second factor (asked by SecondFactorMiddleware on every request)
_bump_otp = bump_on_change("otp-devices")
post_save.connect(_bump_otp, sender=TOTPDevice, weak=False, dispatch_uid="yz-otp-device-save")
post_delete.connect(_bump_otp, sender=TOTPDevice, weak=False, dispatch_uid="yz-otp-device-delete")

# whether a unit has handler accounts (units without them are recorded for by their dispatcher)
_bump_orgs = bump_on_change("orgs")
post_save.connect(_bump_orgs, sender=User, weak=False, dispatch_uid="yz-orgs-user-save")
m2m_changed.connect(_bump_orgs, sender=User.groups.through, weak=False, dispatch_uid="yz-orgs-user-groups")
