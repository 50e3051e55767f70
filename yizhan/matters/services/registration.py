"""Registration (登记): the inputs of a new matter, their checks, its number and query code, and
corrections to the registration while the matter is not archived (``do_update_matter``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.models import Sequence
from yizhan.lib import pii, querycode
from yizhan.matters import deadlines, selectors
from yizhan.matters.models import (
    Channel,
    CreatedVia,
    EventCode,
    Gender,
    LegalDomain,
    Matter,
    PartyRole,
    Requester,
    RequesterGroup,
    ServiceType,
    SpecialGroup,
)
from yizhan.matters.services.common import _locked, _now, append_event
from yizhan.matters.services.personal_data import set_personal_data
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Organization, Person, Region


@dataclass
class RequesterData:
    """One party to the matter as entered (checked and completed by ``do_register_matter``)."""

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
    """What a new matter is registered with, from the window form, the API or another app."""

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


CLOSED_FOR_EDIT = {MatterState.ARCHIVED}


def _prefetched(obj: Any, name: str, queryset: Any, items: list[Any]) -> None:
    """Fill Django's prefetch cache with rows we already hold, as prefetch_related would."""
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    obj._prefetched_objects_cache = {**getattr(obj, "_prefetched_objects_cache", {}), name: queryset}


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
    if errors or receiving is None:  # a missing unit is already among the errors
        raise InvalidInput(_("登记信息有误，请检查标出的项目。"), fields=errors)
    _clean_requesters(data.requesters)
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
        responsible = first_responsible or selectors.duty_clerk(data.receiving_org)
        if responsible is None:
            raise InvalidInput(
                _("该单位暂不受理网上申请，请选择其他单位。"),
                fields={"receiving_org": _("该单位暂无值班人员。")},
            )
        _clean_requesters(data.requesters)
        receiving = data.receiving_org
    else:
        selectors.require_permission(actor, roles.REGISTER, _("登记"))
        receiving = _clean_registration(data, actor)
        responsible = first_responsible or actor
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
            first_responsible=responsible,
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
            assignee=responsible,
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

NULLABLE_FIELDS = frozenset({"appointment_at"})


def do_update_matter(matter: Matter, changes: dict[str, Any], *, actor: User) -> Matter:
    """Correct the registration (summary, facts, domain, flags) while the matter is not archived."""
    if not selectors.can_see(actor, matter):
        raise NotFound(_("事项不存在。"))
    selectors.require_permission(actor, roles.REGISTER, _("修改登记信息"))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("不能修改这些字段。"), fields={name: _("不可修改。") for name in unknown})
    empty = [name for name, value in changes.items() if value is None and name not in NULLABLE_FIELDS]
    if empty:
        raise InvalidInput(_("这些字段不能为空。"), fields={name: _("不能为空。") for name in empty})
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
