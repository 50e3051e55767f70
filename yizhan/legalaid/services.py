"""Every change to a legal-aid case happens here, in step with its service matter.

``advance(case, step, actor=…)`` is the only function that changes ``LegalAidCase.stage``; it checks
the step against states.STEPS (stage, permission, jurisdiction), runs the step's effect — which moves
the matter through ``yizhan.matters.services.transition`` in the same transaction — and records a
matter event naming the article the step rests on.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Conflict, DomainError, Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.models import Sequence
from yizhan.legalaid import clocks, eligibility
from yizhan.legalaid.models import (
    Authority,
    Decision,
    LegalAidCase,
    Objection,
    ProgressReport,
    Route,
    Source,
)
from yizhan.legalaid.states import (
    CLOSING_MATERIALS,
    OBJECTION_CORRECTS,
    OBJECTION_RETURNS,
    PROVISIONAL_REASONS,
    STEPS,
    TERMINATION_REASONS,
    CaseStage,
    Step,
    available_steps,
)
from yizhan.matters import selectors as matter_selectors
from yizhan.matters import services as matter_services
from yizhan.matters.models import Channel, EventCode, Matter, MatterEvent, Outcome, ServiceType
from yizhan.matters.services import RegistrationData, TransferData
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Organization, OrgKind, Person

S = CaseStage
logger = logging.getLogger(__name__)


# --- inputs -------------------------------------------------------------------------------------


@dataclass
class Application:
    """An application for legal aid: the matter's registration plus the facts the law looks at."""

    registration: RegistrationData
    facts: dict[str, Any]
    source: str = Source.WINDOW
    applicant_relation: str = ""
    detention_place: str = ""
    detention_submitted_at: datetime.datetime | None = None
    case_cause: str = ""
    simplified: bool = False
    home_visit: bool = False
    accessibility_notes: str = ""
    preferred_person: Person | None = None  # 点援制: chosen from the published roster
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Notification:
    """A court, procuratorate or police notice to assign a defender (第二十五、二十八、三十六条)."""

    registration: RegistrationData
    facts: dict[str, Any]
    authority: str
    authority_name: str
    notice_number: str
    notified_at: datetime.datetime
    case_cause: str = ""


# --- helpers -----------------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return timezone.now()


def centre_for(unit: Organization) -> Organization:
    """The legal-aid centre serving ``unit``: the nearest one among the units above it (or itself)."""
    node: Organization | None = unit
    while node is not None:
        if node.kind == OrgKind.LEGAL_AID_CENTER:
            return node
        centre = Organization.objects.filter(
            parent=node, kind=OrgKind.LEGAL_AID_CENTER, is_active=True
        ).first()
        if centre is not None:
            return centre
        node = node.parent
    raise InvalidInput(
        _("没有找到负责该地区的法律援助机构。"),
        fields={"receiving_org": _("请先在机构名录中设置法律援助中心。")},
    )


def _case_number(centre: Organization, at: datetime.datetime) -> str:
    year = timezone.localtime(at).year
    seq = Sequence.next_value(f"legal_aid:{centre.pk}:{year}")
    return f"{centre.region.code[:6]}FY{year}{seq:05d}"


def _record(
    case: LegalAidCase, step: str, article: str, *, actor: User | None, note: str = "", **data: Any
) -> None:
    """A line on the matter's timeline for a legal-aid step, naming its article."""
    matter_services.append_event(
        case.matter,
        EventCode.LEGAL_AID,
        actor=actor,
        at=_now(),
        note=note,
        data={"step": step, "label": step_label(step), "article": article, "stage": case.stage, **data},
    )


EXTRA_STEP_LABELS = {
    "apply": gettext_lazy("提出申请"),
    "notification": gettext_lazy("登记通知辩护/代理"),
    "converted": gettext_lazy("咨询转为法律援助申请"),
    "progress": gettext_lazy("通报办理情况"),
    "formalities": gettext_lazy("补办手续、补充材料"),
}


def step_label(code: str) -> str:
    """The Chinese name of a step, for the timeline (stored with the event, so it reads the same later)."""
    if code in STEPS:
        return str(STEPS[code].label)
    return str(EXTRA_STEP_LABELS.get(code, code))


