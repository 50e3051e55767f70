"""The statutory clocks of 法律援助法 on the working-day calendar (docs/decisions/0005): periods in 日
are calendar days from the day after the start; a last day that is not a working day moves to the next
working day. The 2026 National Day holiday (1–7 October; Saturday 10 October is a working day) and the
Mid-Autumn weekend (25–27 September) give the boundaries."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from yizhan.core.errors import IllegalTransition, InvalidInput
from yizhan.legalaid import clocks, selectors, services
from yizhan.legalaid.models import LegalAidCase
from yizhan.matters.states import MatterState

from .conftest import S, at

D = datetime.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 9, 14), D(2026, 9, 21)),  # an ordinary week: seven days later, a Monday
        (D(2026, 9, 18), D(2026, 9, 28)),  # 25th is the Mid-Autumn Festival: the 28th is the next working day
        (D(2026, 9, 24), D(2026, 10, 8)),  # the 1st is National Day: past the holiday
        (D(2026, 9, 28), D(2026, 10, 8)),  # the 5th falls in the holiday
        (D(2026, 9, 30), D(2026, 10, 8)),  # the 7th is the holiday's last day
        (D(2026, 10, 1), D(2026, 10, 8)),  # received online on the holiday: the 8th is a working day
        (D(2026, 10, 3), D(2026, 10, 10)),  # the 10th is a Saturday, but a working day (调休)
        (D(2026, 10, 4), D(2026, 10, 12)),  # the 11th is a Sunday
    ],
)
def test_the_seven_day_decision_clock_starts_at_receipt(flow, clock, received, due):
    case = flow.to(S.FORWARDED)
    clock.day(received.year, received.month, received.day, 16)
    case = flow.step(case, "receive")
    assert case.received_at == at(received.year, received.month, received.day, 16)
    assert case.decision_due == due
    decision = next(c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十三条第一款")
    assert decision.started == case.received_at and decision.due == due


def test_the_clock_does_not_start_at_the_station(flow, clock):
    clock.day(2026, 9, 21)
    case = flow.to(S.FORWARDED)
    assert case.received_at is None and case.decision_due is None
    clock.day(2026, 9, 24)
    assert flow.step(case, "receive").decision_due == D(2026, 10, 8)


@override_settings(LEGAL_AID_WORKING_DAYS=True)
def test_a_region_counting_working_days(flow, clock):
    case = flow.to(S.FORWARDED)
    clock.day(2026, 9, 28)
    # 29, 30 Sep; 8, 9, 10 (Saturday, 调休), 12, 13 Oct
    assert flow.step(case, "receive").decision_due == D(2026, 10, 13)


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        (D(2026, 9, 29), D(2026, 10, 8)),  # the 2nd is a holiday
        (D(2026, 10, 7), D(2026, 10, 10)),  # the working Saturday
        (D(2026, 10, 8), D(2026, 10, 12)),  # the 11th is a Sunday
        (D(2026, 10, 9), D(2026, 10, 12)),
    ],
)
def test_assignment_is_due_three_days_after_the_grant(flow, clock, decided, due):
    case = flow.to(S.UNDER_REVIEW)
    clock.day(decided.year, decided.month, decided.day)
    case = flow.step(case, "grant")
    assert case.assign_due == due
    assign = next(c for c in clocks.clocks_of(case) if c.label.startswith("指派"))
    assert (assign.article, assign.started, assign.due) == (
        "法律援助法第四十三条第一款",
        case.decided_at,
        due,
    )
    clock.day(due.year, due.month, due.day, 17)
    case = flow.step(case, "assign")
    assign = next(c for c in clocks.clocks_of(case) if c.label.startswith("指派"))
    assert assign.status == "done"


def test_a_notification_is_assigned_within_three_days_of_the_notice(flow, clock):
    clock.day(2026, 9, 30, 15)
    case = flow.notify(notified_at=at(2026, 9, 29, 9))
    assert case.stage == S.GRANTED and case.route == "notification"
    assert case.assign_due == D(2026, 10, 8)  # received 30 Sep + 3 = 3 Oct, in the holiday
    (assign,) = [c for c in clocks.clocks_of(case) if c.label.startswith("指派")]
    assert assign.article == "法律援助法第三十六条" and assign.started == at(2026, 9, 30, 15)
    assert not [c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十三条第一款"]
    assert selectors.overdue_cases(D(2026, 10, 8)) == []
    assert selectors.overdue_cases(D(2026, 10, 9)) == [(case, "法律援助法第三十六条")]


def test_the_three_days_of_a_notice_run_from_its_receipt_not_its_date(flow, clock):
    """第三十六条: 法律援助机构收到通知后，应当在三日内指派律师 — a notice dated Monday that reaches the
    centre on Wednesday is due Saturday, that is the next Monday; not Thursday."""
    clock.day(2026, 11, 4, 15)
    case = flow.notify(notified_at=at(2026, 11, 2, 9))
    assert case.received_at == at(2026, 11, 4, 15)
    assert case.assign_due == D(2026, 11, 9)
    (assign,) = [c for c in clocks.clocks_of(case) if c.label.startswith("指派")]
    assert (assign.started, assign.due) == (at(2026, 11, 4, 15), D(2026, 11, 9))
    assert selectors.overdue_cases(D(2026, 11, 6)) == []


def test_a_notice_received_before_it_is_registered_counts_from_its_receipt(flow, clock, users):
    from yizhan.matters.testing import registration

    clock.day(2026, 11, 5, 9)
    notice = services.Notification(
        registration=registration(
            receiving_org=users["legalaid"].unit, service_type="legal_aid", domain="criminal_defense"
        ),
        facts={"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]},
        authority="police",
        authority_name="兰州市公安局西固分局",
        notice_number="西公通〔2026〕12号",
        notified_at=at(2026, 11, 3, 17),
        received_at=at(2026, 11, 4, 8),  # faxed overnight, registered the next morning
    )
    case = services.do_register_notification(notice, actor=users["legalaid"])
    assert case.received_at == at(2026, 11, 4, 8) and case.assign_due == D(2026, 11, 9)


@pytest.mark.parametrize(
    ("received", "field"),
    [(at(2026, 11, 2, 8), "received_at"), (at(2026, 11, 9, 8), "received_at")],
)
def test_a_receipt_before_the_notice_or_in_the_future_names_the_field(flow, clock, users, received, field):
    from yizhan.matters.testing import registration

    clock.day(2026, 11, 5, 9)
    notice = services.Notification(
        registration=registration(receiving_org=users["legalaid"].unit, service_type="legal_aid"),
        facts={"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]},
        authority="police",
        authority_name="兰州市公安局西固分局",
        notice_number="西公通〔2026〕13号",
        notified_at=at(2026, 11, 3, 17),
        received_at=received,
    )
    with pytest.raises(InvalidInput) as caught:
        services.do_register_notification(notice, actor=users["legalaid"])
    assert field in caught.value.fields
    assert LegalAidCase.objects.count() == 0


def test_assignment_late_shows_as_late(flow, clock):
    clock.day(2026, 11, 2)
    case = flow.step(flow.to(S.UNDER_REVIEW), "grant")
    assert case.assign_due == D(2026, 11, 5)
    clock.day(2026, 11, 6)
    assign = next(c for c in clocks.clocks_of(case) if c.label.startswith("指派"))
    assert assign.status == "overdue"
    case = flow.step(case, "assign")
    assign = next(c for c in clocks.clocks_of(case) if c.label.startswith("指派"))
    assert assign.status == "late"


# --- the one-time request for materials (第四十三条第二款) -------------------------------------------


def test_materials_request_sets_a_due_date_and_pauses_the_decision_clock(flow, clock):
    clock.day(2026, 9, 14)
    case = flow.to(S.UNDER_REVIEW)
    assert case.decision_due == D(2026, 9, 21)
    clock.day(2026, 9, 16)
    case = flow.step(case, "request_materials", items=["劳动合同", "  ", "工资欠条"])
    assert case.stage == S.AWAITING_MATERIALS
    assert case.materials_requested == ["劳动合同", "工资欠条"]
    assert case.materials_due == D(2026, 10, 8)  # 15 days: 1 October, rolled past the holiday
    # paused: the decision clock is not late while the applicant is supplying materials
    assert selectors.overdue_cases(D(2026, 9, 30)) == []
    clock.day(2026, 9, 29)
    case = flow.step(case, "materials_supplied")
    assert case.stage == S.UNDER_REVIEW
    # two days used before the request, five left from 29 September: 4 October, past the holiday
    assert case.decision_due == D(2026, 10, 8)
    materials = next(c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十三条第二款")
    assert materials.status == "done"


def test_supplying_materials_resumes_the_review_clock_it_does_not_restart_it(flow, clock):
    """第四十三条第二款 and 办理法律援助案件程序规定: the applicant's time to supply materials is not
    counted in the seven days. Received Monday 2 November (due the 9th); materials asked for on
    Thursday the 5th after three days; supplied Monday the 16th: four days are left, due Friday the
    20th (a restart would give the 23rd)."""
    clock.day(2026, 11, 2)
    case = flow.to(S.UNDER_REVIEW)
    assert case.decision_due == D(2026, 11, 9)
    clock.day(2026, 11, 5)
    case = flow.step(case, "request_materials")
    assert case.decision_days_used == 3
    (review,) = [c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十三条第一款"]
    assert review.status == "paused" and review.due is None
    assert "已用3日" in review.note and "剩余4日" in review.note
    clock.day(2026, 11, 16)
    case = flow.step(case, "materials_supplied")
    assert case.decision_due == D(2026, 11, 20)
    (review,) = [c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十三条第一款"]
    assert review.status == "running" and review.due == D(2026, 11, 20)
    assert "不计入审查期限" in review.note
    event = selectors.event_log(case)[-1]
    assert (event.data["step"], event.data["days_left"]) == ("materials_supplied", 4)


def test_materials_asked_for_on_the_day_of_receipt_leave_all_seven_days(flow, clock):
    clock.day(2026, 11, 2, 9)
    case = flow.to(S.UNDER_REVIEW)
    clock.day(2026, 11, 2, 16)
    case = flow.step(case, "request_materials")
    assert case.decision_days_used == 0
    clock.day(2026, 11, 10)
    assert flow.step(case, "materials_supplied").decision_due == D(2026, 11, 17)


def test_materials_asked_for_after_the_seven_days_leave_none(flow, clock):
    clock.day(2026, 11, 2)
    case = flow.to(S.UNDER_REVIEW)
    clock.day(2026, 11, 12)  # late: the review was due on the 9th
    case = flow.step(case, "request_materials")
    assert case.decision_days_used == 7
    clock.day(2026, 11, 13)  # a Friday: decide that day
    assert flow.step(case, "materials_supplied").decision_due == D(2026, 11, 13)


@override_settings(LEGAL_AID_WORKING_DAYS=True)
def test_the_pause_in_a_region_counting_working_days(flow, clock):
    clock.day(2026, 10, 30)  # a Friday
    case = flow.to(S.UNDER_REVIEW)
    clock.day(2026, 11, 4)  # Mon 2, Tue 3, Wed 4: three working days used
    case = flow.step(case, "request_materials")
    assert case.decision_days_used == 3
    clock.day(2026, 11, 13)  # a Friday; four working days left: 16, 17, 18, 19
    assert flow.step(case, "materials_supplied").decision_due == D(2026, 11, 19)


def test_a_review_ordered_again_counts_its_days_from_the_order(flow, clock, users):
    clock.day(2026, 11, 2)
    case = flow.step(flow.to(S.REFUSED), "object")
    clock.day(2026, 11, 4)
    case = flow.step(case, "correct")  # a new seven days from the order (第四十九条第二款)
    assert case.decision_due == D(2026, 11, 11)
    clock.day(2026, 11, 6)
    case = flow.step(case, "request_materials")
    assert case.decision_days_used == 2


def test_the_request_is_one_time_only(flow, clock):
    case = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")
    case = flow.step(case, "materials_supplied")
    with pytest.raises(IllegalTransition) as caught:
        flow.step(case, "request_materials", items=["身份证"])
    assert "一次性" in caught.value.message
    case.refresh_from_db()
    assert case.stage == S.UNDER_REVIEW and case.materials_requested == ["劳动合同或者工资欠条"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"items": []}, "items"), ({"items": ["  "]}, "items"), ({"due": D(2026, 9, 1)}, "due")],
)
def test_a_bad_materials_request_names_the_field(flow, clock, payload, field):
    clock.day(2026, 9, 14)
    case = flow.to(S.UNDER_REVIEW)
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "request_materials", **payload)
    assert field in caught.value.fields
    case.refresh_from_db()
    assert case.stage == S.UNDER_REVIEW and case.materials_requested_at is None


def test_a_centre_chosen_period(flow, clock):
    clock.day(2026, 9, 14)
    case = flow.step(flow.to(S.UNDER_REVIEW), "request_materials", due=D(2026, 9, 30))
    assert case.materials_due == D(2026, 9, 30)


def test_sweep_deems_the_application_withdrawn_after_the_due_date(flow, clock):
    clock.day(2026, 9, 16)
    case = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")
    assert case.materials_due == D(2026, 10, 8)
    clock.day(2026, 10, 8, 18)  # the last day itself still counts
    assert services.do_sweep_materials() == 0
    with pytest.raises(IllegalTransition):
        flow.step(case, "deem_withdrawn")
    case.refresh_from_db()
    assert case.stage == S.AWAITING_MATERIALS
    clock.day(2026, 10, 9, 1)
    assert services.do_sweep_materials() == 1
    case.refresh_from_db()
    assert case.stage == S.WITHDRAWN
    assert case.matter.state == MatterState.WITHDRAWN
    event = selectors.event_log(case)[-1]
    assert (event.data["step"], event.data["article"]) == ("deem_withdrawn", "法律援助法第四十三条第二款")
    assert "视为撤回" in case.matter.events.filter(code="withdraw").get().note
    assert services.do_sweep_materials() == 0  # nothing left to do


def test_sweep_runs_for_the_day_it_is_given(flow, clock):
    """A catch-up run for an earlier or later day follows that day, not the wall clock."""
    clock.day(2026, 9, 16)
    case = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")
    assert services.do_sweep_materials(today=D(2026, 10, 8)) == 0
    assert services.do_sweep_materials(today=D(2026, 10, 9)) == 1  # "now" is still 16 September
    case.refresh_from_db()
    assert case.stage == S.WITHDRAWN


def test_one_case_the_matter_refuses_does_not_stop_the_sweep(flow, clock, district):
    clock.day(2026, 9, 16)
    stuck = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")
    ok = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")
    # the first one's matter has been withdrawn at the window already (out of step with the case)
    from yizhan.matters.services import transition

    transition(stuck.matter, "withdraw", actor=district.users["legalaid"], note="当事人撤回")
    assert services.do_sweep_materials(today=D(2026, 10, 9)) == 1
    ok.refresh_from_db()
    stuck.refresh_from_db()
    assert (ok.stage, stuck.stage) == (S.WITHDRAWN, S.AWAITING_MATERIALS)


# --- provisional aid (第四十四条) --------------------------------------------------------------------


def test_provisional_aid_has_a_formalities_due_date_and_an_overdue_entry(flow, clock, users):
    clock.day(2026, 9, 28)
    case = flow.to(S.UNDER_REVIEW)
    case = flow.step(case, "provide_provisionally", reason="2")
    assert case.stage == S.GRANTED and case.provisional
    assert case.provisional_reason.startswith("需要立即申请财产保全")
    assert case.formalities_due == D(2026, 10, 8)  # seven days: the 5th, in the holiday
    assert case.assign_due == D(2026, 10, 8)
    assert not case.decision_number  # provisional: no written decision yet
    formalities = next(c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十四条第二款")
    assert formalities.due == D(2026, 10, 8) and formalities.status == "running"
    case = flow.step(case, "assign")
    assert selectors.overdue_cases(D(2026, 10, 8)) == []
    assert selectors.overdue_cases(D(2026, 10, 9)) == [(case, "法律援助法第四十四条第二款")]
    lists = selectors.clock_lists(users["legalaid"], today=D(2026, 10, 9))
    assert [(c.number, c.running_article) for c in lists["late"]] == [
        (case.number, "法律援助法第四十四条第二款")
    ]
    # the recipient completes the formalities: the written decision is issued, the clock is met
    clock.day(2026, 10, 8)
    case = services.do_complete_formalities(
        case, actor=users["legalaid"], note="已补交身份证明和经济状况说明"
    )
    assert case.materials_supplied_at is not None
    assert case.decision == "grant" and case.decision_number.startswith("援决")
    assert case.decided_at == at(2026, 9, 28)  # the aid was decided when it was first provided
    formalities = next(c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十四条第二款")
    assert formalities.status == "done"
    assert selectors.overdue_cases(D(2026, 10, 9)) == []
    assert selectors.event_log(case)[-1].data["step"] == "formalities"
    with pytest.raises(IllegalTransition):
        services.do_complete_formalities(case, actor=users["legalaid"])


def test_formalities_only_for_provisional_aid(flow, users):
    case = flow.to(S.GRANTED)
    with pytest.raises(IllegalTransition):
        services.do_complete_formalities(case, actor=users["legalaid"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"reason": "9"}, "reason"), ({"formalities_due": D(2026, 9, 1)}, "formalities_due")],
)
def test_bad_provisional_aid_names_the_field(flow, clock, payload, field):
    clock.day(2026, 9, 28)
    case = flow.to(S.UNDER_REVIEW)
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "provide_provisionally", **payload)
    assert field in caught.value.fields
    case.refresh_from_db()
    assert case.stage == S.UNDER_REVIEW and not case.provisional


def test_provisional_aid_while_materials_are_awaited(flow, clock):
    clock.day(2026, 9, 14)
    case = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")
    case = flow.step(case, "provide_provisionally", reason="1", formalities_due=D(2026, 9, 30))
    assert case.stage == S.GRANTED and case.formalities_due == D(2026, 9, 30)
    assert services.do_sweep_materials(today=D(2026, 12, 1)) == 0  # no longer awaiting: not withdrawn


# --- objections (第四十九条) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "due"),
    [(D(2026, 9, 28), D(2026, 10, 8)), (D(2026, 10, 5), D(2026, 10, 10)), (D(2026, 11, 2), D(2026, 11, 9))],
)
def test_an_objection_is_decided_within_five_days(flow, clock, filed, due):
    case = flow.to(S.REFUSED)
    clock.day(filed.year, filed.month, filed.day)
    case = flow.step(case, "object")
    objection = case.objections.get()
    assert objection.due == due and objection.against == "refusal"
    clock_row = next(c for c in clocks.clocks_of(case) if c.article == "法律援助法第四十九条第二款")
    assert clock_row.due == due
    assert selectors.overdue_cases(due) == []
    assert selectors.overdue_cases(due + datetime.timedelta(days=1)) == [(case, "法律援助法第四十九条第二款")]
    flow.step(case, "uphold")
    assert selectors.overdue_cases(due + datetime.timedelta(days=1)) == []


# --- the lists -----------------------------------------------------------------------------------------


def test_overdue_cases_and_the_lists_name_each_clock(flow, clock, users):
    clock.day(2026, 11, 2)
    review = flow.to(S.UNDER_REVIEW)  # due 9 November
    granted = flow.step(flow.to(S.UNDER_REVIEW), "grant")  # due 5 November
    waiting = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")  # due 17 November
    objection = flow.step(flow.to(S.REFUSED), "object")  # due 9 November (the 7th is a Saturday)
    assert (
        review.decision_due,
        granted.assign_due,
        waiting.materials_due,
        objection.objections.get().due,
    ) == (
        D(2026, 11, 9),
        D(2026, 11, 5),
        D(2026, 11, 17),
        D(2026, 11, 9),
    )
    late = selectors.overdue_cases(D(2026, 11, 10))
    assert sorted((c.number, a) for c, a in late) == sorted(
        [
            (review.number, "法律援助法第四十三条第一款"),
            (granted.number, "法律援助法第四十三条第一款"),
            (objection.number, "法律援助法第四十九条第二款"),
        ]
    )
    lists = selectors.clock_lists(users["legalaid"], today=D(2026, 11, 8))
    assert [(c.number, c.running_due) for c in lists["late"]] == [(granted.number, D(2026, 11, 5))]
    assert [(c.number, c.running_due, c.running_article) for c in lists["near"]] == [
        (review.number, D(2026, 11, 9), "法律援助法第四十三条第一款"),
        (objection.number, D(2026, 11, 9), "法律援助法第四十九条第二款"),
    ]
    assert selectors.current_due(waiting) == D(2026, 11, 17)
    # the station sees its own applications on its lists, another township does not
    assert {c.number for c in selectors.clock_lists(users["clerk2"], today=D(2026, 11, 8))["near"]} >= {
        review.number
    }
    assert selectors.clock_lists(users["officer2"], today=D(2026, 11, 8)) == {"late": [], "near": []}


def test_cases_that_are_done_are_off_the_lists(flow, clock, users):
    clock.day(2026, 11, 2)
    flow.to(S.CLOSED)
    flow.to(S.WITHDRAWN)
    assert selectors.overdue_cases(D(2027, 1, 1)) == []
    assert selectors.clock_lists(users["legalaid"], today=D(2027, 1, 1)) == {"late": [], "near": []}
    assert LegalAidCase.objects.count() == 2
