"""Account services: role grants within the policy of 三员分立, API tokens, the system account.

``user_for_api_token`` is named in ``settings.API_TOKEN_AUTHENTICATOR``; ``system_user`` is the actor
of scheduled jobs (STYLE §18: the system acts as itself, never under a person's name).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import ApiToken, User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction

SYSTEM_USERNAME = "__system__"


def user_for_api_token(raw: str) -> User | None:
    """The user an active API token stands for, or ``None`` (unknown, revoked, expired, inactive)."""
    token = ApiToken.authenticate(raw)
    return token.user if token is not None else None


def system_user() -> User:
    """The account scheduled jobs act as: audit rows and matter events show 系统.

    It cannot sign in (inactive, no usable password, refused by the login backend and by token
    authentication), holds no role, and the security administrator cannot see or change it. Services
    that let the system take an automatic step (a period that ran out) check ``actor.is_system``
    instead of a role and a unit."""
    user = User.objects.filter(is_system=True).first()
    if user is not None:
        return user
    user = User(username=SYSTEM_USERNAME, full_name=_("系统"), is_system=True, is_active=False)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # another process created it meanwhile (the unique constraint)
        return User.objects.get(is_system=True)
    return user


def is_system(actor: Any) -> bool:
    return bool(getattr(actor, "is_system", False))


@transaction.atomic
def do_grant_roles(user: User, codes: Iterable[str], *, actor: User) -> User:
    """Set ``user``'s roles to ``codes`` (the security administrator's one way of granting rights):
    checked against the policy (``roles.check_grant``), recorded as ``grant`` with the roles before
    and after; ``is_staff`` follows the roles (the administration screens are for the roles that
    work there)."""
    wanted = set(codes)
    if user.is_system:
        raise roles.GrantRefused(_("系统账号不能授权。"))
    roles.check_grant(
        actor_pk=actor.pk, target_pk=user.pk, target_is_superuser=user.is_superuser, codes=wanted
    )
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = sorted(locked.groups.values_list("name", flat=True))
    after = sorted(wanted)
    if before != after:
        locked.groups.set(Group.objects.filter(name__in=wanted))
        audit.record(AuditAction.GRANT, locked, actor=actor, changes={"roles": [before, after]})
    is_staff = bool(wanted & set(roles.ADMIN_SITE_ROLES))
    if locked.is_staff != is_staff or locked.user_permissions.exists():
        locked.is_staff = is_staff
        locked.save(update_fields=["is_staff"])
        locked.user_permissions.clear()  # rights come from roles only
    user.refresh_from_db()
    user.__dict__.pop("role_codes", None)
    return user


def may_hold_token(user: User) -> bool:
    return not (user.is_system or user.is_superuser or user.is_administrator or not user.is_active)


@transaction.atomic
def do_issue_token(
    user: User, name: str, *, days: int | None = None, actor: Any = None
) -> tuple[ApiToken, str]:
    """Issue a token (shown once) for an integration client or a staff account, never for an
    administrator, a superuser or the system account."""
    if not may_hold_token(user):
        raise roles.GrantRefused(_("管理员、超级用户、系统账号和停用的账号不能持有接口令牌。"))
    token, raw = ApiToken.issue(user, name, days=days)
    audit.record(
        AuditAction.CREATE,
        token,
        actor=actor,
        actor_label="" if actor else _("命令行"),
        changes={"user": user.username, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor: Any = None) -> None:
    token.revoke()
    audit.record(
        AuditAction.UPDATE,
        token,
        actor=actor,
        actor_label="" if actor else _("命令行"),
        changes={"revoked_at": [None, token.revoked_at.isoformat() if token.revoked_at else None]},
    )
