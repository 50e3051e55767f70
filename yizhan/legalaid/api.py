"""Legal-aid API: the public eligibility contract (SPEC §5) and the staff case workflow.

The eligibility endpoint reads the raw JSON object and lets the rules engine validate it, so the API,
the staff form and the public self-check give the same answer and the same field errors."""

from __future__ import annotations

import datetime
import json
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError

from yizhan.accounts.models import User
from yizhan.core.errors import InvalidInput
from yizhan.core.http.fields import ApiDate, ApiDateTime
from yizhan.core.http.idempotency import run_idempotent
from yizhan.core.http.pagination import MAX_LIMIT, paginate
from yizhan.core.ratelimit import public_limit
from yizhan.legalaid import eligibility, selectors, services
from yizhan.legalaid.models import Authority, LegalAidCase, Source
from yizhan.legalaid.states import STEPS, CaseStage
from yizhan.matters.schemas import MatterIn, registration_data

public_router = Router(tags=["法律援助"])
staff_router = Router(tags=["法律援助"])

# --- the public contract ---------------------------------------------------------------------------


class EligibilityIn(Schema):
    """The applicant's facts (SPEC §5). Absent lists are empty; ``economic_hardship`` given
    explicitly wins over income figures; with income figures the region's dated standard decides."""

    proceeding: Literal["criminal", "civil", "administrative", "state_compensation", "non_litigation"]
    role: (
        Literal[
            "suspect_or_defendant",
            "victim",
            "private_prosecutor",
            "incidental_civil_plaintiff",
            "compulsory_medical_respondent",
            "applicant",
        ]
        | None
    ) = Field(None, description="刑事案件必填；其他程序默认为 applicant")
    claim: (
        Literal[
            "state_compensation",
            "social_insurance_or_assistance",
            "pension",
            "support_payment",
            "labor_relation",
            "wages",
            "capacity_declaration",
            "work_injury_compensation",
            "traffic_accident_compensation",
            "food_drug_safety_compensation",
            "medical_accident_compensation",
            "environmental_damage",
            "other",
            "labor_relation_or_wages",
            "personal_injury_compensation",
        ]
        | None
    ) = Field(
        None,
        description=(
            "第三十一条所列事项；默认 other。第五项分为 labor_relation（确认劳动关系）和"
            " wages（支付劳动报酬），"
            "第七项分为 work_injury_compensation、traffic_accident_compensation、"
            "food_drug_safety_compensation、medical_accident_compensation，因为第四十二条第三项只对"
            "支付劳动报酬和工伤事故人身损害赔偿免予核查。旧的合并代码 labor_relation_or_wages、"
            "personal_injury_compensation 仍然接受（已弃用）：答复按该项事项作出，说明中请求选择具体事项，"
            "进城务工人员因此不能确定是否免予核查的，outcome 为 needs_verification。"
        ),
    )
    retrial: bool = Field(False, description="人民法院已决定再审或者人民检察院已抗诉（第三十三条）")
    has_counsel: bool = False
    circumstances: list[
        Literal[
            "martyr_relative_personality_rights",
            "good_samaritan",
            "acquitted_on_retrial_compensation",
            "abuse_abandonment_or_domestic_violence_victim",
        ]
    ] = Field(default_factory=list, description="第三十二条情形；地区扩展（第三十二条第五项）的代码同样接受")
    person: list[
        Literal[
            "minor",
            "visual_hearing_speech_disability",
            "cannot_fully_recognize_conduct",
            "may_face_life_or_death_sentence",
            "death_penalty_review",
            "tried_in_absentia",
        ]
    ] = Field(default_factory=list, description="第二十五条第一款情形")
    groups: list[
        Literal[
            "minor_no_fixed_income",
            "elderly_no_fixed_income",
            "disabled_no_fixed_income",
            "social_assistance",
            "judicial_assistance",
            "preferential_treatment",
            "migrant_worker",
        ]
    ] = Field(default_factory=list, description="第四十二条人员；地区扩展（第四十二条第四项）的代码同样接受")
    economic_hardship: bool | None = None
    household_size: int | None = Field(None, ge=1, le=50)
    household_monthly_income: float | None = Field(None, ge=0, description="家庭月收入（元）")
    region: str | None = Field(None, description="行政区划代码，用于选取当地经济困难标准（第三十四条）")
    claim_detail: str | None = Field(
        None, description="可选：本地区规定的其他法律援助事项代码（第三十一条第九项）"
    )
    urgency: list[Literal["limitation_within_7_days", "preservation_needed"]] = Field(
        default_factory=list, description="可选：先行提供法律援助的情形（第四十四条）"
    )
    materials_supplied: list[
        Literal[
            "application_form",
            "identity",
            "hardship_statement",
            "group_proof",
            "circumstance_proof",
            "retrial_decision",
            "matter_documents",
        ]
    ] = Field(default_factory=list, description="可选：已提交的材料，不再列入 missing（第四十三条）")


