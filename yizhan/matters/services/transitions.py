"""Every change to a service matter happens here (views, API, tasks and commands call these).

Each function runs in one transaction, locks the matter row, checks role and jurisdiction, writes
the change, the matter event and the audit row together, and schedules notifications on commit.
``transition`` is the only function that changes ``Matter.state``.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.models import Notification, Sequence
from yizhan.lib import pii, querycode
from yizhan.matters import deadlines
from yizhan.matters.models import (
    Attachment,
    Channel,
    CreatedVia,
    EventCode,
    FeedbackMethod,
    Gender,
    LegalDomain,
    Matter,
    MatterEvent,
    Outcome,
    PartyRole,
    Requester,
    RequesterGroup,
    Satisfaction,
    ServiceType,
    SpecialGroup,
    Transfer,
    TransferStatus,
)
from yizhan.matters.states import (
    OPEN_STATES,
    RATEABLE_STATES,
    TRANSITIONS,
    Actor,
    MatterState,
    Transition,
)
from yizhan.orgs.models import Organization, OrgCategory, OrgKind, Person, Region

# --- inputs ---------------------------------------------------------------------------------------


@dataclass
class RequesterData:
    name: str
    gender: str = Gender.UNKNOWN
    age: int | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""
    groups: list[str] = field(default_factory=list)
    role: str = PartyRole.REQUESTER
    is_primary: bool = False


@dataclass
class RegistrationData:
    channel: str
    domain: LegalDomain
    service_type: ServiceType
    title: str
    requesters: list[RequesterData]
    facts: str = ""
    region: Region | None = None
    receiving_org: Organization | None = None
    risk_escalation: bool = False
    risk_group: bool = False
    risk_stability: bool = False
    urgent: bool = False
    by_proxy: bool = False
    home_service: bool = False
    appointment_at: datetime.datetime | None = None
    appointment_with: Person | None = None


@dataclass
class TransferData:
    to_org: Organization
    service_type: ServiceType | None = None
    to_person: Person | None = None
    instructions: str = ""
    where_to_go: str = ""
    due_date: datetime.date | None = None


CLOSED_FOR_EDIT = {MatterState.ARCHIVED}


# --- helpers ---------------------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return timezone.now()


def _locked(matter: Matter) -> Matter:
    return (
        Matter.objects.select_for_update()
        .select_related("current_org", "receiving_org", "region")
        .get(pk=matter.pk)
    )


def append_event(
    matter: Matter,
    code: str,
    *,
    actor: User | None,
    at: datetime.datetime,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
    seq: int | None = None,
) -> MatterEvent:
    if seq is None:
        seq = (MatterEvent.objects.filter(matter=matter).aggregate(m=Max("seq"))["m"] or 0) + 1
    return MatterEvent.objects.create(
        matter=matter,
        seq=seq,
        code=code,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_label=actor_label or (actor.display_name if actor else ""),
        org=actor.unit if actor is not None else None,
        at=at,
        note=note,
        data=data or {},
    )


def _prefetched(obj: Any, name: str, queryset: Any, items: list[Any]) -> None:
    """Fill Django's prefetch cache with rows we already hold, as prefetch_related would."""
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    obj._prefetched_objects_cache = {**getattr(obj, "_prefetched_objects_cache", {}), name: queryset}


def _require_perm(actor: User, permission: str, label: str) -> None:
    if not actor.has_perm(permission):
        raise Forbidden(_("您的账号没有「%(action)s」的权限。") % {"action": label})


def can_see(actor: User, matter: Matter) -> bool:
    """Jurisdiction: the matter was received in, or transferred to, the actor's unit or below."""
    from yizhan.matters.selectors import visible_matters

    return visible_matters(actor).filter(pk=matter.pk).exists()


def _pending_transfer(matter: Matter) -> Transfer | None:
    return (
        matter.transfers.filter(status__in=[TransferStatus.PENDING, TransferStatus.ACCEPTED])
        .select_related("from_org", "to_org")
        .order_by("-created_at", "-id")
        .first()
    )


def unit_has_handlers(org: Organization) -> bool:
    """Whether anyone at ``org`` can handle matters in the system (cached with the org tree)."""
    from yizhan.core.cache import cached

    return cached(
        "orgs",
        f"has-handlers:{org.pk}",
        lambda: User.objects.filter(
            unit=org, is_active=True, groups__permissions__codename="handle_matter"
        ).exists(),
    )


def _held_by_external(matter: Matter, t: Transition, for_dispatcher: bool = False) -> bool:
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


