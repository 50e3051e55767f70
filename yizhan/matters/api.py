"""Staff and partner API for service matters: create (idempotent), read, list, transitions, history."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from yizhan.accounts.models import User
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.core.http.fields import ApiDate, ApiDateTime
from yizhan.core.http.idempotency import run_idempotent
from yizhan.core.http.pagination import MAX_LIMIT, paginate
from yizhan.core.ratelimit import public_limit
from yizhan.matters import selectors, services
from yizhan.matters.models import Matter, MatterEvent, Satisfaction
from yizhan.matters.public import public_status
from yizhan.matters.reference import domain_by_code, service_type_by_code
from yizhan.matters.schemas import MatterIn, org_by_id, registration_data
from yizhan.matters.states import TRANSITIONS
from yizhan.orgs.models import Person

staff_router = Router(tags=["服务事项"])
public_router = Router(tags=["公众查询"])


class OrgRef(Schema):
    id: int
    name: str


class RequesterOut(Schema):
    id: int
    role: str
    is_primary: bool
    name: str
    gender: str
    age: int | None
    id_number: str = Field(..., description="脱敏显示")
    phone: str = Field(..., description="脱敏显示")
    address: str = Field(..., description="脱敏显示")
    groups: list[str]


class MatterSummary(Schema):
    number: str
    title: str
    channel: str
    state: str
    state_label: str
    service_type: str
    domain: str
    receiving_org: OrgRef
    current_org: OrgRef
    registered_at: datetime.datetime
    due_date: datetime.date | None
    overdue: bool


class MatterOut(MatterSummary):
    query_code: str
    facts: str
    first_responsible: str
    urgent: bool
    risk_flags: list[str]
    by_proxy: bool
    home_service: bool
    appointment_at: datetime.datetime | None
    answer: str
    outcome: str
    result: str
    feedback: str
    satisfaction: str
    advice_adopted: bool | None
    requesters: list[RequesterOut]
    allowed_actions: list[str]


class MatterPage(Schema):
    items: list[MatterSummary]
    next_cursor: str | None


class EventOut(Schema):
    seq: int
    code: str
    label: str
    from_state: str
    to_state: str
    actor: str
    org: str
    at: datetime.datetime
    note: str
    data: dict[str, Any]


class TransitionIn(Schema):
    note: str = Field("", max_length=5000, description="说明、答复内容、退回理由、办理结果等")
    outcome: str | None = Field(None, description="办结/答复的结果类别，如 mediated、advice_given")
    method: str | None = Field(None, description="反馈方式：phone、sms、in_person、online、letter")
    satisfaction: str | None = Field(
        None, description="very_satisfied|satisfied|basically_satisfied|dissatisfied"
    )
    advice_adopted: bool | None = None
    to_org_id: int | None = Field(None, description="分流：接收单位")
    to_person_id: int | None = None
    service_type: str | None = Field(None, description="分流：事项类型代码")
    domain: str | None = Field(None, description="分流：法律领域代码（需要更正时）")
    instructions: str = ""
    where_to_go: str = ""
    due_date: ApiDate | None = None
    referral_org_id: int | None = Field(None, description="引导至的外部门")


class HandOverIn(Schema):
    to_user: str = Field(..., description="接手人员的用户名")
    note: str = Field(..., max_length=2000)


class RevealIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        ..., description="查看事由（记入审计日志）"
    )


class RevealOut(Schema):
    id_number: str
    phone: str
    address: str


class MatterUpdateIn(Schema):
    title: str | None = Field(None, max_length=100)
    facts: str | None = Field(None, max_length=10000)
    domain: str | None = None
    urgent: bool | None = None
    risk_escalation: bool | None = None
    risk_group: bool | None = None
    risk_stability: bool | None = None
    by_proxy: bool | None = None
    home_service: bool | None = None
    appointment_at: ApiDateTime | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str


class MatterFilters(Schema):
    state: str | None = None
    channel: str | None = None
    service_type: str | None = None
    domain: str | None = None
    org: str | None = None
    date_from: ApiDate | None = None
    date_to: ApiDate | None = None
    overdue: bool | None = None
    q: str | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


# --- adapters ----------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The staff member or integration account the router authenticated."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden(_("请先登录。"))
    return user


def _summary(m: Matter) -> dict[str, Any]:
    return {
        "number": m.number,
        "title": m.title,
        "channel": m.channel,
        "state": m.state,
        "state_label": m.get_state_display(),
        "service_type": m.service_type.code,
        "domain": m.domain.code,
        "receiving_org": {"id": m.receiving_org_id, "name": m.receiving_org.name},
        "current_org": {"id": m.current_org_id, "name": m.current_org.name},
        "registered_at": m.registered_at,
        "due_date": m.due_date,
        "overdue": m.overdue,
    }


def matter_out(m: Matter, user: User) -> dict[str, Any]:
    data = _summary(m)
    data.update(
        {
            "query_code": m.query_code,
            "facts": m.facts,
            "first_responsible": m.first_responsible.display_name,
            "urgent": m.urgent,
            "risk_flags": [
                name
                for name, flag in (
                    ("escalation", m.risk_escalation),
                    ("group", m.risk_group),
                    ("stability", m.risk_stability),
                )
                if flag
            ],
            "by_proxy": m.by_proxy,
            "home_service": m.home_service,
            "appointment_at": m.appointment_at,
            "answer": m.answer,
            "outcome": m.outcome,
            "result": m.result,
            "feedback": m.feedback,
            "satisfaction": m.satisfaction,
            "advice_adopted": m.advice_adopted,
            "requesters": [
                {
                    "id": r.pk,
                    "role": r.role,
                    "is_primary": r.is_primary,
                    "name": r.name,
                    "gender": r.gender,
                    "age": r.age,
                    "id_number": r.id_number_mask,
                    "phone": r.phone_mask,
                    "address": r.address_mask,
                    "groups": r.group_codes,
                }
                for r in m.requesters.all()
            ],
            "allowed_actions": [t.code for t in selectors.allowed_transitions(m, user)],
        }
    )
    return data


def _event_out(e: MatterEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "code": e.code,
        "label": e.get_code_display(),
        "from_state": e.from_state,
        "to_state": e.to_state,
        "actor": e.actor_label,
        "org": e.org.name if e.org else "",
        "at": e.at,
        "note": e.note,
        "data": e.data,
    }


def _access(request: HttpRequest, number: str) -> Matter:
    return selectors.access_matter(_user(request), number)


# --- endpoints ---------------------------------------------------------------------------------


@staff_router.post(
    "/matters",
    response={201: MatterOut, 200: MatterOut},
    summary="登记服务事项",
    description="支持 `Idempotency-Key` 请求头：重试返回同一事项（200），不会重复登记。",
)
def create_matter(request: HttpRequest, payload: MatterIn) -> Status:
    user = _user(request)

    def create() -> tuple[int, dict[str, Any]]:
        matter = services.do_register_matter(registration_data(payload), actor=user, created_via="api")
        return 201, matter_out(matter, user)

    status, body, replayed = run_idempotent(request, "matters.create", payload.dict(), create)
    return Status(200 if replayed else status, body)


@staff_router.get("/matters", response=MatterPage, summary="事项列表（游标分页）")
def list_matters(request: HttpRequest, filters: Query[MatterFilters]) -> dict[str, Any]:
    params = {
        k: str(v) for k, v in filters.dict().items() if v not in (None, "") and k not in ("cursor", "limit")
    }
    if filters.overdue:
        params["overdue"] = "1"
    qs = selectors.search_matters(_user(request), params)
    items, next_cursor = paginate(qs, filters.cursor, filters.limit)
    return {"items": [_summary(m) for m in items], "next_cursor": next_cursor}


@staff_router.get("/matters/{number}", response=MatterOut, summary="事项详情")
def get_matter(request: HttpRequest, number: str) -> dict[str, Any]:
    return matter_out(_access(request, number), _user(request))


@staff_router.patch("/matters/{number}", response=MatterOut, summary="修改登记信息")
def update_matter(request: HttpRequest, number: str, payload: MatterUpdateIn) -> dict[str, Any]:
    user = _user(request)
    matter = _access(request, number)
    changes = payload.dict(exclude_unset=True)
    if changes.get("domain") is not None:
        changes["domain"] = domain_by_code(changes["domain"])
    services.do_update_matter(matter, changes, actor=user)
    return matter_out(_access(request, number), user)


@staff_router.get("/matters/{number}/events", response=list[EventOut], summary="事项日志")
def matter_events(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    return [_event_out(e) for e in selectors.events_of(_access(request, number))]


@staff_router.post(
    "/matters/{number}/transitions/{code}",
    response=MatterOut,
    summary="流转操作",
    description="code: "
    + "、".join(f"{c}（{t.label}）" for c, t in TRANSITIONS.items() if t.actor == "holder"),
)
def take_transition(request: HttpRequest, number: str, code: str, payload: TransitionIn) -> dict[str, Any]:
    user = _user(request)
    matter = _access(request, number)
    if selectors.staff_transition(code) is None:
        raise NotFound(_("未知的操作：%(code)s") % {"code": code})
    data: dict[str, Any] = {
        "outcome": payload.outcome,
        "method": payload.method,
        "satisfaction": payload.satisfaction,
        "advice_adopted": payload.advice_adopted,
    }
    if code == "transfer":
        to_org = org_by_id(payload.to_org_id, "to_org_id")
        if to_org is None:
            raise InvalidInput(_("请指定接收单位。"), fields={"to_org_id": _("必填。")})
        person = None
        if payload.to_person_id is not None:
            person = Person.objects.filter(pk=payload.to_person_id).first()
            if person is None:
                raise InvalidInput(_("人员不存在。"), fields={"to_person_id": _("人员不存在。")})
        data["transfer"] = services.TransferData(
            to_org=to_org,
            service_type=service_type_by_code(payload.service_type) if payload.service_type else None,
            domain=domain_by_code(payload.domain) if payload.domain else None,
            to_person=person,
            instructions=payload.instructions,
            where_to_go=payload.where_to_go,
            due_date=payload.due_date,
        )
    if code == "refer_out":
        data["referral_org"] = org_by_id(payload.referral_org_id, "referral_org_id")
    services.transition(matter, code, actor=user, note=payload.note, payload=data)
    return matter_out(_access(request, number), user)


@staff_router.post("/matters/{number}/hand-over", response=MatterOut, summary="首问责任交接")
def hand_over(request: HttpRequest, number: str, payload: HandOverIn) -> dict[str, Any]:
    user = _user(request)
    matter = _access(request, number)
    to_user = User.objects.filter(username=payload.to_user, is_active=True).first()
    if to_user is None:
        raise InvalidInput(_("接手人员不存在。"), fields={"to_user": _("没有这个账号。")})
    services.do_hand_over_matter(matter, to_user, actor=user, note=payload.note)
    return matter_out(_access(request, number), user)


@staff_router.post(
    "/matters/{number}/requesters/{requester_id}/reveal",
    response=RevealOut,
    summary="查看完整个人信息（需权限，记入审计日志）",
)
def reveal(request: HttpRequest, number: str, requester_id: int, payload: RevealIn) -> dict[str, str]:
    requester = selectors.requester_of(_access(request, number), requester_id)
    return services.do_reveal_personal_data(requester, actor=_user(request), reason=payload.reason)


@staff_router.post("/matters/{number}/attachments", response={201: AttachmentOut}, summary="上传附件")
def upload(request: HttpRequest, number: str, file: File[UploadedFile]) -> Status:
    matter = _access(request, number)
    attachment = services.do_add_attachment(matter, file, actor=_user(request))
    return Status(201, attachment)


@staff_router.get(
    "/people/matters", response=list[MatterSummary], summary="同一当事人的历史事项（按身份证号或电话）"
)
def person_history(
    request: HttpRequest,
    id_number: str = "",
    phone: str = "",
) -> list[dict[str, Any]]:
    qs = services.do_reveal_person_history(id_number=id_number, phone=phone, actor=_user(request))
    return [_summary(m) for m in qs[:200]]


# --- public: track and rate by query code (anonymous, rate-limited) ----------------------------


class StepOut(Schema):
    label: str
    at: datetime.datetime | None
    detail: str
    done: bool


class ContactOut(Schema):
    name: str
    address: str
    phone: str
    hours: str
    guidance: str


class OutcomeOut(Schema):
    code: str = Field(..., examples=["mediated"])
    label: str = Field(..., examples=["调解成功"])
    summary: str = Field(..., examples=["经人民调解，双方已达成调解协议。"])
    by: str = Field(..., description="办理单位", examples=["陈坪街道人民调解委员会"])
    at: datetime.datetime | None
    next_steps: list[str] = Field(..., description="下一步怎么办（系统文本，不含个人信息）")
    contact: ContactOut | None = Field(None, description="可以去哪里（单位的公开信息）")
    contact_role: str


class TrackOut(Schema):
    query_code: str
    service_type: str
    state: str
    state_label: str
    registered_at: datetime.datetime
    receiving_org: str
    current_org: str
    due_date: datetime.date | None
    steps: list[StepOut]
    can_rate: bool
    rated: bool
    outcome: OutcomeOut | None = Field(None, description="办理结果：办了什么、下一步怎么办（办结后）")


class RatingIn(Schema):
    satisfaction: Satisfaction
    advice_adopted: bool | None = None
    comment: str = Field("", max_length=500)


@public_router.get("/track/{code}", response=TrackOut, summary="凭查询码查看办理进度（不含个人信息）")
@public_limit
def track(request: HttpRequest, code: str) -> dict[str, Any]:
    return public_status(selectors.matter_by_query_code(code)).as_dict()


@public_router.post("/track/{code}/rating", response=TrackOut, summary="凭查询码评价服务")
@public_limit
def rate(request: HttpRequest, code: str, payload: RatingIn) -> dict[str, Any]:
    matter = services.do_rate_matter(
        code,
        satisfaction=payload.satisfaction,
        advice_adopted=payload.advice_adopted,
        comment=payload.comment,
    )
    return public_status(matter).as_dict()