def _legal_aid_type() -> ServiceType:
    return ServiceType.objects.get(code="legal_aid")


def _locked(case: LegalAidCase) -> LegalAidCase:
    return LegalAidCase.objects.select_for_update().select_related("matter", "centre").get(pk=case.pk)


def visible_to(actor: User, case: LegalAidCase) -> bool:
    from yizhan.matters.selectors import visible_matters

    return visible_matters(actor).filter(pk=case.matter_id).exists()


def required_permission(step: Step, case: LegalAidCase) -> str:
    """The permission ``step`` needs on ``case``: an application that never reached the centre
    (referred or withdrawn at the station's pre-check) is filed by the station that holds it."""
    if step.code == "archive" and case.received_at is None:
        return STEPS["precheck_pass"].permission
    return step.permission


def steps_for(case: LegalAidCase, actor: User) -> list[Step]:
    """The steps ``actor`` may take on ``case`` in its current stage (what the case page offers)."""
    return [s for s in available_steps(case.stage) if actor.has_perm(required_permission(s, case))]


def _check(case: LegalAidCase, step: Step, actor: User) -> None:
    if not visible_to(actor, case):
        raise NotFound(_("案件不存在。"))
    if not actor.has_perm(required_permission(step, case)):
        raise Forbidden(_("您的账号没有「%(action)s」的权限。") % {"action": step.label})
    if case.stage not in step.sources:
        raise IllegalTransition(
            _("案件当前阶段为「%(stage)s」，不能执行「%(action)s」。")
            % {"stage": case.get_stage_display(), "action": step.label}
        )


# --- creating cases -------------------------------------------------------------------------------


def _evaluate(facts: dict[str, Any], region_code: str) -> dict[str, Any]:
    """Run the eligibility engine; bad facts come back as field errors under ``facts.``."""
    return eligibility.evaluate(facts, region_code=region_code)


def do_apply(application: Application, *, actor: User | None) -> LegalAidCase:
    """申请: from the window, online (actor None), the hotline, a detention centre (art. 39) or a legal
    representative (art. 40). The matter is registered where the application arrives; the station
    pre-checks it and forwards it to the centre."""
    registration = application.registration
    registration.service_type = _legal_aid_type()
    if application.source == Source.DETENTION and application.detention_submitted_at is None:
        raise InvalidInput(
            _("请填写在押人员提出申请的时间。"),
            fields={"detention_submitted_at": _("第三十九条：办案机关、监管场所应在二十四小时内转交。")},
        )
    if application.source == Source.REPRESENTATIVE and not application.applicant_relation.strip():
        raise InvalidInput(
            _("请填写代为申请人与受援人的关系。"),
            fields={"applicant_relation": _("第四十条：法定代理人或近亲属可以代为申请。")},
        )
    with transaction.atomic():
        matter = matter_services.do_register_matter(registration, actor=actor)
        snapshot = _evaluate(application.facts, matter.region_id)
        centre = centre_for(matter.receiving_org)
        now = _now()
        at_centre = matter.receiving_org_id == centre.pk
        case = LegalAidCase.objects.create(
            matter=matter,
            number=_case_number(centre, now),
            stage=S.APPLIED,
            route=Route.APPLICATION,
            source=application.source,
            centre=centre,
            applicant_relation=application.applicant_relation,
            detention_place=application.detention_place,
            detention_submitted_at=application.detention_submitted_at,
            case_cause=application.case_cause,
            facts=application.facts,
            eligibility=snapshot,
            simplified=application.simplified,
            home_visit=application.home_visit or matter.home_service,
            accessibility_notes=application.accessibility_notes,
            preferred_person=application.preferred_person,
        )
        _record(case, "apply", "法律援助法第三十八条", actor=actor, source=application.source)
        if at_centre:
            # applied at the centre itself: no station in between, the review clock starts now
            _start_review(case, actor, now)
    if (
        case.simplified
        and not at_centre
        and actor is not None
        and actor.has_perm(STEPS["precheck_pass"].permission)
    ):
        # 简化程序 for special groups (应援尽援): the window's pre-check is done at intake and the
        # application goes to the centre at once — the applicant makes one trip
        case = advance(
            case, "precheck_pass", actor=actor, note=_("简化程序：受理时即完成初审，转法律援助中心审查。")
        )
    return case


