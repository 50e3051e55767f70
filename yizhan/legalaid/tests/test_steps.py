"""Every step of states.STEPS from each stage it leaves from, reached through the real services: the
case moves to the step's target, the matter's timeline names the step and its article; illegal steps
from a real stage change nothing; a user without the step's permission is refused (Forbidden) and a
user outside the case's jurisdiction does not see it (NotFound)."""

from __future__ import annotations

import pytest

from yizhan.audit.models import AuditLog
from yizhan.core.errors import Forbidden, IllegalTransition, NotFound
from yizhan.legalaid import selectors, services
from yizhan.legalaid.models import LegalAidCase
from yizhan.legalaid.states import STEPS, CaseStage
from yizhan.matters.models import EventCode

from .conftest import PASSWORD, PATH, S

LEGAL = [(stage, code) for code, step in STEPS.items() for stage in sorted(step.sources)]
TIMED = {"deem_withdrawn"}  # needs the materials period to have run out (see test_clocks)


def _expected_target(case: LegalAidCase, code: str) -> str:
    if code == "uphold":
        return S.REFUSED if case.objections.get().against == "refusal" else S.TERMINATED
    return STEPS[code].target


@pytest.mark.parametrize(("stage", "code"), LEGAL, ids=[f"{s}-{c}" for s, c in LEGAL])
def test_each_step_from_each_of_its_stages(flow, clock, stage, code):
    clock.day(2026, 11, 23)
    case = flow.to(stage)
    assert case.stage == stage
    if code in TIMED:
        clock.day(2026, 12, 31)  # past the fifteen days of the one-time request
    target = _expected_target(case, code)
    events = case.matter.events.count()
    case = flow.step(case, code)
    assert case.stage == target
    last = case.matter.events.filter(code=EventCode.LEGAL_AID).order_by("-seq").first()
    assert last.data["step"] == code
    assert last.data["article"] == STEPS[code].article
    assert last.data["stage"] == target
    assert case.matter.events.count() > events
    audit = AuditLog.objects.filter(action="transition", changes__step=code).latest("id")
    assert audit.changes["stage"] == [stage, target]


# the termination, objection and archive from a stage off the usual path
@pytest.mark.parametrize("code", ["terminate", "object", "uphold", "archive"])
def test_termination_branch(flow, code):
    case = flow.step(flow.to(S.ASSIGNED), "terminate")
    assert case.stage == S.TERMINATED
    if code == "terminate":
        return
    if code == "archive":
        assert flow.step(case, "archive").stage == S.ARCHIVED
        return
    case = flow.step(case, "object")
    assert case.stage == S.OBJECTION
    assert case.objections.get().against == "termination"
    if code == "uphold":
        assert flow.step(case, "uphold").stage == S.TERMINATED


ILLEGAL_FROM = [
    S.APPLIED,
    S.FORWARDED,
    S.UNDER_REVIEW,
    S.GRANTED,
    S.ASSIGNED,
    S.CLOSED,
    S.REFUSED,
    S.ARCHIVED,
]


@pytest.mark.parametrize("stage", ILLEGAL_FROM)
def test_illegal_steps_from_a_real_stage_change_nothing(flow, district, stage):
    """Every step not open from ``stage``, by an account that sees everything and may do everything:
    only the stage refuses it, naming the stage and the step."""
    from yizhan.accounts.models import User

    root = User.objects.create_superuser("root", password=PASSWORD, unit=district.bureau)
    case = flow.to(stage)
    matter_state = case.matter.state
    events = case.matter.events.count()
    illegal = [code for code, step in STEPS.items() if stage not in step.sources]
    assert illegal
    for code in illegal:
        note, payload = flow.arguments(code)
        with pytest.raises(IllegalTransition) as caught:
            services.do_advance_case(case, code, actor=root, note=note, **payload)
        assert str(STEPS[code].label) in caught.value.message, code
        assert str(CaseStage(stage).label) in caught.value.message, code
    case.refresh_from_db()
    assert case.stage == stage
    assert case.matter.state == matter_state
    assert case.matter.events.count() == events


@pytest.mark.parametrize(
    ("stage", "code", "who"),
    [
        (S.APPLIED, "precheck_pass", "volunteer"),  # front desk without the pre-check permission
        (S.UNDER_REVIEW, "grant", "manager"),  # the bureau does not decide applications
        (S.UNDER_REVIEW, "grant", "clerk2"),  # the station that received it
        (S.GRANTED, "assign", "officer"),
        (S.ASSIGNED, "terminate", "lawyer"),  # art. 48(2): the lawyer reports, the centre decides
        (S.OBJECTION, "uphold", "legalaid"),  # art. 49: not the centre against itself
        (S.OBJECTION, "correct", "legalaid"),
    ],
)
def test_a_user_without_the_permission_is_refused(flow, users, district, stage, code, who):
    if who == "volunteer":
        # a volunteer at the station itself: sees the application, lacks the permission
        from yizhan.accounts.models import User

        users["volunteer"].unit = district.stations[0]
        users["volunteer"].save()
        users["volunteer"] = User.objects.get(pk=users["volunteer"].pk)
    case = flow.to(stage)
    note, payload = flow.arguments(code)
    with pytest.raises(Forbidden) as caught:
        services.do_advance_case(case, code, actor=users[who], note=note, **payload)
    assert str(STEPS[code].label) in caught.value.message
    case.refresh_from_db()
    assert case.stage == stage


@pytest.mark.parametrize(
    ("stage", "code", "who"),
    [
        (S.APPLIED, "precheck_pass", "officer2"),  # another township's judicial office
        (S.APPLIED, "precheck_pass", "clerk"),  # the district centre's window: not its application
        (S.UNDER_REVIEW, "grant", "officer2"),
        (S.GRANTED, "assign", "mediator"),
    ],
)
def test_a_user_outside_the_jurisdiction_does_not_see_the_case(flow, users, stage, code, who):
    case = flow.to(stage)
    note, payload = flow.arguments(code)
    with pytest.raises(NotFound):
        services.do_advance_case(case, code, actor=users[who], note=note, **payload)
    case.refresh_from_db()
    assert case.stage == stage


def test_unknown_step_is_not_found(flow, users):
    case = flow.to(S.UNDER_REVIEW)
    with pytest.raises(NotFound):
        services.do_advance_case(case, "teleport", actor=users["legalaid"])


def test_the_usual_path_leaves_every_step_on_the_timeline_in_order(flow):
    case = flow.to(S.ARCHIVED)
    steps = [e.data["step"] for e in selectors.event_log(case)]
    assert steps == ["apply", "precheck_pass", "receive", "grant", "assign", "close", "archive"]


def test_path_table_reaches_every_stage():
    assert set(PATH) | {S.APPLIED} == set(CaseStage)
