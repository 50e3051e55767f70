"""Reads of service matters, always scoped to the reader's jurisdiction, and the checks that only read.

Views, the API, exports and the ledgers read matters only through these functions. A record outside
the reader's scope is indistinguishable from one that does not exist (``NotFound``). The permission
and jurisdiction checks the services apply before a write live here too (``can_see``,
``require_permission``, ``check_holder``, ``allowed_transitions``), so that a page offers exactly what
the service will accept. Nothing here writes, and nothing here calls ``yizhan.matters.services``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.core.cache import cached
from yizhan.core.calendar import work_calendar
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.core.http.fields import parse_id
from yizhan.lib import pii, querycode
from yizhan.lib.workdays import add_workdays
from yizhan.matters.models import (
    LegalDomain,
    Matter,
    MatterEvent,
    Requester,
    RequesterGroup,
    ServiceType,
    Transfer,
    TransferStatus,
)
from yizhan.matters.states import OPEN_STATES, TRANSITIONS, Actor, MatterState, Transition, available_codes
from yizhan.orgs import selectors as org_selectors
from yizhan.orgs.models import Organization, OrgCategory, OrgKind, Region, RegionLevel

logger = logging.getLogger(__name__)

RELATED = ("receiving_org", "current_org", "domain", "service_type", "first_responsible", "region")


def _single_root() -> bool:
    return cached(
        "orgs", "single-root", lambda: Organization.objects.filter(parent__isnull=True).count() == 1
    )


def _scope_filter(user: User) -> Q | None:
    """None means "everything" (a unit at the top of the tree with no parent). The three administrators
    (三员) see no business record, whatever their unit (docs/security.md)."""
    if not user.is_authenticated or user.unit_id is None or user.is_administrator:
        return Q(pk__in=[])
    unit = user.unit
    if unit is not None and unit.parent_id is None and _single_root():
        return None  # the top of the only tree (a city bureau or province department) sees everything
    ids = list(user.scope_org_ids)
    transferred_in = Transfer.objects.filter(matter=OuterRef("pk"), to_org_id__in=ids)
    return Q(receiving_org_id__in=ids) | Q(current_org_id__in=ids) | Q(Exists(transferred_in))


def visible_matters(user: User) -> QuerySet[Matter]:
    qs = Matter.objects.all()
    scope = _scope_filter(user)
    if scope is not None:
        qs = qs.filter(scope)
    return qs


def with_requesters(qs: QuerySet[Matter]) -> QuerySet[Matter]:
    return qs.select_related(*RELATED).prefetch_related(
        Prefetch(
            "requesters",
            queryset=Requester.objects.order_by("-is_primary", "id").prefetch_related(
                Prefetch("group_rows", queryset=RequesterGroup.objects.order_by("id"))
            ),
        )
    )


def access_matter(user: User, number: str) -> Matter:
    matter = with_requesters(visible_matters(user)).filter(number=number).first()
    if matter is None:
        raise NotFound(_("事项不存在。"))
    return matter


def access_requester(user: User, requester_id: int) -> Requester:
    requester = Requester.objects.select_related("matter").filter(pk=requester_id).first()
    if requester is None or not visible_matters(user).filter(pk=requester.matter_id).exists():
        raise NotFound(_("当事人不存在。"))
    return requester


def requester_of(matter: Matter, requester_id: int) -> Requester:
    """A requester of a matter the caller has already accessed, or ``NotFound``."""
    requester = matter.requesters.filter(pk=requester_id).first()
    if requester is None:
        raise NotFound(_("当事人不存在。"))
    return requester


def matter_by_query_code(code: str) -> Matter:
    """Public lookup by query code (no login). Malformed codes fail before touching the database."""
    normalised = querycode.normalise(code)
    if not querycode.is_well_formed(normalised):
        raise NotFound(_("查询码有误，请核对后重新输入（12位数字）。"))
    matter = (
        Matter.objects.select_related("service_type", "current_org", "receiving_org")
        .filter(query_code=normalised)
        .first()
    )
    if matter is None:
        raise NotFound(_("没有找到该查询码对应的事项，请核对后重新输入。"))
    return matter


def events_of(matter: Matter) -> QuerySet[MatterEvent]:
    return matter.events.select_related("actor", "org").order_by("seq")


def todo_queue(user: User) -> QuerySet[Matter]:
    """My to-do: open matters waiting on my unit, mine first, then by due date."""
    if user.unit_id is None:
        return Matter.objects.none()
    return (
        visible_matters(user)
        .filter(Q(current_org_id=user.unit_id) | Q(assignee=user), state__in=OPEN_STATES | {"concluded"})
        .select_related(*RELATED)
        .order_by("due_date", "registered_at")
    )


def overdue_matters(user: User, today: datetime.date | None = None) -> QuerySet[Matter]:
    today = today or timezone.localdate()
    return (
        visible_matters(user)
        .filter(state__in=OPEN_STATES, due_date__lt=today)
        .select_related(*RELATED)
        .order_by("due_date")
    )


def matters_to_sweep(today: datetime.date) -> QuerySet[Matter]:
    """Open matters past their due date that are not flagged overdue or not yet escalated (the
    deadline sweep's work; not scoped: the sweep acts as the system)."""
    return Matter.objects.filter(state__in=OPEN_STATES, due_date__lt=today).filter(
        Q(overdue=False) | Q(escalated_at__isnull=True)
    )


def near_due_matters(user: User, today: datetime.date | None = None, days: int = 2) -> QuerySet[Matter]:
    """Open matters due within ``days`` working days (not yet overdue)."""
    today = today or timezone.localdate()
    horizon = add_workdays(today, days, work_calendar()).date
    return (
        visible_matters(user)
        .filter(state__in=OPEN_STATES, due_date__gte=today, due_date__lte=horizon)
        .select_related(*RELATED)
        .order_by("due_date")
    )


def matters_of_person(user: User, *, id_number: str = "", phone: str = "") -> QuerySet[Matter]:
    """All matters of one person (by a validated ID number or phone) within the user's jurisdiction.

    The lookup uses the keyed blind index, never decryption. Staff look a person up through
    ``services.do_reveal_person_history``, which checks the input and audits the lookup.
    """
    condition = Q()
    if id_number:
        condition |= Q(id_number_index=pii.blind_index("id_number", id_number))
    if phone:
        condition |= Q(phone_index=pii.blind_index("phone", phone))
    matter_ids = Requester.objects.filter(condition).values("matter_id")
    return with_requesters(visible_matters(user).filter(pk__in=matter_ids)).order_by("-registered_at")


def search_matters(user: User, params: dict[str, str]) -> QuerySet[Matter]:
    """The staff list with filters (state, channel, service type, domain, dates, text)."""
    qs = visible_matters(user)
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    if params.get("channel"):
        qs = qs.filter(channel=params["channel"])
    if params.get("service_type"):
        qs = qs.filter(service_type__code=params["service_type"])
    if params.get("domain"):
        qs = qs.filter(domain__code=params["domain"])
    if params.get("org"):
        org_id = parse_id(params["org"]) or -1
        qs = qs.filter(Q(receiving_org_id=org_id) | Q(current_org_id=org_id))
    for key, lookup in (("date_from", "registered_at__date__gte"), ("date_to", "registered_at__date__lte")):
        if params.get(key):
            try:
                day = datetime.date.fromisoformat(params[key])
            except ValueError as exc:
                raise InvalidInput(_("日期有误。"), fields={key: _("日期格式应为 YYYY-MM-DD。")}) from exc
            qs = qs.filter(**{lookup: day})
    if params.get("overdue") in ("1", "true"):
        qs = qs.filter(state__in=OPEN_STATES, due_date__lt=timezone.localdate())
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(number__startswith=text) | Q(title__icontains=text) | Q(requesters__name=text)
        ).distinct()
    return qs.select_related(*RELATED)


