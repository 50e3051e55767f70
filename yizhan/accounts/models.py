"""Staff accounts, their unit (jurisdiction), roles (as Django groups) and integration tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member or an integration client. ``unit`` fixes what the account may see."""

    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("账号只能看到本单位及下级单位的数据，以及分流给本单位的事项。"),
    )
    full_name = models.CharField(_("姓名"), max_length=32, blank=True)
    is_integration = models.BooleanField(_("集成客户端"), default=False)
    failed_logins = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_system = models.BooleanField(
        _("系统账号"),
        default=False,
        editable=False,
        help_text=_("定时任务等自动操作以“系统”的名义记录；该账号不能登录。"),
    )

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        permissions = [("manage_accounts", _("管理账号与授权"))]
        constraints = [
            models.UniqueConstraint(
                fields=["is_system"], condition=models.Q(is_system=True), name="accounts_one_system_user"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @cached_property
    def scope_org_ids(self) -> frozenset[int]:
        """IDs of the user's unit and every unit below it (empty without a unit)."""
        from yizhan.orgs.selectors import subtree_ids

        if self.unit_id is None:
            return frozenset()
        return subtree_ids(self.unit_id)

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_administrator(self) -> bool:
        """Holds one of the three administrator roles (三员): never opens business records."""
        from yizhan.accounts.roles import ADMINISTRATOR_ROLES

        return bool(self.role_codes & set(ADMINISTRATOR_ROLES))


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token for an integration client (app, mini-program, CTI, provincial platform).

    Only a SHA-256 digest is stored; the token is shown once when it is issued.
    """

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=64)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str, *, days: int | None = None) -> tuple[ApiToken, str]:
        """A new token valid for ``days`` (``settings.API_TOKEN_DAYS`` by default). Prefer
        ``accounts.services.do_issue_token``, which checks who may hold one and audits the issue."""
        raw = "yz_" + secrets.token_urlsafe(32)
        days = settings.API_TOKEN_DAYS if days is None else days
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[:10],
            digest=_hash_token(raw),
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        return token, raw

    def revoke(self) -> None:
        """Effective at once: ``authenticate`` reads the token from the database on every call."""
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @classmethod
    def authenticate(cls, raw: str) -> ApiToken | None:
        """The active token for ``raw``, with its user, unit and region loaded — read from the
        database on every call, so a revocation, an expiry or a deactivated account takes effect at
        once in every process. Administrators (三员), superusers and the system account hold no token
        that works: they sign in with a second factor, or not at all."""
        from yizhan.accounts.roles import ADMINISTRATOR_ROLES

        now = timezone.now()
        administrator = Group.objects.filter(user=models.OuterRef("user_id"), name__in=ADMINISTRATOR_ROLES)
        token = (
            cls.objects.active()
            .filter(
                digest=_hash_token(raw),
                user__is_active=True,
                user__is_superuser=False,
                user__is_system=False,
            )
            .exclude(models.Exists(administrator))
            .select_related("user", "user__unit", "user__unit__region")
            .first()
        )
        if token is None:
            return None
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute
            token.last_used_at = now
        return token