def do_register_notification(notice: Notification, *, actor: User) -> LegalAidCase:
    """通知辩护: the centre registers a notice; no economic review, assignment within three days."""
    if notice.authority not in Authority.values:
        raise InvalidInput(
            _("通知机关类别无效。"), fields={"authority": _("请选择人民法院、人民检察院或公安机关。")}
        )
    errors = {}
    if not notice.authority_name.strip():
        errors["authority_name"] = _("请填写通知机关名称。")
    if not notice.notice_number.strip():
        errors["notice_number"] = _("请填写通知书文号。")
    if notice.notified_at > _now() + datetime.timedelta(minutes=5):
        errors["notified_at"] = _("通知时间不能晚于现在。")
    if errors:
        raise InvalidInput(_("通知信息不完整。"), fields=errors)
    if not actor.has_perm(STEPS["assign"].permission):
        raise Forbidden(_("只有法律援助机构工作人员可以登记通知。"))
    earlier = LegalAidCase.objects.filter(
        authority_name=notice.authority_name.strip(), notice_number=notice.notice_number.strip()
    ).first()
    if earlier is not None:
        raise Conflict(
            _("该通知已登记为案件%(n)s，请勿重复登记。") % {"n": earlier.number},
            fields={"notice_number": _("该通知书已登记。")},
        )
    registration = notice.registration
    registration.service_type = _legal_aid_type()
    registration.channel = registration.channel or Channel.LETTER
    with transaction.atomic():
        matter = matter_services.do_register_matter(registration, actor=actor)
        snapshot = _evaluate(notice.facts, matter.region_id)
        if snapshot.get("route") != Route.NOTIFICATION:
            raise InvalidInput(
                _("所述情形不属于应当通知辩护或代理的情形（第二十五、二十八条），请按申请途径办理。"),
                fields={"facts": _("不属于通知辩护情形。")},
            )
        centre = centre_for(matter.receiving_org)
        case = LegalAidCase.objects.create(
            matter=matter,
            number=_case_number(centre, notice.notified_at),
            stage=S.GRANTED,
            route=Route.NOTIFICATION,
            source=Source.NOTIFICATION,
            centre=centre,
            authority=notice.authority,
            authority_name=notice.authority_name.strip(),
            notice_number=notice.notice_number.strip(),
            notified_at=notice.notified_at,
            received_at=_now(),
            case_cause=notice.case_cause,
            facts=notice.facts,
            eligibility=snapshot,
            decision=Decision.GRANT,
            decided_at=_now(),
            decided_by=actor,
            assign_due=clocks.statutory_due(notice.notified_at, clocks.ASSIGN_DAYS).date,
        )
        _record(case, "notification", "法律援助法第三十六条", actor=actor, authority=notice.authority_name)
    return case


def do_convert_consultation(matter: Matter, facts: dict[str, Any], *, actor: User) -> LegalAidCase:
    """A hotline or window consultation that needs legal aid becomes an application without re-typing:
    the requesters (their encrypted data as it is), summary and facts are carried over."""
    from yizhan.matters.selectors import access_matter

    source = access_matter(actor, matter.number)
    converted = MatterEvent.objects.filter(
        code=EventCode.LEGAL_AID, data__step="converted", data__from_matter=source.number
    ).select_related("matter__legal_aid")
    earlier = converted.first()
    if earlier is not None:
        raise Conflict(
            _("该事项已转为法律援助申请%(n)s。") % {"n": earlier.matter.legal_aid.number},
            fields={"matter": earlier.matter.legal_aid.number},
        )
    people = list(source.requesters.all())
    registration = RegistrationData(
        channel=source.channel,
        domain=source.domain,
        service_type=_legal_aid_type(),
        title=source.title,
        facts=source.facts,
        requesters=[],
        region=source.region,
        receiving_org=actor.unit,
    )
    registration.requesters = [
        matter_services.RequesterData(
            name=p.name,
            gender=p.gender,
            age=p.age,
            role=p.role,
            is_primary=p.is_primary,
            groups=p.group_codes,
        )
        for p in people
    ]
    with transaction.atomic():
        case = do_apply(
            Application(
                registration=registration,
                facts=facts,
                source=Source.HOTLINE if source.channel == Channel.HOTLINE else Source.WINDOW,
            ),
            actor=actor,
        )
        for new, old in zip(case.matter.requesters.order_by("id"), people, strict=True):
            new.id_number_encrypted, new.id_number_index, new.id_number_mask = (
                old.id_number_encrypted,
                old.id_number_index,
                old.id_number_mask,
            )
            new.phone_encrypted, new.phone_index, new.phone_mask = (
                old.phone_encrypted,
                old.phone_index,
                old.phone_mask,
            )
            new.address_encrypted, new.address_mask = old.address_encrypted, old.address_mask
            new.save()
        _record(case, "converted", "法律援助法第三十八条", actor=actor, from_matter=source.number)
    return case


