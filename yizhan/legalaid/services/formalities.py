"""Formalities and materials: the clocks that run on the applicant rather than on the centre.

- the one-time request for missing materials (第四十三条第二款): requested (the seven review days
  pause, the days used are kept), supplied (the days left run from the day of supply), or not
  supplied in time — then the application is deemed withdrawn, by hand or by the worker's periodic
  sweep;
- provisional aid (第四十四条): the centre provides aid at once and the recipient completes the
  formalities afterwards; completing them issues the written decision the provisional aid stood for.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import DomainError, Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.legalaid import clocks, selectors
from yizhan.legalaid.models import Decision, LegalAidCase
from yizhan.legalaid.states import PROVISIONAL_REASONS, CaseStage

from .steps import _decide, _locked, _matter, _record, do_advance_case, effect

S = CaseStage
logger = logging.getLogger(__name__)


# --- the one-time request for materials (第四十三条第二款) -----------------------------------------


@effect("request_materials")
def _request_materials(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    items = [str(item).strip() for item in payload.get("items") or [] if str(item).strip()]
    if not items:
        raise InvalidInput(
            _("请列出需要补充的材料。"), fields={"items": _("一次性告知：请把需要补充的材料全部列出。")}
        )
    if case.materials_requested_at is not None:
        raise IllegalTransition(_("补充材料只能一次性告知（第四十三条第二款），本案已告知过。"))
    now = timezone.now()
    due = payload.get("due") or clocks.statutory_due(now, clocks.MATERIALS_DAYS_DEFAULT).date
    if due < timezone.localdate():
        raise InvalidInput(_("补充期限不能早于今天。"), fields={"due": _("补充期限不能早于今天。")})
    case.materials_requested = items
    case.materials_requested_at = now
    case.materials_due = due
    # the review clock pauses: keep the days it has run (办理法律援助案件程序规定: the applicant's time
    # to supply materials is not counted in the seven days)
    case.decision_days_used = min(clocks.days_used(selectors.review_started(case), now), clocks.DECISION_DAYS)
    case.decision_due = None  # no review deadline while the clock stands still
    return {"items": items, "due": str(due), "decision_days_used": case.decision_days_used}


@effect("materials_supplied")
def _materials_supplied(case: LegalAidCase, actor: User, note: str, payload: dict) -> dict:
    now = timezone.now()
    case.materials_supplied_at = now
    # the clock resumes: the days left of the seven run from the day the materials are complete
    case.decision_due = clocks.statutory_due(now, clocks.decision_days_left(case)).date
    return {"decision_due": str(case.decision_due), "days_left": clocks.decision_days_left(case)}


@effect("deem_withdrawn")
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


def do_sweep_materials(*, today: datetime.date | None = None) -> int:
    """Applications whose one-time materials period has passed are deemed withdrawn (第四十三条第二款).

    Runs as the worker's periodic job; acts as the centre's system account (the first decider)."""
    today = today or timezone.localdate()
    count = 0
    for case in selectors.lapsed_material_requests(today):
        actor = selectors.first_decider(case.centre)
        if actor is None:
            logger.warning("legal-aid case %s: nobody at the centre may deem it withdrawn", case.number)
            continue
        try:
            do_advance_case(case, "deem_withdrawn", actor=actor, today=today)
        except DomainError:
            # one case the matter workflow refuses must not stop the others; it stays on the lists
            logger.exception("legal-aid case %s could not be deemed withdrawn", case.number)
            continue
        count += 1
    return count


# --- provisional aid and its formalities (第四十四条) ----------------------------------------------


@effect("provide_provisionally")
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
    decided_at = case.decided_at or timezone.now()
    case.decided_at = decided_at
    case.formalities_due = (
        formalities_due or clocks.statutory_due(decided_at, clocks.FORMALITIES_DAYS_DEFAULT).date
    )
    case.assign_due = clocks.statutory_due(timezone.now(), clocks.ASSIGN_DAYS).date
    return {"reason": case.provisional_reason, "formalities_due": str(case.formalities_due)}


def do_complete_formalities(case: LegalAidCase, *, actor: User, note: str = "") -> LegalAidCase:
    """第四十四条第二款: after provisional aid the recipient completes the formalities and supplies the
    materials; the centre records it and issues the written decision the provisional aid stood for."""
    if not selectors.visible_to(actor, case):
        raise NotFound(_("案件不存在。"))
    if not selectors.may_complete_formalities(actor):
        raise Forbidden(_("只有法律援助机构工作人员可以登记补办手续。"))
    with transaction.atomic():
        locked = _locked(case)
        if not locked.provisional or locked.stage not in (S.GRANTED, S.ASSIGNED):
            raise IllegalTransition(_("只有先行提供法律援助的案件需要补办手续。"))
        if locked.materials_supplied_at is not None:
            raise IllegalTransition(_("本案已登记补办手续。"))
        now = timezone.now()
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