# --- checks before a write (pure: the services call them, and pages too, to offer only what is allowed)


def can_see(actor: User, matter: Matter) -> bool:
    """Jurisdiction: the matter was received in, or transferred to, the actor's unit or below."""
    return visible_matters(actor).filter(pk=matter.pk).exists()


def require_permission(actor: User, permission: str, label: str) -> None:
    """Raise ``Forbidden`` unless ``actor`` holds ``permission``; ``label`` names the action."""
    if not actor.has_perm(permission):
        raise Forbidden(_("您的账号没有「%(action)s」的权限。") % {"action": label})


def held_by_external(matter: Matter, t: Transition, for_dispatcher: bool = False) -> bool:
    """External departments — and units with no handler account (many law firms) — cannot act in the
    system: the unit that dispatched the matter records their answer. ``for_dispatcher``: the
    dispatching unit records it although the holder has accounts (a legal-aid centre terminating or
    closing the case of the lawyer it assigned, 法律援助法第四十八、五十条)."""
    if not t.dispatcher_may_act_for_external:
        return False
    if for_dispatcher:
        return True
    org = matter.current_org
    return org.category == OrgCategory.EXTERNAL or not unit_has_handlers(org)


def required_permission(matter: Matter, t: Transition, for_dispatcher: bool = False) -> str | None:
    """External departments cannot log in: whoever dispatched the matter records their answer,
    so there the dispatcher's permission (transfer) is what is needed."""
    return roles.TRANSFER if held_by_external(matter, t, for_dispatcher) else t.permission