def _required_permission(matter: Matter, t: Transition, for_dispatcher: bool = False) -> str | None:
    """External departments cannot log in: whoever dispatched the matter records their answer,
    so there the dispatcher's permission (transfer) is what is needed."""
    return roles.TRANSFER if _held_by_external(matter, t, for_dispatcher) else t.permission


def _check_holder(matter: Matter, t: Transition, actor: User, for_dispatcher: bool = False) -> bool:
    """May ``actor`` take ``t`` now? Returns True when acting on behalf of an external department."""
    if _held_by_external(matter, t, for_dispatcher):
        if matter.current_org_id in actor.scope_org_ids:
            return True
        pending = _pending_transfer(matter)  # a query: only when the unit itself is not the actor's
        if pending is not None and pending.from_org_id in actor.scope_org_ids:
            return True
    elif matter.current_org_id in actor.scope_org_ids:
        return False
    raise Forbidden(
        _("该事项当前由「%(org)s」办理，您所在单位不能执行「%(action)s」。")
        % {"org": matter.current_org.name, "action": t.label}
    )


def _check_state(matter: Matter, t: Transition) -> None:
    if matter.state not in t.sources:
        raise IllegalTransition(
            _("事项当前状态为「%(state)s」，不能执行「%(action)s」。")
            % {"state": matter.get_state_display(), "action": t.label}
        )


# --- registration ---------------------------------------------------------------------------------


def _clean_requesters(items: list[RequesterData]) -> list[RequesterData]:
    errors: dict[str, str] = {}
    if not items:
        raise InvalidInput(_("请至少填写一名当事人。"), fields={"requesters": _("请至少填写一名当事人。")})
    valid_groups = set(SpecialGroup.values)
    for index, item in enumerate(items):
        prefix = f"requesters[{index}]."
        item.name = (item.name or "").strip()
        if not item.name:
            errors[prefix + "name"] = _("请填写姓名。")
        elif len(item.name) > 64:
            errors[prefix + "name"] = _("姓名不能超过64个字。")
        if item.id_number:
            try:
                item.id_number = pii.validate_id_number(item.id_number)
            except ValidationError as exc:
                errors[prefix + "id_number"] = exc.messages[0]
            else:
                gender, birth = pii.id_number_facts(item.id_number)
                if item.gender in ("", Gender.UNKNOWN):
                    item.gender = gender
                if item.age is None:
                    today = timezone.localdate()
                    item.age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        if item.phone:
            try:
                item.phone = pii.validate_phone(item.phone)
            except ValidationError as exc:
                errors[prefix + "phone"] = exc.messages[0]
        item.address = (item.address or "").strip()
        if len(item.address) > 200:
            errors[prefix + "address"] = _("住址不能超过200个字。")
        if item.gender not in Gender.values:
            errors[prefix + "gender"] = _("性别选项无效。")
        if item.role not in PartyRole.values:
            errors[prefix + "role"] = _("当事人身份选项无效。")
        if item.age is not None and not 0 <= item.age <= 150:
            errors[prefix + "age"] = _("年龄应在0到150之间。")
        unknown = [g for g in item.groups if g not in valid_groups]
        if unknown:
            errors[prefix + "groups"] = _("未知的特殊群体：%(codes)s") % {"codes": "、".join(unknown)}
    if errors:
        raise InvalidInput(_("当事人信息有误，请检查标出的项目。"), fields=errors)
    if not any(item.is_primary for item in items):
        first_requester = next((i for i in items if i.role == PartyRole.REQUESTER), items[0])
        first_requester.is_primary = True
    return items


def _clean_registration(data: RegistrationData, actor: User) -> Organization:
    errors: dict[str, str] = {}
    data.title = (data.title or "").strip()
    if not data.title:
        errors["title"] = _("请填写事项摘要。")
    elif len(data.title) > 100:
        errors["title"] = _("事项摘要不能超过100个字。")
    if data.channel not in Channel.values:
        errors["channel"] = _("渠道选项无效。")
    if not data.domain.is_active:
        errors["domain"] = _("该法律领域已停用。")
    if not data.service_type.is_active:
        errors["service_type"] = _("该服务类型已停用。")
    receiving = data.receiving_org or actor.unit
    if receiving is None:
        errors["receiving_org"] = _("您的账号未设置所在单位，不能登记事项。")
    elif receiving.pk not in actor.scope_org_ids:
        errors["receiving_org"] = _("只能以本单位或下级单位名义登记事项。")
    if data.appointment_at is not None and data.appointment_at < _now() - datetime.timedelta(days=1):
        errors["appointment_at"] = _("预约时间不能早于今天。")
    if errors:
        raise InvalidInput(_("登记信息有误，请检查标出的项目。"), fields=errors)
    _clean_requesters(data.requesters)
    assert receiving is not None
    return receiving