class EligibilityOut(Schema):
    eligible: bool = Field(
        ..., description="是否可以获得（或申请）法律援助；outcome 为 needs_verification 时也为 true"
    )
    outcome: Literal["eligible", "not_eligible", "needs_verification"] = Field(
        ...,
        description=(
            "eligible：符合条件；not_eligible：不符合条件；needs_verification：属于法律援助范围，"
            "但经济困难条件适用且尚未确定（或第二十四条的“其他原因”），由法律援助机构核查后决定。"
        ),
    )
    route: Literal["notification", "application"]
    economic_condition: Literal["required", "waived", "exempt_from_verification", "not_applicable"]
    grounds: list[str]
    missing: list[str]
    explanation: str


ELIGIBILITY_EXAMPLES = {
    "migrant_worker": {
        "summary": "进城务工人员讨薪（免予核查经济困难状况）→ eligible",
        "value": {
            "proceeding": "civil",
            "role": "applicant",
            "claim": "wages",
            "groups": ["migrant_worker"],
            "region": "620104",
        },
    },
    "traffic_accident": {
        "summary": "进城务工人员交通事故赔偿，未说明经济状况 → needs_verification",
        "value": {
            "proceeding": "civil",
            "claim": "traffic_accident_compensation",
            "groups": ["migrant_worker"],
        },
    },
    "not_in_scope": {
        "summary": "第三十一条所列以外的民事事项 → not_eligible",
        "value": {"proceeding": "civil", "claim": "other", "economic_hardship": True},
    },
    "minor_defendant": {
        "summary": "未成年犯罪嫌疑人（通知辩护）",
        "value": {"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]},
    },
    "income": {
        "summary": "按当地经济困难标准测算",
        "value": {
            "proceeding": "civil",
            "claim": "support_payment",
            "economic_hardship": None,
            "household_size": 3,
            "household_monthly_income": 2400,
            "region": "620104",
        },
    },
}


ELIGIBILITY_ANSWER_EXAMPLES = {
    "eligible": {
        "summary": "eligible：进城务工人员讨薪",
        "value": {
            "eligible": True,
            "outcome": "eligible",
            "route": "application",
            "economic_condition": "exempt_from_verification",
            "grounds": ["法律援助法第三十一条第五项", "法律援助法第四十二条第三项"],
            "missing": [
                "法律援助申请表",
                "申请人身份证明",
                "属于免予核查经济困难状况人员的证明材料（第四十二条）",
                "与所申请法律援助事项有关的材料",
            ],
            "explanation": "结论：符合法律援助条件，可以申请法律援助。\n…",
        },
    },
    "needs_verification": {
        "summary": "needs_verification：交通事故赔偿，经济困难状况待核查",
        "value": {
            "eligible": True,
            "outcome": "needs_verification",
            "route": "application",
            "economic_condition": "required",
            "grounds": ["法律援助法第三十一条第七项", "法律援助法第四十一条"],
            "missing": [
                "法律援助申请表",
                "申请人身份证明",
                "经济困难状况说明表或者个人诚信承诺书（第四十一条）",
                "与所申请法律援助事项有关的材料",
            ],
            "explanation": "结论：申请事项属于法律援助范围，经核查经济困难的，可以获得法律援助。\n…",
        },
    },
    "not_eligible": {
        "summary": "not_eligible：不属于法律援助事项",
        "value": {
            "eligible": False,
            "outcome": "not_eligible",
            "route": "application",
            "economic_condition": "not_applicable",
            "grounds": ["法律援助法第三十一条"],
            "missing": [],
            "explanation": "结论：不符合法律援助条件。\n…",
        },
    },
}


def _json_object(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(
            _("请求体不是有效的 JSON。"), fields={"body": _("请求体不是有效的 JSON。")}
        ) from None


@public_router.post(
    "/legal-aid/eligibility",
    response=EligibilityOut,
    summary="法律援助资格测算（规则即代码）",
    description=(
        "依法律援助法判断是否符合法律援助条件、途径（通知或申请）、经济困难条件（需审查、不受限制、"
        "免予核查、不适用），给出所依据的每一条款、需要补充的材料和可以念给群众听的说明。"
        "`outcome` 区分三种结论：`eligible`、`not_eligible`、`needs_verification`"
        "（经济困难条件适用而尚未确定，由法律援助机构核查）。未知代码返回 422，`fields` 指明字段。"
        "经济困难标准按地区和日期取当时有效的标准（第三十四条）。"
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": EligibilityIn.model_json_schema(),
                    "examples": ELIGIBILITY_EXAMPLES,
                }
            },
        },
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"examples": ELIGIBILITY_ANSWER_EXAMPLES}},
            }
        },
    },
)
@public_limit
def check_eligibility(request: HttpRequest) -> dict[str, Any]:
    return eligibility.public(_json_object(request))