def check_holder(matter: Matter, t: Transition, actor: User, for_dispatcher: bool = False) -> bool:
    """May ``actor`` take ``t`` now? Raises ``Forbidden`` if not; returns True when acting on behalf of an
    external department."""
    if held_by_external(matter, t, for_dispatcher):
        if matter.current_org_id in actor.scope_org_ids:
            return True
        pending = pending_transfer(matter)  # a query: only when the unit itself is not the actor's
        if pending is not None and pending.from_org_id in actor.scope_org_ids:
            return True
    elif matter.current_org_id in actor.scope_org_ids:
        return False
    raise Forbidden(
        _("该事项当前由「%(org)s」办理，您所在单位不能执行「%(action)s」。")
        % {"org": matter.current_org.name, "action": t.label}
    )


def allowed_transitions(matter: Matter, actor: User) -> list[Transition]:
    """The staff transitions ``actor`` may take on ``matter`` now (what the matter page offers)."""
    allowed = []
    for code in available_codes(matter.state):
        t = TRANSITIONS[code]
        permission = required_permission(matter, t)
        if t.actor != Actor.HOLDER or permission is None or not actor.has_perm(permission):
            continue
        try:
            check_holder(matter, t, actor)
        except Forbidden:
            continue
        allowed.append(t)
    return allowed


def staff_transition(code: str) -> Transition | None:
    """The transition ``code`` if staff take it from the matter page or the staff API (not the citizen's
    own rating), else None."""
    t = TRANSITIONS.get(code)
    return t if t is not None and t.actor == Actor.HOLDER else None


def can_hand_over(user: User, matter: Matter) -> bool:
    """Whether the page offers ``user`` the hand-over of ``matter`` (首问责任交接): the first-responsible
    person or a supervisor, while the matter is not archived (the service checks again under the lock)."""
    return (
        user.has_perm(roles.HAND_OVER)
        and matter.state != MatterState.ARCHIVED
        and (matter.first_responsible_id == user.pk or user.has_perm(roles.SUPERVISE))
    )


# --- what the services look up on the way (who holds, who answers, who supervises) ---------------


def pending_transfer(matter: Matter) -> Transfer | None:
    """The matter's live hand-off (pending or accepted), the latest one."""
    return (
        matter.transfers.filter(status__in=[TransferStatus.PENDING, TransferStatus.ACCEPTED])
        .select_related("from_org", "to_org")
        .order_by("-created_at", "-id")
        .first()
    )


def unit_has_handlers(org: Organization) -> bool:
    """Whether anyone at ``org`` can handle matters in the system (cached with the org tree)."""
    return cached(
        "orgs",
        f"has-handlers:{org.pk}",
        lambda: User.objects.filter(
            unit=org, is_active=True, groups__permissions__codename="handle_matter"
        ).exists(),
    )


def _on_duty_user(unit: Organization, codename: str, at: datetime.datetime | None) -> User | None:
    """The first person on duty at ``unit`` now (or at ``at``) whose account may act for the unit: active,
    a person (not an integration), with the permission ``codename``, and ``unit`` in its jurisdiction."""
    for shift in org_selectors.on_duty(unit, at):
        user = shift.person.user
        if (
            user is not None
            and user.is_active
            and not user.is_integration
            and unit.pk in user.scope_org_ids
            and user.has_perm(f"matters.{codename}")
        ):
            return user
    return None


