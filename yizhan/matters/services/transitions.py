"""The transition function: the only code that changes ``Matter.state`` (tests/test_architecture.py).

``transition(matter, code, *, actor, note, payload)`` checks role and jurisdiction, locks the row,
checks the state against ``states.TRANSITIONS``, runs the transition's effect, and writes the matter,
its event and the audit row in one transaction; notifications go out on commit. It is the one write
not named ``do_<verb>_<noun>`` (STYLE §4: one transition function over one table). The citizen's own
rating by query code (``do_rate_matter``) goes through it too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.models import Notification
from yizhan.matters import deadlines, selectors
from yizhan.matters.models import (
    FeedbackMethod,
    LegalDomain,
    Matter,
    Outcome,
    Satisfaction,
    ServiceType,
    Transfer,
    TransferStatus,
)
from yizhan.matters.services.common import _locked, _now, append_event
from yizhan.matters.states import OPEN_STATES, RATEABLE_STATES, TRANSITIONS, Actor, MatterState, Transition
from yizhan.orgs.models import Organization, OrgKind, Person


@dataclass
class TransferData:
    """Where a matter goes on ``transfer`` (分流): the unit, optionally a person, what to tell the citizen."""

    to_org: Organization | None  # None: no unit chosen, reported as a field error
    service_type: ServiceType | None = None
    domain: LegalDomain | None = None  # the legal domain, corrected on the way (e.g. as the triage says)
    to_person: Person | None = None
    instructions: str = ""
    where_to_go: str = ""
    due_date: datetime.date | None = None


def _check_state(matter: Matter, t: Transition) -> None:
    if matter.state not in t.sources:
        raise IllegalTransition(
            _("事项当前状态为「%(state)s」，不能执行「%(action)s」。")
            % {"state": matter.get_state_display(), "action": t.label}
        )


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
    staff: User | None = None  # who acts, when it is not the citizen
    if t.actor == Actor.CITIZEN:
        if actor is not None:
            raise Forbidden(_("该操作只能由群众本人通过查询码完成。"))
    else:
        if actor is None or not actor.is_authenticated:
            raise Forbidden(_("请先登录。"))
        if not selectors.can_see(actor, matter):
            raise NotFound(_("事项不存在。"))
        permission = selectors.required_permission(matter, t, for_dispatcher)
        if permission is None:  # no permission grants it (in the table only the citizen's have none)
            raise Forbidden(_("您的账号没有「%(action)s」的权限。") % {"action": t.label})
        selectors.require_permission(actor, permission, str(t.label))
        staff = actor
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
        if t.actor == Actor.HOLDER and staff is not None:
            on_behalf = selectors.check_holder(locked, t, staff, for_dispatcher)
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
) -> dict[str, Any]:
    m.answer = note
    m.outcome = payload.get("outcome") or Outcome.ADVICE_GIVEN
    if m.outcome not in Outcome.values:
        raise InvalidInput(_("办理结果类别无效。"), fields={"outcome": _("办理结果类别无效。")})
    m.concluded_at = now
    m.overdue = False
    return {"outcome": m.outcome}


def _effect_transfer(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict[str, Any]:
    if actor is None:  # a staff transition: transition() has checked the actor already
        raise Forbidden(_("请先登录。"))
    target: TransferData = payload.get("transfer") or TransferData(to_org=payload.get("to_org"))
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
    if target.domain is not None and not target.domain.is_active:
        errors["domain"] = _("该法律领域已停用。")
    today = timezone.localtime(now).date()
    if target.due_date is not None and target.due_date < today:
        errors["due_date"] = _("办结期限不能早于今天。")
    if errors or not isinstance(to_org, Organization):  # no unit is already among the errors
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
    previous_domain = m.domain
    m.service_type = service_type
    if target.domain is not None:
        m.domain = target.domain
    m.current_org = to_org
    if target.to_person is not None and target.to_person.user_id:
        m.assignee = target.to_person.user
    else:  # whoever is on duty at the unit by its roster receives it (值班), else the unit as a whole
        m.assignee = selectors.duty_handler(to_org, now)
    m.due_date = due_date
    m.due_provisional = bool(due and due.provisional)
    m.overdue = bool(due_date and due_date < today)
    m.escalated_at = None  # a new holder and deadline: the sweep escalates it again if it runs late
    data: dict[str, Any] = {
        "transfer_id": record.pk,
        "to_org": to_org.name,
        "to_org_id": to_org.pk,
        "service_type": service_type.code,
        "due_date": str(due_date) if due_date else None,
        "external": to_org.is_external,
    }
    if m.assignee is not None:
        data["assignee"] = m.assignee.display_name
    if m.domain_id != previous_domain.pk:
        data["domain"], data["domain_before"] = m.domain.code, previous_domain.code
    return data


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
) -> dict[str, Any]:
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
) -> dict[str, Any]:
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
) -> dict[str, Any]:
    active = selectors.pending_transfer(m)
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
) -> dict[str, Any]:
    return {}


def _effect_conclude(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict[str, Any]:
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
) -> dict[str, Any]:
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
) -> dict[str, Any]:
    satisfaction, adopted = _clean_follow_up(payload)
    m.satisfaction = satisfaction
    m.advice_adopted = adopted
    m.follow_up_comment = note
    m.followed_up_at = now
    m.followed_up_by_citizen = actor is None
    return {"satisfaction": satisfaction, "advice_adopted": adopted}


def _effect_reopen(
    m: Matter, actor: User | None, note: str, payload: dict[str, Any], now: datetime.datetime
) -> dict[str, Any]:
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
) -> dict[str, Any]:
    m.transfers.filter(status__in=[TransferStatus.PENDING, TransferStatus.ACCEPTED]).update(
        status=TransferStatus.WITHDRAWN
    )
    m.overdue = False
    return {}


#: what a transition does besides changing the state (under the row lock); returns the event's data
Effect = Callable[[Matter, User | None, str, dict[str, Any], datetime.datetime], dict[str, Any]]

_EFFECTS: dict[str, Effect] = {
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
    """Tell the receiving unit about a new transfer (after commit, best effort): the person it was given
    to (named, or on duty), else every handler of the unit."""
    if code != "transfer":
        return
    matter = Matter.objects.select_related("current_org", "assignee").get(pk=matter_id)
    if matter.assignee is not None:
        recipients = [matter.assignee]
    else:
        recipients = list(
            User.objects.filter(
                unit=matter.current_org, is_active=True, groups__permissions__codename="handle_matter"
            ).distinct()
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
            for user in recipients
        ]
    )


# --- citizen rating by query code ---------------------------------------------------------------------


def do_rate_matter(code: str, *, satisfaction: str, advice_adopted: bool | None, comment: str = "") -> Matter:
    """群众评价: the citizen rates the service of the matter with query code ``code``.

    The query code is the citizen's authority: there is no ``actor`` (the ``rate`` transition is the
    citizen's own, recorded as 群众（凭查询码）).
    """
    matter = selectors.matter_by_query_code(code)
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