# --- staff: cases ----------------------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    name: str


class CaseSummary(Schema):
    number: str
    matter_number: str
    stage: str
    stage_label: str
    route: str
    source: str
    centre: OrgRef
    case_cause: str
    decision: str
    decision_due: datetime.date | None
    assign_due: datetime.date | None
    materials_due: datetime.date | None
    current_due: datetime.date | None
    assignee: str


class CaseOut(CaseSummary):
    query_code: str
    facts: dict[str, Any]
    eligibility: dict[str, Any]
    decision_number: str
    decision_reasons: str
    decided_at: datetime.datetime | None
    received_at: datetime.datetime | None
    materials_requested: list[str]
    chosen_by_applicant: bool
    assigned_at: datetime.datetime | None
    provisional: bool
    formalities_due: datetime.date | None
    simplified: bool
    home_visit: bool
    accessibility_notes: str
    closed_at: datetime.datetime | None
    allowed_steps: list[str]


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None


class CaseFilters(Schema):
    stage: CaseStage | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


class ApplicationMatterIn(MatterIn):
    service_type: str = Field("legal_aid", description="固定为 legal_aid")


class ApplicationIn(Schema):
    matter: ApplicationMatterIn
    facts: dict[str, Any] = Field(..., description="与资格测算接口相同的事实字段")
    source: Literal["window", "online", "hotline", "detention", "representative"] = "window"
    applicant_relation: str = Field("", max_length=32, description="代为申请人与受援人关系（第四十条）")
    detention_place: str = Field("", max_length=128)
    detention_submitted_at: ApiDateTime | None = Field(
        None, description="在押人员提出申请时间（第三十九条，二十四小时内转交）"
    )
    case_cause: str = Field("", max_length=128)
    simplified: bool = False
    home_visit: bool = False
    accessibility_notes: str = Field("", max_length=255)