# --- steps ---------------------------------------------------------------------------------------


def _start_review(case: LegalAidCase, actor: User | None, now: datetime.datetime) -> None:
    case.received_at = now
    case.decision_due = clocks.statutory_due(now, clocks.DECISION_DAYS).date
    case.stage = S.UNDER_REVIEW
    case.save()


def advance(case: LegalAidCase, code: str, *, actor: User, note: str = "", **payload: Any) -> LegalAidCase:
    """Take step ``code`` (states.STEPS) on ``case``."""
    step = STEPS.get(code)
    if step is None:
        raise NotFound(_("未知的操作：%(code)s") % {"code": code})
    note = (note or "").strip()
    with transaction.atomic():
        locked = _locked(case)
        _check(locked, step, actor)
        before = locked.stage
        data = _EFFECTS[code](locked, actor, note, payload) or {}
        # uphold and correct lead back to where the objection came from (refusal or termination)
        locked.stage = data.pop("_stage", step.target)
        locked.save()
        _record(locked, code, step.article, actor=actor, note=note, **data)
        audit.record(
            AuditAction.TRANSITION,
            locked,
            actor=actor,
            changes={"step": code, "stage": [before, locked.stage], "article": step.article},
        )
    case.refresh_from_db()
    return case


def _matter(case: LegalAidCase, code: str, actor: User, note: str = "", **payload: Any) -> None:
    # the centre decides termination (第四十八条) and closes on the aid worker's report (第五十条): it
    # records the matter's accept/conclude for the law firm it assigned, even when the firm has accounts
    scope = actor.scope_org_ids
    for_dispatcher = case.matter.current_org_id not in scope and case.centre_id in scope
    matter_services.transition(
        case.matter, code, actor=actor, note=note, payload=payload, for_dispatcher=for_dispatcher
    )
    case.matter.refresh_from_db()