def _matter_number(region: Region, at: datetime.datetime) -> str:
    county = region.code[:6]
    year = timezone.localtime(at).year
    seq = Sequence.next_value(f"matter:{county}:{year}")
    return f"{county}{year}{seq:07d}"


def _unique_query_code() -> str:
    while True:
        code = querycode.generate()
        if not Matter.objects.filter(query_code=code).exists():
            return code


def _requester_row(matter: Matter, item: RequesterData) -> Requester:
    row = Requester(
        matter=matter,
        role=item.role,
        is_primary=item.is_primary,
        name=item.name,
        gender=item.gender or Gender.UNKNOWN,
        age=item.age,
    )
    set_personal_data(row, id_number=item.id_number, phone=item.phone, address=item.address)
    return row


def set_personal_data(row: Requester, *, id_number: str = "", phone: str = "", address: str = "") -> None:
    """Encrypt, index and mask the personal data of a requester (values already validated)."""
    if id_number:
        row.id_number_encrypted = pii.encrypt(id_number)
        row.id_number_index = pii.blind_index("id_number", id_number)
        row.id_number_mask = pii.mask_id_number(id_number)
    if phone:
        row.phone_encrypted = pii.encrypt(phone)
        row.phone_index = pii.blind_index("phone", phone)
        row.phone_mask = pii.mask_phone(phone)
    if address:
        row.address_encrypted = pii.encrypt(address)
        row.address_mask = pii.mask_address(address)[:64]


def duty_clerk(unit: Organization) -> User | None:
    """Who answers for a request that arrives online at ``unit``: its first active front-desk account."""
    return (
        User.objects.filter(
            unit=unit, is_active=True, is_integration=False, groups__permissions__codename="register_matter"
        )
        .order_by("id")
        .first()
    )


def do_register_matter(
    data: RegistrationData,
    *,
    actor: User | None,
    created_via: str = CreatedVia.UI,
    first_responsible: User | None = None,
) -> Matter:
    """登记: the first staff member who receives the request becomes its first-responsible person.

    ``actor`` is None for a citizen's own online submission: then ``data.receiving_org`` names the
    unit it goes to and that unit's duty clerk becomes first-responsible.
    """
    if actor is None:
        if data.receiving_org is None:
            raise InvalidInput(_("请选择受理单位。"), fields={"receiving_org": _("请选择受理单位。")})
        first_responsible = first_responsible or duty_clerk(data.receiving_org)
        if first_responsible is None:
            raise InvalidInput(
                _("该单位暂不受理网上申请，请选择其他单位。"),
                fields={"receiving_org": _("该单位暂无值班人员。")},
            )
        _clean_requesters(data.requesters)
        receiving = data.receiving_org
    else:
        _require_perm(actor, roles.REGISTER, _("登记"))
        receiving = _clean_registration(data, actor)
    now = _now()
    region = data.region or receiving.region
    # not durable, no savepoint: the API ties its idempotency record to this same transaction, and an
    # error here must roll back everything anyway
    with transaction.atomic(savepoint=False):
        due = deadlines.due_date_for(data.service_type, region, timezone.localtime(now).date())
        matter = Matter.objects.create(
            number=_matter_number(region, now),
            query_code=_unique_query_code(),
            channel=data.channel,
            receiving_org=receiving,
            region=region,
            first_responsible=first_responsible or actor,
            registered_by=actor,
            registered_at=now,
            domain=data.domain,
            service_type=data.service_type,
            title=data.title,
            facts=data.facts,
            risk_escalation=data.risk_escalation,
            risk_group=data.risk_group,
            risk_stability=data.risk_stability,
            urgent=data.urgent,
            by_proxy=data.by_proxy,
            home_service=data.home_service,
            appointment_at=data.appointment_at,
            appointment_with=data.appointment_with,
            state=MatterState.REGISTERED,
            current_org=receiving,
            assignee=first_responsible or actor,
            due_date=due.date if due else None,
            due_provisional=due.provisional if due else False,
            created_via=created_via,
        )
        rows = Requester.objects.bulk_create([_requester_row(matter, item) for item in data.requesters])
        group_rows = RequesterGroup.objects.bulk_create(
            [
                RequesterGroup(requester=row, matter=matter, group=group)
                for row, item in zip(rows, data.requesters, strict=True)
                for group in dict.fromkeys(item.groups)
            ]
        )
        # the caller gets the matter with its requesters and groups in hand (no re-read)
        for row in rows:
            _prefetched(
                row,
                "group_rows",
                RequesterGroup.objects.filter(requester=row),
                [g for g in group_rows if g.requester is row],
            )
        _prefetched(matter, "requesters", Requester.objects.filter(matter=matter), rows)
        append_event(
            matter,
            EventCode.REGISTER,
            actor=actor,
            actor_label="" if actor else _("群众（网上提交）"),
            at=now,
            to_state=MatterState.REGISTERED,
            seq=1,
            data={
                "channel": data.channel,
                "service_type": data.service_type.code,
                "due_date": str(matter.due_date),
            },
        )
        audit.record(
            AuditAction.CREATE,
            matter,
            actor=actor,
            actor_label="" if actor else _("群众（网上提交）"),
            changes={
                "number": matter.number,
                "channel": matter.channel,
                "service_type": data.service_type.code,
                "domain": data.domain.code,
                "requesters": [
                    {"name": r.name, "id_number": r.id_number_mask, "phone": r.phone_mask} for r in rows
                ],
            },
        )
    return matter


