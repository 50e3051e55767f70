"""Roles of SPEC §1 as Django groups with a fixed set of permissions.

A role says *what* an account may do; its unit (``User.unit``) says *where*. The groups are
(re)synchronised after every ``migrate`` so a deployment always matches this table; the security
administrator grants roles to accounts, never permissions one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# permission codenames (app_label.codename)
REGISTER = "matters.register_matter"
TRANSFER = "matters.transfer_matter"
HANDLE = "matters.handle_matter"
FEED_BACK = "matters.feed_back_matter"
FOLLOW_UP = "matters.follow_up_matter"
REVEAL = "matters.reveal_personal_data"
SUPERVISE = "matters.supervise_matters"
HAND_OVER = "matters.hand_over_matter"
VIEW_LEDGERS = "ledgers.view_ledgers"
EXPORT_LEDGERS = "ledgers.export_ledgers"
MANAGE_TIME_LIMITS = "matters.manage_time_limits"
MANAGE_ORGS = "orgs.manage_organizations"
SUBMIT_CASE = "knowledge.submit_typicalcase"
REVIEW_CASE = "knowledge.review_typicalcase"
MANAGE_FAQ = "knowledge.manage_faq"
LEGAL_AID_REVIEW = "legalaid.review_application"
LEGAL_AID_DECIDE = "legalaid.decide_application"
LEGAL_AID_HANDLE = "legalaid.handle_case"
LEGAL_AID_CONFIGURE = "legalaid.configure_standards"
LEGAL_AID_OBJECTION = "legalaid.decide_objection"
MANAGE_USERS = "accounts.manage_accounts"
VIEW_AUDIT = "audit.view_audit_log"
MANAGE_SMS = "sms.manage_sms"


def _crud(app: str, *models: str, actions: tuple[str, ...] = ("add", "change", "view")) -> tuple[str, ...]:
    """Django's model permissions for the admin screens."""
    return tuple(f"{app}.{action}_{model}" for model in models for action in actions)


ORG_ADMIN = (
    MANAGE_ORGS,
    *_crud("orgs", "region", "organization", "person", "advisercontract", "dutyshift", "servicewindow"),
)
CONFIG_ADMIN = (
    MANAGE_TIME_LIMITS,
    LEGAL_AID_CONFIGURE,
    *_crud("legalaid", "hardshipstandard", "scopeextension"),
    *_crud("matters", "timelimitrule", "legaldomain", "servicetype"),
    *_crud("core", "calendaroverride"),
)
ROSTER_ADMIN = (*_crud("orgs", "person", "advisercontract", "dutyshift"), "orgs.view_organization")


@dataclass(frozen=True)
class Role:
    code: str
    label: StrOrPromise
    permissions: tuple[str, ...]


_FRONT_DESK = (
    REGISTER,
    TRANSFER,
    FEED_BACK,
    FOLLOW_UP,
    REVEAL,
    HAND_OVER,
    VIEW_LEDGERS,
    EXPORT_LEDGERS,
    SUBMIT_CASE,
)
_MANAGER = (*_FRONT_DESK, HANDLE, SUPERVISE, LEGAL_AID_REVIEW, REVIEW_CASE)

ROLES: tuple[Role, ...] = (
    Role("clerk", _("窗口接待员"), (*_FRONT_DESK, LEGAL_AID_REVIEW)),
    Role("volunteer", _("窗口志愿者"), (REGISTER, TRANSFER, FEED_BACK, FOLLOW_UP, VIEW_LEDGERS)),
    Role("hotline_agent", _("热线值班律师"), (REGISTER, TRANSFER, FEED_BACK, FOLLOW_UP, REVEAL, HAND_OVER)),
    Role(
        "handler",
        _("承办人"),
        (
            REGISTER,
            HANDLE,
            FEED_BACK,
            FOLLOW_UP,
            REVEAL,
            HAND_OVER,
            TRANSFER,
            VIEW_LEDGERS,
            LEGAL_AID_HANDLE,
            SUBMIT_CASE,
        ),
    ),
    Role(
        "legal_aid_reviewer",
        _("法律援助机构工作人员"),
        (*_MANAGER, LEGAL_AID_DECIDE, LEGAL_AID_HANDLE),
    ),
    Role("office_manager", _("司法所负责人"), _MANAGER),
    Role(
        "district_manager",
        _("区县司法局管理人员"),
        (*_MANAGER, *CONFIG_ADMIN, *ROSTER_ADMIN, MANAGE_ORGS, LEGAL_AID_OBJECTION, MANAGE_FAQ),
    ),
    Role(
        "city_manager",
        _("市司法局管理人员"),
        (SUPERVISE, VIEW_LEDGERS, EXPORT_LEDGERS, MANAGE_TIME_LIMITS, REVIEW_CASE),
    ),
    # 三员: separated duties
    Role("system_admin", _("系统管理员"), (*ORG_ADMIN, *CONFIG_ADMIN, MANAGE_SMS)),
    Role(
        "security_admin",
        _("安全保密管理员"),
        (MANAGE_USERS, *_crud("accounts", "user", "apitoken"), "auth.view_group"),
    ),
    Role("auditor", _("安全审计员"), (VIEW_AUDIT, "audit.view_auditlog")),
    Role("integration", _("集成客户端"), (REGISTER, TRANSFER, FEED_BACK, FOLLOW_UP)),
)

ROLE_BY_CODE = {role.code: role for role in ROLES}


def sync_roles() -> None:
    """Create or update one group per role with exactly its permissions."""
    from django.contrib.auth.models import Group, Permission

    wanted = {perm for role in ROLES for perm in role.permissions}
    by_name: dict[str, Permission] = {}
    for perm in Permission.objects.select_related("content_type").filter(
        codename__in=[name.split(".", 1)[1] for name in wanted]
    ):
        by_name[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    missing = wanted - set(by_name)
    if missing:
        raise RuntimeError(f"permissions missing from the database: {sorted(missing)}")
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.set([by_name[name] for name in role.permissions])
