"""The workflow steps of a legal-aid case, in step with its service matter.

``do_advance_case(case, step, actor=…)`` is the only function that changes ``LegalAidCase.stage``; it
checks the step against states.STEPS (stage, permission, jurisdiction), runs the step's effect — which
moves the matter through ``yizhan.matters.services.transition`` in the same transaction — and records
a matter event naming the article the step rests on. Each step's effect is registered with
``@effect(code)``: here pre-check, receipt, decision, assignment, closing, termination, objection,
withdrawal and archiving; in ``formalities`` the one-time materials request and provisional aid.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.models import Sequence
from yizhan.legalaid import clocks, selectors
from yizhan.legalaid.models import Decision, LegalAidCase, Objection, ProgressReport
from yizhan.legalaid.states import (
    CLOSING_MATERIALS,
    OBJECTION_CORRECTS,
    OBJECTION_RETURNS,
    STEPS,
    TERMINATION_REASONS,
    CaseStage,
    Step,
)
from yizhan.matters import selectors as matter_selectors
from yizhan.matters import services as matter_services
from yizhan.matters.models import EventCode, Outcome, ServiceType
from yizhan.matters.services import TransferData
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Person
from yizhan.rules import legal_aid as rules

S = CaseStage

#: a step's effect: checks the payload, changes the case (the caller saves it), moves the matter, and
#: returns what the timeline records (``_stage`` overrides the step's target stage)
Effect = Callable[[LegalAidCase, User, str, dict[str, Any]], dict[str, Any]]
EFFECTS: dict[str, Effect] = {}


def effect(code: str) -> Callable[[Effect], Effect]:
    """Register ``fn`` as the effect of step ``code`` of states.STEPS."""

    def register(fn: Effect) -> Effect:
        if code not in STEPS or code in EFFECTS:
            raise ValueError(f"step {code!r} is unknown or has an effect already")
        EFFECTS[code] = fn
        return fn

    return register


def check_effects() -> None:
    """Every step has its effect (run once every module of the package has registered its own)."""
    missing = set(STEPS) - set(EFFECTS)
    if missing:
        raise ValueError(f"steps without an effect: {sorted(missing)}")


# --- helpers -----------------------------------------------------------------------------------


def _record(
    case: LegalAidCase, step: str, article: str, *, actor: User | None, note: str = "", **data: Any
) -> None:
    """A line on the matter's timeline for a legal-aid step, naming its article."""
    matter_services.append_event(
        case.matter,
        EventCode.LEGAL_AID,
        actor=actor,
        at=timezone.now(),
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


def _check(case: LegalAidCase, step: Step, actor: User) -> None:
    if not selectors.visible_to(actor, case):
        raise NotFound(_("案件不存在。"))
    if not actor.has_perm(selectors.required_permission(step, case)):
        raise Forbidden(_("您的账号没有「%(action)s」的权限。") % {"action": step.label})
    if case.stage not in step.sources:
        raise IllegalTransition(
            _("案件当前阶段为「%(stage)s」，不能执行「%(action)s」。")
            % {"stage": case.get_stage_display(), "action": step.label}
        )


def _start_review(case: LegalAidCase, actor: User | None, now: datetime.datetime) -> None:
    case.received_at = now
    case.decision_due = clocks.statutory_due(now, clocks.DECISION_DAYS).date
    case.stage = S.UNDER_REVIEW
    case.save()


def _matter(case: LegalAidCase, code: str, actor: User, note: str = "", **payload: Any) -> None:
    # the centre decides termination (第四十八条) and closes on the aid worker's report (第五十条): it
    # records the matter's accept/conclude for the law firm it assigned, even when the firm has accounts
    scope = actor.scope_org_ids
    for_dispatcher = case.matter.current_org_id not in scope and case.centre_id in scope
    matter_services.transition(
        case.matter, code, actor=actor, note=note, payload=payload, for_dispatcher=for_dispatcher
    )
    case.matter.refresh_from_db()


def _decide(case: LegalAidCase, actor: User, decision: str, reasons: str) -> datetime.datetime:
    """Record the decision on ``case`` with its number (援决/不援决〔year〕n号); returns its moment."""
    decided_at = timezone.now()
    case.decision = decision
    case.decision_reasons = reasons
    case.decided_at = decided_at
    case.decided_by = actor
    year = timezone.localtime(decided_at).year
    seq = Sequence.next_value(f"legal_aid_decision:{case.centre_id}:{year}")
    prefix = "援决" if decision == Decision.GRANT else "不援决"
    case.decision_number = f"{prefix}〔{year}〕{seq}号"
    return decided_at


# --- taking a step -------------------------------------------------------------------------------

ACTING_KEYS = ("on_behalf_of", "acting_as", "on_behalf_reason")


def do_advance_case(
    case: LegalAidCase, code: str, *, actor: User, note: str = "", **payload: Any
) -> LegalAidCase:
    """Take step ``code`` (states.STEPS) on ``case``."""
    step = STEPS.get(code)
    if step is None:
        raise NotFound(_("未知的操作：%(code)s") % {"code": code})
    note = (note or "").strip()
    with transaction.atomic():
        locked = _locked(case)
        _check(locked, step, actor)
        before = locked.stage
        data = EFFECTS[code](locked, actor, note, payload) or {}
        # uphold and correct lead back to where the objection came from (refusal or termination)
        locked.stage = data.pop("_stage", step.target)
        locked.save()
        _record(locked, code, step.article, actor=actor, note=note, **data)
        audit.record(
            AuditAction.TRANSITION,
            locked,
            actor=actor,
            changes={
                "step": code,
                "stage": [before, locked.stage],
                "article": step.article,
                # a step taken for the assigned worker names them and says why
                **{key: data[key] for key in ACTING_KEYS if key in data},
            },
        )
    case.refresh_from_db()
    return case


@effect("precheck_pass")
def _precheck_pass(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    matter = case.matter
    if matter.current_org_id == case.centre_id:
        raise IllegalTransition(_("申请已在法律援助机构，无需转交。"))
    missing = list(case.eligibility.get("missing") or [])
    # what the centre will ask for is the engine's one-time list (第四十三条第二款), not the centre's
    # generic guidance: a migrant worker's wage claim needs no hardship statement (第四十二条)
    instructions = (
        _("法律援助机构审查时需要的材料：%(items)s。") % {"items": "、".join(missing)}
        if missing
        else _("申请材料齐全，请等待法律援助机构审查决定。")
    )
    _matter(
        case,
        "transfer",
        actor,
        note or _("初审：申请材料齐全，属本机构管辖，转法律援助中心审查。"),
        transfer=TransferData(to_org=case.centre, service_type=_legal_aid_type(), instructions=instructions),
    )
    return {}


@effect("precheck_refer")
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


@effect("receive")
def _receive(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if case.matter.state == MatterState.TRANSFERRED:
        _matter(case, "accept", actor)
    now = timezone.now()
    _start_review(case, actor, now)
    return {"decision_due": str(case.decision_due)}


@effect("grant")
def _grant(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    reasons = note or case.eligibility.get("explanation", "")
    decided_at = _decide(case, actor, Decision.GRANT, reasons)
    case.assign_due = clocks.statutory_due(decided_at, clocks.ASSIGN_DAYS).date
    # the matter stays "accepted" at the centre until assignment moves it to the aid worker
    return {"decision_number": case.decision_number, "assign_due": str(case.assign_due)}


@effect("refuse")
def _refuse(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(
            _("请写明不予法律援助的理由。"),
            fields={"note": _("第四十三条：决定不予法律援助的，应当书面告知申请人并说明理由。")},
        )
    _decide(case, actor, Decision.REFUSE, note)
    _matter(case, "conclude", actor, note, outcome=Outcome.AID_REFUSED)
    return {"decision_number": case.decision_number}


@effect("assign")
def _assign(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    person = payload.get("person")
    if not isinstance(person, Person) or not person.is_active:
        raise InvalidInput(_("请选择承办人员。"), fields={"person": _("请从法律援助人员名册中选择。")})
    # the statutory checks (第十二、十三、二十五、二十六、二十八、三十六条): the first refusal is the error
    refusals = rules.check_assignment(
        selectors.assignment_case(case), rules.Assignee(person.role, person.criminal_practice_years)
    )
    if refusals:
        raise InvalidInput(_(refusals[0].reason), fields={"person": _(refusals[0].hint)})
    case.assignee = person
    case.chosen_by_applicant = bool(payload.get("chosen_by_applicant")) or (
        case.preferred_person_id is not None and case.preferred_person_id == person.pk
    )
    case.assigned_at = timezone.now()
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


REASON_HINT = gettext_lazy("例如：承办律师因病住院，由律所负责人代为报告。")


def _acting_for(case: LegalAidCase, actor: User, reason: str, action: str) -> dict[str, str]:
    """Who takes the assigned worker's step (第四十六、五十条): the worker, or — saying why — their
    firm's manager or the centre. Returns what the timeline and the audit record about it; a missing
    reason is reported as the ``on_behalf_reason`` field (with the step's other field errors)."""
    mode = selectors.acting_for_assignee(case, actor)
    if mode is None:
        raise Forbidden(
            _("只有承办律师本人可以%(action)s；所在律师事务所负责人或法律援助机构代为办理的，须写明理由。")
            % {"action": action}
        )
    if mode == selectors.SELF or case.assignee is None:
        return {}
    return {"on_behalf_of": case.assignee.name, "acting_as": mode, "on_behalf_reason": reason}


def _missing_reason(acting: dict[str, str], action: str) -> dict[str, str]:
    if acting and not acting["on_behalf_reason"]:
        return {
            "on_behalf_reason": _("代承办律师%(action)s，请写明理由（%(hint)s）")
            % {
                "action": action,
                "hint": REASON_HINT,
            }
        }
    return {}


@effect("close")
def _close(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    reason = str(payload.get("on_behalf_reason") or "").strip()
    acting = _acting_for(case, actor, reason, _("结案"))
    materials = [m for m in payload.get("materials") or [] if m in dict(CLOSING_MATERIALS)]
    missing = [str(label) for key, label in CLOSING_MATERIALS[:2] if key not in materials]
    fields = _missing_reason(acting, _("结案"))
    if missing:
        fields["materials"] = _("第五十条：应提交%(m)s。") % {"m": "、".join(missing)}
    if not note:
        fields["note"] = _("请填写办理情况报告。")
    if fields:
        message = _("结案材料不全。") if set(fields) - {"on_behalf_reason"} else _("请写明代为结案的理由。")
        raise InvalidInput(message, fields=fields)
    case.closing_materials = materials
    case.closing_report = note
    case.closed_at = timezone.now()
    if case.matter.state == MatterState.TRANSFERRED:
        _matter(case, "accept", actor)
    _matter(case, "conclude", actor, note, outcome=Outcome.AID_GRANTED)
    return {"materials": materials, **acting}


@effect("terminate")
def _terminate(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    reason = str(payload.get("reason") or "")
    labels = dict(TERMINATION_REASONS)
    if reason not in labels:
        raise InvalidInput(_("请选择终止的理由。"), fields={"reason": _("第四十八条第一款所列情形之一。")})
    case.terminated_at = timezone.now()
    case.termination_reason = reason
    if case.matter.state == MatterState.TRANSFERRED:
        _matter(case, "accept", actor)
    _matter(case, "conclude", actor, note or str(labels[reason]), outcome=Outcome.AID_TERMINATED)
    return {"reason": str(labels[reason])}


@effect("object")
def _object(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(_("请填写异议理由。"), fields={"note": _("请填写异议理由。")})
    now = timezone.now()
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


@effect("uphold")
def _uphold(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(
            _("请填写审查意见。"), fields={"note": _("维持原决定的理由将告知申请人（第四十九条）。")}
        )
    objection = _pending_objection(case)
    objection.decided_at, objection.decided_by, objection.outcome, objection.reasons = (
        timezone.now(),
        actor,
        "upheld",
        note,
    )
    objection.save()
    return {"_stage": OBJECTION_RETURNS[objection.against], "objection_id": objection.pk}


@effect("correct")
def _correct(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    if not note:
        raise InvalidInput(_("请写明责令改正的内容。"), fields={"note": _("请写明责令改正的内容。")})
    objection = _pending_objection(case)
    objection.decided_at, objection.decided_by, objection.outcome, objection.reasons = (
        timezone.now(),
        actor,
        "corrected",
        note,
    )
    objection.save()
    now = timezone.now()
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


@effect("withdraw")
def _withdraw(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    _matter(case, "withdraw", actor, note or _("申请人撤回法律援助申请。"))
    return {}


@effect("archive")
def _archive(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    score = payload.get("quality_score")
    if score is not None and not (0 <= int(score) <= 100):
        raise InvalidInput(
            _("评查得分应在0到100之间。"), fields={"quality_score": _("评查得分应在0到100之间。")}
        )
    case.quality_score = int(score) if score is not None else None
    case.quality_note = note
    case.archived_at = timezone.now()
    return {"quality_score": case.quality_score}


# --- beside the steps ----------------------------------------------------------------------------


def do_report_progress(
    case: LegalAidCase,
    content: str,
    *,
    actor: User,
    for_recipient: bool = True,
    on_behalf_reason: str = "",
) -> ProgressReport:
    """第四十六条: the assigned aid worker reports how the matter is going; ``for_recipient`` reports
    are addressed to the recipient and shown on the tracking page. The worker's firm manager or the
    centre may report for the worker, with ``on_behalf_reason`` (recorded with the report)."""
    content = (content or "").strip()
    reason = (on_behalf_reason or "").strip()
    if not content:
        raise InvalidInput(_("请填写办理进展。"), fields={"content": _("请填写办理进展。")})
    if not selectors.visible_to(actor, case):
        raise NotFound(_("案件不存在。"))
    if case.stage != S.ASSIGNED:
        raise IllegalTransition(_("案件指派后才能通报办理情况。"))
    with transaction.atomic():
        locked = _locked(case)
        acting = _acting_for(locked, actor, reason, _("通报办理情况"))
        missing_reason = _missing_reason(acting, _("通报办理情况"))
        if missing_reason:
            raise InvalidInput(_("请写明代为报告的理由。"), fields=missing_reason)
        held_by_firm = locked.matter.current_org_id == actor.unit_id
        if locked.matter.state == MatterState.TRANSFERRED and held_by_firm:
            # the firm takes the case on when its lawyer (or manager) first reports
            matter_services.transition(locked.matter, "accept", actor=actor)
        report = ProgressReport.objects.create(
            case=locked,
            author=actor,
            content=content,
            notified_recipient=for_recipient,
            on_behalf_reason=acting.get("on_behalf_reason", ""),
        )
        _record(
            locked,
            "progress",
            "法律援助法第四十六条",
            actor=actor,
            note=content,
            for_recipient=for_recipient,
            **acting,
        )
        audit.record(
            AuditAction.CREATE,
            report,
            actor=actor,
            changes={"case": locked.number, "for_recipient": for_recipient, **acting},
        )
    return report