# --- the transition function ---------------------------------------------------------------------


def transition(
    matter: Matter,
    code: str,
    *,
    actor: User | None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    for_dispatcher: bool = False,
) -> Matter:
    """Move ``matter`` along transition ``code`` (see states.TRANSITIONS), or raise.

    ``actor`` is None only for the citizen's own rating (``rate``), authorised by the query code.
    ``for_dispatcher``: the unit that transferred the matter records a handler's step for the holder
    (only steps a dispatcher may record for an external department; recorded as on behalf of it).
    """
    t = TRANSITIONS.get(code)
    if t is None:
        raise NotFound(_("未知的操作：%(code)s") % {"code": code})
    payload = dict(payload or {})
    note = (note or "").strip()
    if t.actor == Actor.CITIZEN:
        if actor is not None:
            raise Forbidden(_("该操作只能由群众本人通过查询码完成。"))
    else:
        if actor is None or not actor.is_authenticated:
            raise Forbidden(_("请先登录。"))
        if not can_see(actor, matter):
            raise NotFound(_("事项不存在。"))
        permission = _required_permission(matter, t, for_dispatcher)
        assert permission is not None
        _require_perm(actor, permission, str(t.label))
    if t.needs_note and not note:
        raise InvalidInput(
            _("请填写%(label)s。") % {"label": t.note_label},
            fields={"note": _("请填写%(label)s。") % {"label": t.note_label}},
        )
    if len(note) > 5000:
        raise InvalidInput(_("内容过长。"), fields={"note": _("不能超过5000个字。")})

    # not durable: the legal-aid workflow moves the matter inside its own transaction
    with transaction.atomic():
        locked = _locked(matter)
        _check_state(locked, t)
        on_behalf = False
        if t.actor == Actor.HOLDER:
            assert actor is not None
            on_behalf = _check_holder(locked, t, actor, for_dispatcher)
        now = _now()
        from_state = locked.state
        holder_name = locked.current_org.name
        data: dict[str, Any] = {}
        effect = _EFFECTS.get(code)
        if effect is not None:
            data = effect(locked, actor, note, payload, now) or {}
        if on_behalf:
            data["on_behalf_of"] = holder_name
        locked.state = t.target
        if t.target not in OPEN_STATES and t.target != MatterState.CONCLUDED and locked.closed_at is None:
            locked.closed_at = now
        locked.save()
        append_event(
            locked,
            code,
            actor=actor,
            at=now,
            from_state=from_state,
            to_state=t.target,
            note=note,
            data=data,
            actor_label="" if actor else _("群众（凭查询码）"),
        )
        audit.record(
            AuditAction.TRANSITION,
            locked,
            actor=actor,
            actor_label="" if actor else _("群众（凭查询码）"),
            changes={"code": code, "state": [from_state, t.target], **_audit_safe(data)},
        )
        transaction.on_commit(lambda: _notify_after(locked.pk, code))
    matter.refresh_from_db()
    return matter


def _audit_safe(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if isinstance(value, str | int | bool | None | float)}


# --- effects of each transition (called under the row lock) -------------------------------------------