class NotificationIn(Schema):
    matter: ApplicationMatterIn
    facts: dict[str, Any]
    authority: Authority
    authority_name: str = Field(..., max_length=128)
    notice_number: str = Field(..., max_length=64)
    notified_at: ApiDateTime
    received_at: ApiDateTime | None = Field(
        None, description="法律援助机构收到通知的时间（第三十六条：收到通知后三日内指派）；默认为登记时"
    )
    case_cause: str = Field("", max_length=128)


class StepIn(Schema):
    note: str = Field("", max_length=5000, description="说明、理由、决定理由、异议理由等")
    items: list[str] = Field(default_factory=list, description="一次性告知需补充的材料（request_materials）")
    due: ApiDate | None = Field(None, description="补充材料期限（request_materials）")
    person_id: int | None = Field(None, description="承办人员（assign）")
    chosen_by_applicant: bool = Field(False, description="受援人从名册中自选（assign）")
    reason: str = Field("", description="先行提供（provide_provisionally）或终止（terminate）的情形代码")
    formalities_due: ApiDate | None = None
    materials: list[str] = Field(default_factory=list, description="结案材料代码（close，第五十条）")
    quality_score: int | None = Field(None, ge=0, le=100, description="质量评查得分（archive）")
    on_behalf_reason: str = Field(
        "",
        max_length=500,
        description="律师事务所负责人或法律援助机构代承办律师结案（close）的理由；承办律师本人办理时不填",
    )


class ProgressIn(Schema):
    content: str = Field(..., min_length=1, max_length=5000)
    for_recipient: bool = Field(True, description="向受援人通报：凭查询码查看进度时显示（第四十六条第二款）")
    on_behalf_reason: str = Field(
        "", max_length=500, description="律师事务所负责人或法律援助机构代承办律师报告的理由"
    )


class ProgressOut(Schema):
    at: datetime.datetime
    author: str
    content: str


def _user(request: HttpRequest) -> User:
    """The staff member or integration client the router authenticated."""
    user = request.user
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def _summary(case: LegalAidCase) -> dict[str, Any]:
    return {
        "number": case.number,
        "matter_number": case.matter.number,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "route": case.route,
        "source": case.source,
        "centre": {"id": case.centre_id, "name": case.centre.name},
        "case_cause": case.case_cause,
        "decision": case.decision,
        "decision_due": case.decision_due,
        "assign_due": case.assign_due,
        "materials_due": case.materials_due,
        "current_due": selectors.current_due(case),
        "assignee": case.assignee.name if case.assignee else "",
    }


def case_out(case: LegalAidCase, user: User) -> dict[str, Any]:
    return {
        **_summary(case),
        "query_code": case.matter.query_code,
        "facts": case.facts,
        "eligibility": case.eligibility,
        "decision_number": case.decision_number,
        "decision_reasons": case.decision_reasons,
        "decided_at": case.decided_at,
        "received_at": case.received_at,
        "materials_requested": list(case.materials_requested or []),
        "chosen_by_applicant": case.chosen_by_applicant,
        "assigned_at": case.assigned_at,
        "provisional": case.provisional,
        "formalities_due": case.formalities_due,
        "simplified": case.simplified,
        "home_visit": case.home_visit,
        "accessibility_notes": case.accessibility_notes,
        "closed_at": case.closed_at,
        "allowed_steps": [s.code for s in selectors.steps_for(case, user)],
    }


@staff_router.get("/legal-aid/cases", response=CasePage, summary="法律援助案件列表（游标分页）")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    qs = selectors.case_list(_user(request), stage=filters.stage or "")
    items, next_cursor = paginate(qs, filters.cursor, filters.limit)
    return {"items": [_summary(c) for c in items], "next_cursor": next_cursor}


@staff_router.get("/legal-aid/cases/{number}", response=CaseOut, summary="法律援助案件详情")
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    user = _user(request)
    return case_out(selectors.access_case(user, number), user)


