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
    # the head of a law firm: handles like its lawyers and supervises the firm's matters; may report
    # progress on or close a legal-aid case for the firm's assigned lawyer, saying why (法律援助法第四十六、
    # 五十条; yizhan.legalaid.selectors.acting_for_assignee)
    Role(
        "firm_manager",
        _("律师事务所负责人"),
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
            SUPERVISE,
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


# --- 三员分立: separation of the three administrators' duties ------------------------------------------

#: the system administrator runs the system, the security administrator grants roles, the auditor
#: reads the audit log; one person holds at most one of them, and no other role beside it
ADMINISTRATOR_ROLES = ("system_admin", "security_admin", "auditor")
#: roles whose work is on the administration screens (/admin/): their accounts get ``is_staff``
ADMIN_SITE_ROLES = (*ADMINISTRATOR_ROLES, "district_manager")
#: what an administrator may open besides the public pages: never the business records (matters,
#: legal-aid cases, ledgers, the staff API); the system administrator's own staff pages are the
#: working-day calendar, the directory of units and the SMS gateway (templates, signature, send log)
ADMINISTRATOR_PATHS = (
    "/admin/",
    "/accounts/",
    "/staff/calendar/",
    "/staff/orgs/",
    "/staff/sms/",
    "/staff/notifications/",
    "/api/v1/docs",
    "/api/v1/openapi.json",
)


class GrantRefused(Exception):
    """A role grant outside the policy; ``message`` says why in Chinese."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = str(message)


def check_grant(*, actor_pk: object, target_pk: object, target_is_superuser: bool, codes: set[str]) -> None:
    """The policy of a role grant (raises ``GrantRefused``): a known role only; never to oneself;
    never to a superuser (made with the command line only); at most one administrator role, and an
    administrator holds no business role (so none of the three opens business records)."""
    unknown = codes - set(ROLE_BY_CODE)
    if unknown:
        raise GrantRefused(_("没有这些角色：%(codes)s") % {"codes": "、".join(sorted(unknown))})
    if actor_pk is not None and actor_pk == target_pk:
        raise GrantRefused(_("不能给自己授权或取消自己的角色，请由另一位安全保密管理员办理。"))
    if target_is_superuser:
        raise GrantRefused(_("超级用户只能通过命令行管理。"))
    administrator = codes & set(ADMINISTRATOR_ROLES)
    if len(administrator) > 1:
        raise GrantRefused(_("系统管理员、安全保密管理员、安全审计员三种角色不能由同一人兼任（三员分立）。"))
    if administrator and len(codes) > 1:
        raise GrantRefused(_("系统管理员、安全保密管理员、安全审计员不能同时担任业务角色（三员分立）。"))