def _effect_answer(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    m.answer = note
    m.outcome = payload.get("outcome") or Outcome.ADVICE_GIVEN
    if m.outcome not in Outcome.values:
        raise InvalidInput(_("办理结果类别无效。"), fields={"outcome": _("办理结果类别无效。")})
    m.concluded_at = now
    m.overdue = False
    return {"outcome": m.outcome}


def _effect_transfer(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    assert actor is not None
    target: TransferData = payload.get("transfer") or TransferData(to_org=payload.get("to_org"))  # type: ignore[arg-type]
    errors: dict[str, str] = {}
    to_org = target.to_org
    if not isinstance(to_org, Organization):
        errors["to_org"] = _("请选择接收单位。")
    elif not to_org.is_active:
        errors["to_org"] = _("接收单位已停用。")
    elif to_org.pk == m.current_org_id:
        errors["to_org"] = _("不能分流给当前承办单位自己。")
    elif to_org.kind in (OrgKind.PROVINCE_DEPARTMENT, OrgKind.CITY_BUREAU, OrgKind.DISTRICT_BUREAU):
        errors["to_org"] = _("请分流到具体的承办单位（司法所、服务平台、法律服务机构或外部门）。")
    if (
        target.to_person is not None
        and isinstance(to_org, Organization)
        and target.to_person.org_id != to_org.pk
    ):
        errors["to_person"] = _("指定的承办人员不属于接收单位。")
    service_type = target.service_type or m.service_type
    if not service_type.is_active:
        errors["service_type"] = _("该服务类型已停用。")
    today = timezone.localtime(now).date()
    if target.due_date is not None and target.due_date < today:
        errors["due_date"] = _("办结期限不能早于今天。")
    if errors:
        raise InvalidInput(_("分流信息有误，请检查标出的项目。"), fields=errors)
    # the previous hand-off (if the matter is forwarded on) is superseded
    m.transfers.filter(status=TransferStatus.PENDING).update(status=TransferStatus.SUPERSEDED)
    due = None
    if target.due_date is None:
        due = deadlines.due_date_for(service_type, m.region, today)
    due_date = target.due_date or (due.date if due else m.due_date)
    record = Transfer.objects.create(
        matter=m,
        from_org=m.current_org,
        to_org=to_org,
        to_person=target.to_person,
        service_type=service_type,
        instructions=target.instructions.strip() or to_org.referral_guidance,
        where_to_go=target.where_to_go.strip() or _default_where_to_go(to_org),
        note=note,
        due_date=due_date,
        created_by=actor,
        created_at=now,
    )
    m.service_type = service_type
    m.current_org = to_org
    m.assignee = target.to_person.user if target.to_person and target.to_person.user_id else None
    m.due_date = due_date
    m.due_provisional = bool(due and due.provisional)
    m.overdue = bool(due_date and due_date < today)
    return {
        "transfer_id": record.pk,
        "to_org": to_org.name,
        "to_org_id": to_org.pk,
        "service_type": service_type.code,
        "due_date": str(due_date) if due_date else None,
        "external": to_org.is_external,
    }


def _default_where_to_go(org: Organization) -> str:
    parts = [org.name]
    if org.address:
        parts.append(_("地址：%(a)s") % {"a": org.address})
    phone = org.hotline_number or org.phone
    if phone:
        parts.append(_("电话：%(p)s") % {"p": phone})
    if org.opening_hours:
        parts.append(_("时间：%(h)s") % {"h": org.opening_hours})
    return "；".join(parts)


def _effect_refer_out(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    referral = payload.get("referral_org")
    if referral is not None and not isinstance(referral, Organization):
        raise InvalidInput(_("引导单位无效。"), fields={"referral_org": _("引导单位无效。")})
    m.referral_org = referral
    m.outcome = Outcome.REFERRED
    m.answer = note
    m.concluded_at = now
    m.overdue = False
    return {"referral_org": referral.name if referral else ""}


def _effect_accept(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    pending = m.transfers.filter(status=TransferStatus.PENDING).order_by("-created_at", "-id").first()
    if pending is not None:
        pending.status = TransferStatus.ACCEPTED
        pending.accepted_by = actor
        pending.accepted_at = now
        pending.save(update_fields=["status", "accepted_by", "accepted_at"])
    if m.assignee_id is None and actor is not None and m.current_org_id in actor.scope_org_ids:
        m.assignee = actor
    return {"transfer_id": pending.pk if pending else None}


def _effect_return(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    active = _pending_transfer(m)
    if active is None:
        raise IllegalTransition(_("没有可退回的移交记录。"))
    active.status = TransferStatus.RETURNED
    active.returned_at = now
    active.return_reason = note
    active.save(update_fields=["status", "returned_at", "return_reason"])
    m.current_org = active.from_org
    m.assignee = active.created_by
    return {"transfer_id": active.pk, "returned_to": active.from_org.name}


def _effect_start(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    return {}


def _effect_conclude(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    outcome = payload.get("outcome") or ""
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择办理结果类别。"), fields={"outcome": _("请选择办理结果类别。")})
    concluded_by = m.current_org.name
    m.transfers.filter(status=TransferStatus.ACCEPTED).update(
        status=TransferStatus.CONCLUDED, concluded_at=now, outcome=outcome, result=note
    )
    m.outcome = outcome
    m.result = note
    m.concluded_at = now
    m.overdue = False
    # the result goes back to the receiving service point, which feeds it back (结果反馈)
    m.current_org = m.receiving_org
    m.assignee = m.first_responsible
    return {"outcome": outcome, "concluded_by": concluded_by}


def _effect_feed_back(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    method = payload.get("method") or ""
    if method not in FeedbackMethod.values:
        raise InvalidInput(_("请选择反馈方式。"), fields={"method": _("请选择反馈方式。")})
    m.feedback_method = method
    m.feedback = note
    m.fed_back_at = now
    return {"method": method}


def _clean_follow_up(payload: dict[str, Any]) -> tuple[str, bool | None]:
    satisfaction = payload.get("satisfaction") or ""
    errors = {}
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = _("请选择满意度。")
    adopted = payload.get("advice_adopted")
    if adopted not in (True, False, None):
        errors["advice_adopted"] = _("意见是否采纳的取值无效。")
    if errors:
        raise InvalidInput(_("回访信息有误。"), fields=errors)
    return satisfaction, adopted


def _effect_follow_up(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    satisfaction, adopted = _clean_follow_up(payload)
    m.satisfaction = satisfaction
    m.advice_adopted = adopted
    m.follow_up_comment = note
    m.followed_up_at = now
    m.followed_up_by_citizen = actor is None
    return {"satisfaction": satisfaction, "advice_adopted": adopted}


def _effect_reopen(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    """Back to handling: by default at the unit that concluded it (the last transfer's target)."""
    target = payload.get("org")
    if target is None:
        last = m.transfers.exclude(status=TransferStatus.SUPERSEDED).order_by("-created_at", "-id").first()
        target = last.to_org if last else m.receiving_org
    if not isinstance(target, Organization):
        raise InvalidInput(_("重新办理的单位无效。"), fields={"org": _("重新办理的单位无效。")})
    previous = {"outcome": m.outcome, "concluded_at": str(m.concluded_at)}
    m.current_org = target
    m.outcome = ""
    m.concluded_at = None
    m.closed_at = None
    m.fed_back_at = None
    m.followed_up_at = None
    m.satisfaction = ""
    return {"org": target.name, "previous": previous["outcome"]}


def _effect_withdraw(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict:
    m.transfers.filter(status__in=[TransferStatus.PENDING, TransferStatus.ACCEPTED]).update(
        status=TransferStatus.WITHDRAWN
    )
    m.overdue = False
    return {}


_EFFECTS = {
    "answer": _effect_answer,
    "transfer": _effect_transfer,
    "refer_out": _effect_refer_out,
    "accept": _effect_accept,
    "return": _effect_return,
    "start": _effect_start,
    "conclude": _effect_conclude,
    "feed_back": _effect_feed_back,
    "follow_up": _effect_follow_up,
    "rate": _effect_follow_up,
    "withdraw": _effect_withdraw,
    "reopen": _effect_reopen,
}


def _notify_after(matter_id: int, code: str) -> None:
    """Tell the receiving unit's staff about a new transfer (after commit, best effort)."""
    if code != "transfer":
        return
    matter = Matter.objects.select_related("current_org").get(pk=matter_id)
    recipients = User.objects.filter(
        unit=matter.current_org, is_active=True, groups__permissions__codename="handle_matter"
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind="transfer",
                message=_("新分流事项：%(number)s %(title)s")
                % {"number": matter.number, "title": matter.title},
                link=reverse("matters:detail", args=[matter.number]),
            )
            for user in recipients.distinct()
        ]
    )


# --- citizen rating by query code ---------------------------------------------------------------------


def do_rate_by_query_code(
    code: str, *, satisfaction: str, advice_adopted: bool | None, comment: str = ""
) -> Matter:
    from yizhan.matters.selectors import matter_by_query_code

    matter = matter_by_query_code(code)
    if matter.state not in RATEABLE_STATES:
        if matter.followed_up_at is not None:
            raise IllegalTransition(_("该事项已评价，感谢您的反馈。"))
        raise IllegalTransition(_("事项办理完成并反馈后才能评价。"))
    return transition(
        matter,
        "rate",
        actor=None,
        note=comment,
        payload={"satisfaction": satisfaction, "advice_adopted": advice_adopted},
    )


# --- non-state changes ------------------------------------------------------------------------------


def do_hand_over(matter: Matter, to_user: User, *, actor: User, note: str) -> Matter:
    """首问责任交接: the first-responsible person hands the matter to a colleague, with a record."""
    _require_perm(actor, roles.HAND_OVER, _("首问责任交接"))
    if not can_see(actor, matter):
        raise NotFound(_("事项不存在。"))
    note = (note or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("请填写交接说明（未办结事项的进展和需要跟进的内容）。")
    if (
        not to_user.is_active
        or to_user.unit_id is None
        or to_user.unit_id not in actor.scope_org_ids | {actor.unit_id}
    ):
        errors["to_user"] = _("只能交接给本单位或下级单位的在岗人员。")
    if not to_user.has_perm(roles.REGISTER):
        errors["to_user"] = _("接手人员没有受理事项的权限。")
    if errors:
        raise InvalidInput(_("交接信息有误。"), fields=errors)
    with transaction.atomic(durable=True):
        locked = _locked(matter)
        if locked.first_responsible_id != actor.pk and not actor.has_perm(roles.SUPERVISE):
            raise Forbidden(_("只有首问责任人本人或督办人员可以交接。"))
        if locked.state == MatterState.ARCHIVED:
            raise IllegalTransition(_("已归档的事项不能交接。"))
        previous = locked.first_responsible
        locked.first_responsible = to_user
        if locked.assignee_id == previous.pk:
            locked.assignee = to_user
        locked.save(update_fields=["first_responsible", "assignee", "updated_at"])
        now = _now()
        append_event(
            locked,
            EventCode.HAND_OVER,
            actor=actor,
            at=now,
            note=note,
            data={"from": previous.display_name, "to": to_user.display_name, "to_user_id": to_user.pk},
        )
        audit.record(
            AuditAction.UPDATE,
            locked,
            actor=actor,
            changes={"first_responsible": [previous.display_name, to_user.display_name]},
        )
        Notification.objects.create(
            recipient=to_user,
            kind="hand_over",
            message=_("%(who)s 将事项 %(number)s 交接给您")
            % {"who": actor.display_name, "number": locked.number},
            link=reverse("matters:detail", args=[locked.number]),
        )
    matter.refresh_from_db()
    return matter


EDITABLE_FIELDS = (
    "title",
    "facts",
    "domain",
    "risk_escalation",
    "risk_group",
    "risk_stability",
    "urgent",
    "by_proxy",
    "home_service",
    "appointment_at",
)


def do_update_matter(matter: Matter, changes: dict[str, Any], *, actor: User) -> Matter:
    """Correct the registration (summary, facts, domain, flags) while the matter is not archived."""
    if not can_see(actor, matter):
        raise NotFound(_("事项不存在。"))
    _require_perm(actor, roles.REGISTER, _("修改登记信息"))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("不能修改这些字段。"), fields={name: _("不可修改。") for name in unknown})
    if "title" in changes:
        title = (changes["title"] or "").strip()
        if not title or len(title) > 100:
            raise InvalidInput(_("事项摘要有误。"), fields={"title": _("请填写事项摘要（不超过100个字）。")})
        changes["title"] = title
    with transaction.atomic(durable=True):
        locked = _locked(matter)
        if locked.state in CLOSED_FOR_EDIT:
            raise IllegalTransition(_("已归档的事项不能修改。"))
        if (
            locked.current_org_id not in actor.scope_org_ids
            and locked.receiving_org_id not in actor.scope_org_ids
        ):
            raise Forbidden(_("只有受理单位或当前承办单位可以修改登记信息。"))
        before = {name: _plain(getattr(locked, name)) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        after = {name: _plain(getattr(locked, name)) for name in changes}
        changed = audit.diff(before, after)
        if changed:
            append_event(locked, EventCode.UPDATE, actor=actor, at=_now(), data={"fields": sorted(changed)})
            audit.record(AuditAction.UPDATE, locked, actor=actor, changes=changed)
    matter.refresh_from_db()
    return matter


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}


def do_add_attachment(matter: Matter, upload: UploadedFile, *, actor: User) -> Attachment:
    if not can_see(actor, matter):
        raise NotFound(_("事项不存在。"))
    if not (actor.has_perm(roles.REGISTER) or actor.has_perm(roles.HANDLE)):
        raise Forbidden(_("您的账号没有「%(action)s」的权限。") % {"action": _("上传附件")})
    if upload.size is None or upload.size == 0:
        raise InvalidInput(_("文件为空。"), fields={"file": _("文件为空。")})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("文件太大。"),
            fields={
                "file": _("文件不能超过%(mb)dMB。") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            },
        )
    content_type = (upload.content_type or "").split(";")[0].strip()
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise InvalidInput(
            _("不支持的文件类型。"), fields={"file": _("只能上传PDF、图片、Word、Excel或文本文件。")}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic(durable=True):
        locked = _locked(matter)
        if locked.state == MatterState.ARCHIVED:
            raise IllegalTransition(_("已归档的事项不能再上传附件。"))
        attachment = Attachment(
            matter=locked,
            name=(upload.name or "file")[:128],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        attachment.file.save(attachment.name, upload, save=False)
        attachment.save()
        append_event(locked, EventCode.ATTACH, actor=actor, at=_now(), data={"name": attachment.name})
        audit.record(
            AuditAction.CREATE,
            attachment,
            actor=actor,
            changes={"matter": locked.number, "size": upload.size},
        )
    return attachment


def do_reveal_personal_data(requester: Requester, *, actor: User, reason: str = "") -> dict[str, str]:
    """Show a requester's full ID number, phone and address — a permission, audited every time."""
    if not can_see(actor, requester.matter):
        raise NotFound(_("事项不存在。"))
    _require_perm(actor, roles.REVEAL, _("查看完整个人信息"))
    values = {
        "id_number": pii.decrypt(requester.id_number_encrypted) if requester.id_number_encrypted else "",
        "phone": pii.decrypt(requester.phone_encrypted) if requester.phone_encrypted else "",
        "address": pii.decrypt(requester.address_encrypted) if requester.address_encrypted else "",
    }
    audit.record(
        AuditAction.REVEAL,
        requester,
        actor=actor,
        object_repr=f"{requester.matter.number} {requester.name}",
        changes={"fields": [k for k, v in values.items() if v], "reason": reason[:200]},
    )
    return values


# --- deadlines sweep (periodic job) -----------------------------------------------------------------


@dataclass
class SweepResult:
    newly_overdue: int = 0
    notifications: int = 0
    matter_numbers: list[str] = field(default_factory=list)


def _supervisors_of(org: Organization) -> list[User]:
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


def sweep_deadlines(today: datetime.date | None = None) -> SweepResult:
    """Flag open matters past their due date and escalate each once to its supervisors (督办)."""
    today = today or timezone.localdate()
    result = SweepResult()
    candidates = Matter.objects.filter(state__in=OPEN_STATES, due_date__lt=today, overdue=False).values_list(
        "pk", flat=True
    )
    for pk in list(candidates.iterator()):
        with transaction.atomic():
            matter = Matter.objects.select_for_update().select_related("current_org").get(pk=pk)
            if (
                matter.overdue
                or matter.state not in OPEN_STATES
                or not matter.due_date
                or matter.due_date >= today
            ):
                continue
            now = _now()
            matter.overdue = True
            matter.escalated_at = now
            matter.save(update_fields=["overdue", "escalated_at", "updated_at"])
            supervisors = _supervisors_of(matter.current_org)
            recipients = {user.pk: user for user in supervisors}
            recipients.setdefault(matter.first_responsible_id, matter.first_responsible)
            append_event(
                matter,
                EventCode.OVERDUE,
                actor=None,
                actor_label=_("系统"),
                at=now,
                data={
                    "due_date": str(matter.due_date),
                    "escalated_to": [u.display_name for u in supervisors],
                },
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=user,
                        kind="overdue",
                        message=_("事项 %(number)s 已超过办结期限（%(due)s），当前承办：%(org)s")
                        % {"number": matter.number, "due": matter.due_date, "org": matter.current_org.name},
                        link=reverse("matters:detail", args=[matter.number]),
                    )
                    for user in recipients.values()
                ]
            )
            result.newly_overdue += 1
            result.notifications += len(recipients)
            result.matter_numbers.append(matter.number)
    return result


def allowed_transitions(matter: Matter, actor: User) -> list[Transition]:
    """The staff transitions ``actor`` may take on ``matter`` now (what the matter page offers)."""
    from yizhan.matters.states import available_codes

    allowed = []
    for code in available_codes(matter.state):
        t = TRANSITIONS[code]
        permission = _required_permission(matter, t)
        if t.actor != Actor.HOLDER or permission is None or not actor.has_perm(permission):
            continue
        try:
            _check_holder(matter, t, actor)
        except Forbidden:
            continue
        allowed.append(t)
    return allowed