@staff_router.post(
    "/legal-aid/cases",
    response={201: CaseOut, 200: CaseOut},
    summary="受理法律援助申请",
    description="窗口、网上、热线、羁押场所转交（第三十九条）、代为申请（第四十条）。"
    "支持 `Idempotency-Key`。",
)
def apply(request: HttpRequest, payload: ApplicationIn) -> Status:
    user = _user(request)

    def create() -> tuple[int, dict[str, Any]]:
        application = services.Application(
            registration=registration_data(payload.matter),
            facts=payload.facts,
            source=Source(payload.source),
            applicant_relation=payload.applicant_relation,
            detention_place=payload.detention_place,
            detention_submitted_at=payload.detention_submitted_at,
            case_cause=payload.case_cause,
            simplified=payload.simplified,
            home_visit=payload.home_visit,
            accessibility_notes=payload.accessibility_notes,
        )
        return 201, case_out(services.do_register_application(application, actor=user), user)

    status, body, replayed = run_idempotent(request, "legalaid.apply", payload.dict(), create)
    return Status(200 if replayed else status, body)


@staff_router.post(
    "/legal-aid/notifications",
    response={201: CaseOut, 200: CaseOut},
    summary="登记办案机关通知辩护/代理（第二十五、二十八、三十六条）",
    description="登记即视为给予，三日内指派。支持 `Idempotency-Key`。",
)
def notify(request: HttpRequest, payload: NotificationIn) -> Status:
    user = _user(request)

    def create() -> tuple[int, dict[str, Any]]:
        notice = services.Notification(
            registration=registration_data(payload.matter),
            facts=payload.facts,
            authority=payload.authority,
            authority_name=payload.authority_name,
            notice_number=payload.notice_number,
            notified_at=payload.notified_at,
            received_at=payload.received_at,
            case_cause=payload.case_cause,
        )
        return 201, case_out(services.do_register_notification(notice, actor=user), user)

    status, body, replayed = run_idempotent(request, "legalaid.notify", payload.dict(), create)
    return Status(200 if replayed else status, body)


@staff_router.post(
    "/legal-aid/cases/{number}/steps/{code}",
    response=CaseOut,
    summary="办理步骤",
    description="步骤代码：" + "、".join(f"`{code}`（{step.article}）" for code, step in STEPS.items()),
)
def take_step(request: HttpRequest, number: str, code: str, payload: StepIn) -> dict[str, Any]:
    user = _user(request)
    case = selectors.access_case(user, number)
    extra: dict[str, Any] = {
        "items": payload.items,
        "chosen_by_applicant": payload.chosen_by_applicant,
        "reason": payload.reason,
        "materials": payload.materials,
        "on_behalf_reason": payload.on_behalf_reason,
    }
    for key in ("due", "formalities_due", "quality_score"):
        if getattr(payload, key) is not None:
            extra[key] = getattr(payload, key)
    if payload.person_id is not None:
        person = selectors.person_by_id(payload.person_id)
        if person is None:
            raise InvalidInput(_("承办人员不存在。"), fields={"person_id": _("承办人员不存在。")})
        extra["person"] = person
    services.do_advance_case(case, code, actor=user, note=payload.note, **extra)
    return case_out(selectors.access_case(user, number), user)


@staff_router.post(
    "/legal-aid/cases/{number}/progress",
    response={201: ProgressOut},
    summary="报告办理进展（第四十六条）",
    description="承办律师本人报告；所在律师事务所负责人或法律援助机构代为报告的，须填写 `on_behalf_reason`。",
)
def report_progress(request: HttpRequest, number: str, payload: ProgressIn) -> Status:
    user = _user(request)
    case = selectors.access_case(user, number)
    report = services.do_report_progress(
        case,
        payload.content,
        actor=user,
        for_recipient=payload.for_recipient,
        on_behalf_reason=payload.on_behalf_reason,
    )
    return Status(201, {"at": report.at, "author": str(report.author), "content": report.content})