def _precheck_pass(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    matter = case.matter
    if matter.current_org_id == case.centre_id:
        raise IllegalTransition(_("申请已在法律援助机构，无需转交。"))
    _matter(
        case,
        "transfer",
        actor,
        note or _("初审：申请材料齐全，属本机构管辖，转法律援助中心审查。"),
        transfer=TransferData(to_org=case.centre, service_type=_legal_aid_type()),
    )
    return {}


def _precheck_refer(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(
            _("请写明应当向哪里的法律援助机构申请。"),
            fields={
                "note": _(
                    "第三十八条：诉讼事项向办案机关所在地、非诉讼事项向争议处理机关所在地或事由发生地的机构申请。"
                )
            },
        )
    _matter(case, "refer_out", actor, note)
    return {}


def _receive(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if case.matter.state == MatterState.TRANSFERRED:
        _matter(case, "accept", actor)
    now = _now()
    _start_review(case, actor, now)
    return {"decision_due": str(case.decision_due)}


def _request_materials(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    items = [str(item).strip() for item in payload.get("items") or [] if str(item).strip()]
    if not items:
        raise InvalidInput(
            _("请列出需要补充的材料。"), fields={"items": _("一次性告知：请把需要补充的材料全部列出。")}
        )
    if case.materials_requested_at is not None:
        raise IllegalTransition(_("补充材料只能一次性告知（第四十三条第二款），本案已告知过。"))
    now = _now()
    due = payload.get("due") or clocks.statutory_due(now, clocks.MATERIALS_DAYS_DEFAULT).date
    if due < timezone.localdate():
        raise InvalidInput(_("补充期限不能早于今天。"), fields={"due": _("补充期限不能早于今天。")})
    case.materials_requested = items
    case.materials_requested_at = now
    case.materials_due = due
    return {"items": items, "due": str(due)}


def _materials_supplied(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    now = _now()
    case.materials_supplied_at = now
    # the seven days run from the day the application is complete
    case.decision_due = clocks.statutory_due(now, clocks.DECISION_DAYS).date
    return {"decision_due": str(case.decision_due)}


def _deem_withdrawn(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    today = payload.get("today") or timezone.localdate()
    if case.materials_due and today <= case.materials_due and not payload.get("force"):
        raise IllegalTransition(_("补充材料期限尚未届满，不能视为撤回。"))
    _matter(
        case,
        "withdraw",
        actor,
        note or _("申请人未在期限内补充材料，依法律援助法第四十三条第二款视为撤回申请。"),
    )
    return {}


def _decide(case: LegalAidCase, actor: User, decision: str, reasons: str) -> None:
    case.decision = decision
    case.decision_reasons = reasons
    case.decided_at = _now()
    case.decided_by = actor
    year = timezone.localtime(case.decided_at).year
    seq = Sequence.next_value(f"legal_aid_decision:{case.centre_id}:{year}")
    prefix = "援决" if decision == Decision.GRANT else "不援决"
    case.decision_number = f"{prefix}〔{year}〕{seq}号"


def _grant(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    reasons = note or case.eligibility.get("explanation", "")
    _decide(case, actor, Decision.GRANT, reasons)
    case.assign_due = clocks.statutory_due(case.decided_at, clocks.ASSIGN_DAYS).date
    # the matter stays "accepted" at the centre until assignment moves it to the aid worker
    return {"decision_number": case.decision_number, "assign_due": str(case.assign_due)}


def _refuse(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(
            _("请写明不予法律援助的理由。"),
            fields={"note": _("第四十三条：决定不予法律援助的，应当书面告知申请人并说明理由。")},
        )
    _decide(case, actor, Decision.REFUSE, note)
    _matter(case, "conclude", actor, note, outcome=Outcome.AID_REFUSED)
    return {"decision_number": case.decision_number}


def _provide_provisionally(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    reason = str(payload.get("reason") or "")
    labels = dict(PROVISIONAL_REASONS)
    if reason not in labels:
        raise InvalidInput(
            _("请选择先行提供的情形。"), fields={"reason": _("第四十四条第一款所列情形之一。")}
        )
    formalities_due = payload.get("formalities_due")
    if formalities_due is not None and formalities_due < timezone.localdate():
        raise InvalidInput(
            _("补办手续期限不能早于今天。"), fields={"formalities_due": _("补办手续期限不能早于今天。")}
        )
    case.provisional = True
    case.provisional_reason = str(labels[reason])
    case.decided_at = case.decided_at or _now()
    case.formalities_due = (
        formalities_due or clocks.statutory_due(case.decided_at, clocks.FORMALITIES_DAYS_DEFAULT).date
    )
    case.assign_due = clocks.statutory_due(_now(), clocks.ASSIGN_DAYS).date
    return {"reason": case.provisional_reason, "formalities_due": str(case.formalities_due)}


def assignment_requirements(case: LegalAidCase) -> list[str]:
    return list(case.eligibility.get("assignment_requirements") or [])


def _assign(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    person = payload.get("person")
    if not isinstance(person, Person) or not person.is_active:
        raise InvalidInput(_("请选择承办人员。"), fields={"person": _("请从法律援助人员名册中选择。")})
    if person.role not in ("lawyer", "legal_aid_worker", "grassroots_legal_worker"):
        raise InvalidInput(
            _("所选人员不能承办法律援助案件。"), fields={"person": _("请选择律师或法律援助工作人员。")}
        )
    if person.role == "grassroots_legal_worker" and is_criminal_defence(case):
        raise InvalidInput(
            _("刑事辩护和通知辩护、代理应当指派律师（法律援助法第二十五、二十八、三十六条）。"),
            fields={"person": _("基层法律服务工作者不能担任刑事辩护人，请选择律师。")},
        )
    if needs_senior_defender(case) and person.criminal_practice_years < 3:
        raise InvalidInput(
            _("可能判处无期徒刑、死刑的案件，应当指派具有三年以上相关执业经历的律师（第二十六条）。"),
            fields={"person": _("该律师的刑事辩护执业年限不足三年。")},
        )
    case.assignee = person
    case.chosen_by_applicant = bool(payload.get("chosen_by_applicant")) or (
        case.preferred_person_id is not None and case.preferred_person_id == person.pk
    )
    case.assigned_at = _now()
    if person.org_id != case.centre_id:
        _matter(
            case,
            "transfer",
            actor,
            note or _("指派%(name)s承办。") % {"name": person.name},
            transfer=TransferData(to_org=person.org, service_type=_legal_aid_type(), to_person=person),
        )
        if not matter_selectors.unit_has_handlers(person.org):
            # the firm has no account: the centre records that the lawyer took the case on
            _matter(case, "accept", actor)
    elif case.matter.state in (MatterState.ACCEPTED, MatterState.REGISTERED):
        _matter(case, "start", actor, note or _("指派本机构%(name)s承办。") % {"name": person.name})
    return {"person": person.name, "org": person.org.name, "chosen_by_applicant": case.chosen_by_applicant}


def roster() -> Any:
    """The published roster applicants may choose from (点援制): active, public lawyers and legal-aid
    workers who accept citizens' choice — public profile data only."""
    return (
        Person.objects.filter(
            is_active=True,
            is_public=True,
            accepts_citizen_choice=True,
            role__in=("lawyer", "legal_aid_worker", "grassroots_legal_worker"),
        )
        .select_related("org")
        .prefetch_related("specialties")
        .order_by("org__name", "name")
    )


def is_criminal_defence(case: LegalAidCase) -> bool:
    """A defence (or a notified representation, 第二十八条): the law says a lawyer is assigned."""
    facts = case.facts or {}
    defence = facts.get("proceeding") == "criminal" and facts.get("role") in (
        "suspect_or_defendant",
        "compulsory_medical_respondent",
    )
    return defence or case.route == Route.NOTIFICATION


def needs_senior_defender(case: LegalAidCase) -> bool:
    """第二十六条: defence where life imprisonment or death may be imposed, or death-penalty review."""
    person = set(case.facts.get("person") or [])
    return bool(person & {"may_face_life_or_death_sentence", "death_penalty_review"})


def _close(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    materials = [m for m in payload.get("materials") or [] if m in dict(CLOSING_MATERIALS)]
    missing = [str(label) for key, label in CLOSING_MATERIALS[:2] if key not in materials]
    if missing or not note:
        fields = {}
        if missing:
            fields["materials"] = _("第五十条：应提交%(m)s。") % {"m": "、".join(missing)}
        if not note:
            fields["note"] = _("请填写办理情况报告。")
        raise InvalidInput(_("结案材料不全。"), fields=fields)
    case.closing_materials = materials
    case.closing_report = note
    case.closed_at = _now()
    if case.matter.state == MatterState.TRANSFERRED:
        _matter(case, "accept", actor)
    _matter(case, "conclude", actor, note, outcome=Outcome.AID_GRANTED)
    return {"materials": materials}


def _terminate(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    reason = str(payload.get("reason") or "")
    labels = dict(TERMINATION_REASONS)
    if reason not in labels:
        raise InvalidInput(_("请选择终止的理由。"), fields={"reason": _("第四十八条第一款所列情形之一。")})
    case.terminated_at = _now()
    case.termination_reason = reason
    if case.matter.state == MatterState.TRANSFERRED:
        _matter(case, "accept", actor)
    _matter(case, "conclude", actor, note or str(labels[reason]), outcome=Outcome.AID_TERMINATED)
    return {"reason": str(labels[reason])}


def _object(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(_("请填写异议理由。"), fields={"note": _("请填写异议理由。")})
    now = _now()
    against = "refusal" if case.stage == S.REFUSED else "termination"
    decided = case.decided_at if against == "refusal" else case.terminated_at
    upheld = case.objections.filter(against=against, outcome="upheld")
    if decided is not None and upheld.filter(filed_at__gte=decided).exists():
        raise IllegalTransition(
            _(
                "司法行政部门已维持该决定；不服的，可以依法申请行政复议或者提起行政诉讼"
                "（法律援助法第四十九条第三款），不能再次提出异议。"
            )
        )
    objection = Objection.objects.create(
        case=case,
        against=against,
        filed_at=now,
        grounds=note,
        due=clocks.statutory_due(now, clocks.OBJECTION_DAYS).date,
    )
    return {"objection_id": objection.pk, "due": str(objection.due)}


def _pending_objection(case: LegalAidCase) -> Objection:
    objection = case.objections.filter(decided_at__isnull=True).order_by("-filed_at").first()
    if objection is None:
        raise IllegalTransition(_("没有待审查的异议。"))
    return objection


def _uphold(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(
            _("请填写审查意见。"), fields={"note": _("维持原决定的理由将告知申请人（第四十九条）。")}
        )
    objection = _pending_objection(case)
    objection.decided_at, objection.decided_by, objection.outcome, objection.reasons = (
        _now(),
        actor,
        "upheld",
        note,
    )
    objection.save()
    return {"_stage": OBJECTION_RETURNS[objection.against], "objection_id": objection.pk}


def _correct(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(_("请写明责令改正的内容。"), fields={"note": _("请写明责令改正的内容。")})
    objection = _pending_objection(case)
    objection.decided_at, objection.decided_by, objection.outcome, objection.reasons = (
        _now(),
        actor,
        "corrected",
        note,
    )
    objection.save()
    now = _now()
    if objection.against == "termination":
        # the termination is set aside: the decision to grant stands and the centre assigns again
        # within three days of the order
        case.terminated_at = None
        case.termination_reason = ""
        case.assignee = None
        case.assigned_at = None
        case.chosen_by_applicant = False
        case.closed_at = None
        case.assign_due = clocks.statutory_due(now, clocks.ASSIGN_DAYS).date
    else:
        # the centre decides again: a new seven days from the order
        case.decision = ""
        case.decision_number = ""
        case.decided_at = None
        case.decision_due = clocks.statutory_due(now, clocks.DECISION_DAYS).date
    matter_services.transition(case.matter, "reopen", actor=actor, note=note, payload={"org": case.centre})
    return {"objection_id": objection.pk, "_stage": OBJECTION_CORRECTS[objection.against]}


def _withdraw(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    _matter(case, "withdraw", actor, note or _("申请人撤回法律援助申请。"))
    return {}


def _archive(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    score = payload.get("quality_score")
    if score is not None and not (0 <= int(score) <= 100):
        raise InvalidInput(
            _("评查得分应在0到100之间。"), fields={"quality_score": _("评查得分应在0到100之间。")}
        )
    case.quality_score = int(score) if score is not None else None
    case.quality_note = note
    case.archived_at = _now()
    return {"quality_score": case.quality_score}


_EFFECTS = {
    "precheck_pass": _precheck_pass,
    "precheck_refer": _precheck_refer,
    "receive": _receive,
    "request_materials": _request_materials,
    "materials_supplied": _materials_supplied,
    "deem_withdrawn": _deem_withdrawn,
    "provide_provisionally": _provide_provisionally,
    "grant": _grant,
    "refuse": _refuse,
    "assign": _assign,
    "close": _close,
    "terminate": _terminate,
    "object": _object,
    "uphold": _uphold,
    "correct": _correct,
    "withdraw": _withdraw,
    "archive": _archive,
}
assert set(_EFFECTS) == set(STEPS), set(STEPS) ^ set(_EFFECTS)


def do_report_progress(case: LegalAidCase, content: str, *, actor: User) -> ProgressReport:
    """第四十六条: the assigned aid worker (or the centre for them) reports progress to the recipient."""
    content = (content or "").strip()
    if not content:
        raise InvalidInput(_("请填写办理进展。"), fields={"content": _("请填写办理进展。")})
    if not visible_to(actor, case):
        raise NotFound(_("案件不存在。"))
    is_assignee = case.assignee is not None and case.assignee.user_id == actor.pk
    if not (is_assignee or actor.has_perm(STEPS["assign"].permission)):
        raise Forbidden(_("只有承办人员或法律援助机构可以通报办理情况。"))
    if case.stage != S.ASSIGNED:
        raise IllegalTransition(_("案件指派后才能通报办理情况。"))
    with transaction.atomic():
        if case.matter.state == MatterState.TRANSFERRED and is_assignee:
            matter_services.transition(case.matter, "accept", actor=actor)
        report = ProgressReport.objects.create(case=case, author=actor, content=content)
        _record(case, "progress", "法律援助法第四十六条", actor=actor, note=content)
    return report


def do_complete_formalities(case: LegalAidCase, *, actor: User, note: str = "") -> LegalAidCase:
    """第四十四条第二款: after provisional aid the recipient completes the formalities and supplies the
    materials; the centre records it and issues the written decision the provisional aid stood for."""
    if not visible_to(actor, case):
        raise NotFound(_("案件不存在。"))
    if not actor.has_perm(STEPS["provide_provisionally"].permission):
        raise Forbidden(_("只有法律援助机构工作人员可以登记补办手续。"))
    with transaction.atomic():
        locked = _locked(case)
        if not locked.provisional or locked.stage not in (S.GRANTED, S.ASSIGNED):
            raise IllegalTransition(_("只有先行提供法律援助的案件需要补办手续。"))
        if locked.materials_supplied_at is not None:
            raise IllegalTransition(_("本案已登记补办手续。"))
        now = _now()
        locked.materials_supplied_at = now
        if not locked.decision:
            provisional_at = locked.decided_at
            _decide(locked, actor, Decision.GRANT, note.strip() or locked.eligibility.get("explanation", ""))
            locked.decided_at = provisional_at or now
        locked.save()
        _record(
            locked,
            "formalities",
            "法律援助法第四十四条第二款",
            actor=actor,
            note=note.strip(),
            decision_number=locked.decision_number,
        )
        audit.record(
            AuditAction.UPDATE,
            locked,
            actor=actor,
            changes={"formalities_completed": str(now), "decision_number": locked.decision_number},
        )
    case.refresh_from_db()
    return case


def overdue_cases(today: datetime.date | None = None) -> list[tuple[LegalAidCase, str]]:
    """Cases whose statutory clock has run out, with the clock's article (for the near-due lists)."""
    today = today or timezone.localdate()
    late = []
    for case in LegalAidCase.objects.filter(stage=S.UNDER_REVIEW, decision_due__lt=today):
        late.append((case, "法律援助法第四十三条第一款"))
    for case in LegalAidCase.objects.filter(stage=S.GRANTED, assign_due__lt=today):
        late.append(
            (
                case,
                "法律援助法第三十六条" if case.route == Route.NOTIFICATION else "法律援助法第四十三条第一款",
            )
        )
    for objection in Objection.objects.filter(decided_at__isnull=True, due__lt=today).select_related("case"):
        late.append((objection.case, "法律援助法第四十九条第二款"))
    for case in LegalAidCase.objects.filter(
        provisional=True,
        stage__in=(S.GRANTED, S.ASSIGNED),
        materials_supplied_at__isnull=True,
        formalities_due__lt=today,
    ):
        late.append((case, "法律援助法第四十四条第二款"))
    return late


def sweep_materials(today: datetime.date | None = None) -> int:
    """Applications whose one-time materials period has passed are deemed withdrawn (第四十三条第二款).

    Runs as the worker's periodic job; acts as the centre's system account (the first decider)."""
    today = today or timezone.localdate()
    count = 0
    for case in LegalAidCase.objects.filter(
        stage=S.AWAITING_MATERIALS, materials_due__lt=today
    ).select_related("centre"):
        actor = (
            User.objects.filter(
                unit=case.centre, is_active=True, groups__permissions__codename="decide_application"
            )
            .order_by("id")
            .first()
        )
        if actor is None:
            logger.warning("legal-aid case %s: nobody at the centre may deem it withdrawn", case.number)
            continue
        try:
            advance(case, "deem_withdrawn", actor=actor, today=today)
        except DomainError:
            # one case the matter workflow refuses must not stop the others; it stays on the lists
            logger.exception("legal-aid case %s could not be deemed withdrawn", case.number)
            continue
        count += 1
    return count


def event_log(case: LegalAidCase) -> list[MatterEvent]:
    return list(case.matter.events.filter(code=EventCode.LEGAL_AID).order_by("seq"))