def duty_clerk(unit: Organization, at: datetime.datetime | None = None) -> User | None:
    """Who answers for a request that arrives online at ``unit``: the front-desk person on duty by the
    unit's roster (值班表), else its first active front-desk account."""
    on_duty = _on_duty_user(unit, "register_matter", at)
    if on_duty is not None:
        return on_duty
    return (
        User.objects.filter(
            unit=unit, is_active=True, is_integration=False, groups__permissions__codename="register_matter"
        )
        .order_by("id")
        .first()
    )


def duty_handler(unit: Organization, at: datetime.datetime | None = None) -> User | None:
    """Who receives a matter transferred to ``unit``: the handler on duty by its roster, else None (then
    every handler of the unit is told and the first to accept takes it)."""
    return _on_duty_user(unit, "handle_matter", at)


def supervisors_of(org: Organization) -> list[User]:
    """Users who supervise ``org``: those with the supervise permission in the nearest unit above it
    (the unit itself first if it has such a manager, e.g. a judicial office over its own work)."""
    node: Organization | None = org
    while node is not None:
        users = list(
            User.objects.filter(
                unit=node, is_active=True, groups__permissions__codename="supervise_matters"
            ).distinct()
        )
        if users:
            return users
        node = node.parent
    return []


# --- transfers: where a matter may go, suggested first (分流建议) -------------------------------------

#: the kinds of unit that do each service (a service type's code → OrgKind codes, best first)
SERVICE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    "consultation": (OrgKind.JUDICIAL_OFFICE, OrgKind.GRASSROOTS_LEGAL_OFFICE, OrgKind.LAW_FIRM),
    "legal_aid": (OrgKind.LEGAL_AID_CENTER,),
    "mediation": (OrgKind.MEDIATION_COMMITTEE,),
    "notary": (OrgKind.NOTARY_OFFICE,),
    "appraisal": (OrgKind.APPRAISAL_INSTITUTION,),
    "lawyer_service": (OrgKind.LAW_FIRM,),
    "document_drafting": (OrgKind.LEGAL_AID_CENTER, OrgKind.GRASSROOTS_LEGAL_OFFICE, OrgKind.JUDICIAL_OFFICE),
    "complaint": (OrgKind.EXTERNAL_DEPARTMENT, OrgKind.JUDICIAL_OFFICE),
    "external": (OrgKind.EXTERNAL_DEPARTMENT,),
}
#: professional mediation committees by legal domain (行业性、专业性调委会: ``Organization.industry``)
DOMAIN_INDUSTRY: dict[str, str] = {
    "medical": "医患",
    "traffic_accident": "交通",
    "labor": "劳动",
    "property_management": "物业",
}
#: the external department answering for a legal domain, by its service number
DOMAIN_HOTLINE: dict[str, str] = {"consumer": "12315", "labor": "12333"}
MAX_SUGGESTIONS = 6


@dataclass(frozen=True)
class TransferHint:
    """What the triage suggests for a matter: a legal domain, a service type and the kind of unit."""

    domain: LegalDomain | None = None
    service_type: ServiceType | None = None
    unit_kind: str = ""
    unit_kind_label: str = ""
    external_number: str = ""
    external_label: str = ""
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    org: Organization
    reason: str
    score: int


def triage_hint(matter: Matter) -> TransferHint | None:
    """The triage of the matter's summary and facts (``settings.MATTERS_TRIAGE`` names the function: the
    knowledge module's ``services.triage``, a layer above this one), or None when it cannot answer."""
    path = getattr(settings, "MATTERS_TRIAGE", "")
    text = " ".join(part for part in (matter.title, matter.facts) if part).strip()
    if not path or not text:
        return None
    try:
        result = import_string(path)(text[:2000])
    except Exception:  # the triage is advice: a missing model or index must not break the page
        logger.exception("triage failed for matter %s", matter.number)
        return None
    domain = LegalDomain.objects.filter(name=result.get("domain") or "", is_active=True).first()
    service_type = ServiceType.objects.filter(name=result.get("service_type") or "", is_active=True).first()
    external = str(result.get("external_department") or "")
    number = external.split(" ", 1)[0] if external[:1].isdigit() else ""
    return TransferHint(
        domain=domain,
        service_type=service_type,
        unit_kind=str(result.get("institution_type") or ""),
        unit_kind_label=str(result.get("institution_label") or ""),
        external_number=number,
        external_label=external,
        reasons=tuple(str(r) for r in result.get("reasons") or ()),
    )


