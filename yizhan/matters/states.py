"""The service-matter lifecycle: states, and the one declarative table of transitions (SPEC §3).

"前台统一受理、后台分流办理、结果及时反馈": registered → answered on the spot (closed)
| transferred → accepted | returned → in progress → concluded → fed back → followed up → archived;
also withdrawn and referred out (不予受理并指引). Overdue is a flag, not a state.

Each ``Transition`` names the states it leaves from, the state it leads to, the permission it needs
and who, by jurisdiction, may take it. ``yizhan.matters.services.transition`` is the only code that
changes ``Matter.state``; ``tests/test_architecture.py`` enforces that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from yizhan.accounts import roles

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class MatterState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ANSWERED = "answered", _("当场答复")
    TRANSFERRED = "transferred", _("已分流待接收")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已接收")
    IN_PROGRESS = "in_progress", _("办理中")
    CONCLUDED = "concluded", _("已办结")
    FED_BACK = "fed_back", _("已反馈")
    FOLLOWED_UP = "followed_up", _("已回访")
    ARCHIVED = "archived", _("已归档")
    WITHDRAWN = "withdrawn", _("已撤回")
    REFERRED_OUT = "referred_out", _("已引导至其他部门")


S = MatterState

#: states in which the time limit runs (限时办结)
OPEN_STATES = frozenset({S.REGISTERED, S.TRANSFERRED, S.RETURNED, S.ACCEPTED, S.IN_PROGRESS})
#: states after which the requester can rate the service
RATEABLE_STATES = frozenset({S.ANSWERED, S.FED_BACK, S.REFERRED_OUT})
CLOSED_STATES = frozenset(set(S) - OPEN_STATES - {S.CONCLUDED})


class Actor(models.TextChoices):
    """Who, by jurisdiction, may take a transition."""

    HOLDER = "holder", _("当前承办单位（或其上级）")
    CITIZEN = "citizen", _("群众本人（凭查询码）")


@dataclass(frozen=True)
class Transition:
    code: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    permission: str | None
    actor: str = Actor.HOLDER
    needs_note: bool = False
    note_label: StrOrPromise = _("说明")  # noqa: RUF009 - a lazy string, evaluated on display
    #: the external department cannot log in; the dispatching unit records its answer for it
    dispatcher_may_act_for_external: bool = False


def _t(
    code: str, label: StrOrPromise, sources: set[str], target: str, permission: str | None, **kw: Any
) -> Transition:
    return Transition(code, label, frozenset(sources), target, permission, **kw)


TRANSITIONS: dict[str, Transition] = {
    t.code: t
    for t in (
        _t(
            "answer",
            _("当场答复"),
            {S.REGISTERED, S.RETURNED},
            S.ANSWERED,
            roles.REGISTER,
            needs_note=True,
            note_label=_("答复内容"),
        ),
        _t("transfer", _("分流"), {S.REGISTERED, S.RETURNED, S.ACCEPTED}, S.TRANSFERRED, roles.TRANSFER),
        _t(
            "refer_out",
            _("引导至其他部门"),
            {S.REGISTERED, S.RETURNED},
            S.REFERRED_OUT,
            roles.TRANSFER,
            needs_note=True,
            note_label=_("告知群众的办理指引"),
        ),
        _t(
            "accept",
            _("接收"),
            {S.TRANSFERRED},
            S.ACCEPTED,
            roles.HANDLE,
            dispatcher_may_act_for_external=True,
        ),
        _t(
            "return",
            _("退回"),
            {S.TRANSFERRED, S.ACCEPTED},
            S.RETURNED,
            roles.HANDLE,
            needs_note=True,
            note_label=_("退回理由"),
            dispatcher_may_act_for_external=True,
        ),
        # a unit may also handle what it registered itself (a committee's own dispute, the centre's own
        # application): start and conclude are open from "registered" too
        _t(
            "start",
            _("开始办理"),
            {S.ACCEPTED, S.REGISTERED},
            S.IN_PROGRESS,
            roles.HANDLE,
            dispatcher_may_act_for_external=True,
        ),
        _t(
            "conclude",
            _("办结"),
            {S.ACCEPTED, S.IN_PROGRESS, S.REGISTERED},
            S.CONCLUDED,
            roles.HANDLE,
            needs_note=True,
            note_label=_("办理结果"),
            dispatcher_may_act_for_external=True,
        ),
        # after an objection or complaint is upheld against the conclusion, the supervisor sends it back
        _t(
            "reopen",
            _("重新办理"),
            {S.CONCLUDED, S.FED_BACK, S.FOLLOWED_UP},
            S.ACCEPTED,
            roles.SUPERVISE,
            needs_note=True,
            note_label=_("重新办理的原因"),
        ),
        _t(
            "feed_back",
            _("结果反馈"),
            {S.CONCLUDED},
            S.FED_BACK,
            roles.FEED_BACK,
            needs_note=True,
            note_label=_("反馈内容"),
        ),
        _t("follow_up", _("回访"), {S.FED_BACK, S.ANSWERED, S.REFERRED_OUT}, S.FOLLOWED_UP, roles.FOLLOW_UP),
        _t(
            "rate",
            _("群众评价"),
            {S.FED_BACK, S.ANSWERED, S.REFERRED_OUT},
            S.FOLLOWED_UP,
            None,
            actor=Actor.CITIZEN,
        ),
        _t(
            "archive",
            _("归档"),
            {S.FOLLOWED_UP, S.FED_BACK, S.ANSWERED, S.REFERRED_OUT, S.WITHDRAWN},
            S.ARCHIVED,
            roles.FEED_BACK,
        ),
        _t(
            "withdraw",
            _("撤回"),
            {S.REGISTERED, S.TRANSFERRED, S.RETURNED, S.ACCEPTED, S.IN_PROGRESS},
            S.WITHDRAWN,
            roles.REGISTER,
            needs_note=True,
            note_label=_("撤回原因"),
        ),
    )
}


def _validate_table() -> None:
    states = set(S)
    for transition in TRANSITIONS.values():
        unknown = (set(transition.sources) | {transition.target}) - states
        if unknown:
            raise ValueError(f"transition {transition.code} names unknown states {unknown}")
        if transition.actor == Actor.HOLDER and not transition.permission:
            raise ValueError(f"staff transition {transition.code} needs a permission")
    reachable = {S.REGISTERED} | {t.target for t in TRANSITIONS.values()}
    if states - reachable:
        raise ValueError(f"unreachable states: {states - reachable}")


_validate_table()


def available_codes(state: str) -> list[str]:
    return [code for code, t in TRANSITIONS.items() if state in t.sources]