def _locality(org: Organization, chain: list[Region]) -> tuple[int, str]:
    """How near ``org`` is to the matter's place (``chain``: the matter's region and its parents):
    the place itself, then the places above it; a unit below it serves only part of it, one elsewhere
    none of it."""
    codes = [region.code for region in chain]
    if org.region_id == codes[0]:
        return 4, _("属地")
    if org.region_id in codes[1:]:
        level = chain[codes.index(org.region_id)].level
        labels: dict[str, str] = {
            RegionLevel.TOWNSHIP: _("本乡镇（街道）"),
            RegionLevel.COUNTY: _("本区（县）"),
        }
        label = labels.get(level, "")
        return (3 if codes.index(org.region_id) == 1 else 1), label
    below = [region.code for region in org_selectors.region_chain(org.region_id)]
    if codes[0] in below:
        return -below.index(codes[0]), ""  # a township's or village's unit for a wider matter
    return -3, ""  # another township's or village's unit


def rank_transfer_targets(
    matter: Matter,
    targets: Iterable[Organization],
    *,
    domain: LegalDomain | None = None,
    service_type: ServiceType | None = None,
    hint: TransferHint | None = None,
    limit: int = MAX_SUGGESTIONS,
) -> list[Suggestion]:
    """The units best placed to take ``matter``: the kind of unit that does the service (the triage's,
    else the service type's), a professional committee or the department of the legal domain, nearest
    to the matter's place first (属地)."""
    domain = domain or matter.domain
    service_type = service_type or matter.service_type
    kinds = list(SERVICE_UNIT_KINDS.get(service_type.code, ()))
    chain = org_selectors.region_chain(matter.region_id) or [matter.region]
    industry = DOMAIN_INDUSTRY.get(domain.code, "")
    numbers = {n for n in (DOMAIN_HOTLINE.get(domain.code, ""), hint.external_number if hint else "") if n}
    ranked = []
    for org in targets:
        if org.pk == matter.current_org_id:
            continue
        score, reasons = 0, []
        if hint is not None and hint.unit_kind and org.kind == hint.unit_kind:
            score += 8
            reasons.append(_("智能分流建议"))
        elif org.kind in kinds:
            score += 6 - kinds.index(org.kind)
            reasons.append(str(service_type.name))
        if org.industry and org.industry == industry:
            score += 5
            reasons.append(_("%(industry)s纠纷专业调委会") % {"industry": industry})
        elif org.industry:
            continue  # a professional committee of another field (医患 for a wage claim)
        if org.is_external and org.hotline_number and org.hotline_number in numbers:
            score += 7
            reasons.append(_("对口部门 %(number)s") % {"number": org.hotline_number})
        if score < 5:
            continue  # not a unit for this matter: only the locality would speak for it
        near, where = _locality(org, chain)
        if where:
            reasons.append(where)
        ranked.append(Suggestion(org=org, reason="、".join(reasons), score=score + near))
    ranked.sort(key=lambda s: (-s.score, s.org.path))
    return ranked[:limit]


def search_transfer_targets(qs: QuerySet[Organization], text: str) -> QuerySet[Organization]:
    """Transfer targets whose name, kind, place, service number or field matches ``text``."""
    text = text.strip()
    if not text:
        return qs
    kinds = [value for value, label in OrgKind.choices if text in str(label)]
    return qs.filter(
        Q(name__icontains=text)
        | Q(short_name__icontains=text)
        | Q(region__name__icontains=text)
        | Q(region__parent__name__icontains=text)
        | Q(hotline_number__startswith=text)
        | Q(industry__icontains=text)
        | Q(kind__in=kinds)
    )
