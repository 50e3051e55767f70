"""Every transition from every state: the legal ones work, the illegal ones are refused clearly."""

import pytest

from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.matters import selectors, services
from yizhan.matters.models import Transfer, TransferStatus
from yizhan.matters.states import TRANSITIONS, MatterState
from yizhan.matters.testing import PATHS, drive, register, step_arguments

STAFF_CODES = [code for code, t in TRANSITIONS.items() if t.actor == "holder"]
PAIRS = [(state, code) for state in PATHS for code in STAFF_CODES]


@pytest.mark.parametrize(("state", "code"), PAIRS)
def test_each_staff_transition_from_each_state(district, users, state, code):
    matter = drive(district, state)
    t = TRANSITIONS[code]
    note, payload = step_arguments(code, district)
    if code == "transfer" and matter.current_org == district.committees[0]:
        payload["transfer"].to_org = district.legal_aid_center  # forwarded on by the committee
    # the district manager has every staff permission over the whole district: only the state decides
    manager = users["manager"]
    if state in t.sources:
        services.transition(matter, code, actor=manager, note=note, payload=payload)
        matter.refresh_from_db()
        assert matter.state == t.target
        last = matter.events.order_by("-seq").first()
        assert (last.code, last.from_state, last.to_state) == (code, state, t.target)
    else:
        before = matter.events.count()
        with pytest.raises(IllegalTransition) as info:
            services.transition(matter, code, actor=manager, note=note, payload=payload)
        assert str(t.label) in info.value.message
        matter.refresh_from_db()
        assert matter.state == state
        assert matter.events.count() == before


def test_the_closed_loop_records_every_step_in_order(district, users):
    matter = drive(district, "archived")
    codes = [e.code for e in matter.events.order_by("seq")]
    assert codes == ["register", *PATHS["archived"]]
    assert [e.seq for e in matter.events.order_by("seq")] == list(range(1, len(codes) + 1))


def test_transfer_hands_the_matter_to_the_target_and_conclusion_returns_it(district, users):
    matter = drive(district, "transferred")
    assert matter.current_org == district.committees[0]
    transfer = matter.transfers.get()
    assert transfer.status == TransferStatus.PENDING
    assert transfer.where_to_go.startswith(district.committees[0].name)
    assert transfer.instructions == district.committees[0].referral_guidance
    services.transition(matter, "accept", actor=users["mediator"])
    services.transition(
        matter, "conclude", actor=users["mediator"], note="调解成功", payload={"outcome": "mediated"}
    )
    matter.refresh_from_db()
    assert matter.current_org == district.center  # back to the window for feedback
    assert matter.assignee == users["clerk"]
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.CONCLUDED


def test_return_sends_the_matter_back_with_the_reason(district, users):
    matter = drive(district, "returned")
    assert matter.current_org == district.center
    transfer = matter.transfers.get()
    assert transfer.status == TransferStatus.RETURNED
    assert transfer.return_reason
    # the window can then transfer it elsewhere
    note, payload = step_arguments("transfer", district)
    payload["transfer"].to_org = district.legal_aid_center
    services.transition(matter, "transfer", actor=users["clerk"], note=note, payload=payload)
    matter.refresh_from_db()
    assert matter.current_org == district.legal_aid_center


@pytest.mark.parametrize("code", ["answer", "return", "conclude", "feed_back", "withdraw", "refer_out"])
def test_transitions_that_need_a_note_refuse_an_empty_one(district, users, code):
    state = {"return": "transferred", "conclude": "accepted", "feed_back": "concluded"}.get(
        code, "registered"
    )
    matter = drive(district, state)
    _, payload = step_arguments(code, district)
    with pytest.raises(InvalidInput) as info:
        services.transition(matter, code, actor=users["manager"], note="  ", payload=payload)
    assert "note" in info.value.fields


def test_conclude_requires_an_outcome(district, users):
    matter = drive(district, "accepted")
    with pytest.raises(InvalidInput) as info:
        services.transition(matter, "conclude", actor=users["mediator"], note="结果", payload={})
    assert "outcome" in info.value.fields


def test_follow_up_requires_a_valid_satisfaction(district, users):
    matter = drive(district, "fed_back")
    with pytest.raises(InvalidInput) as info:
        services.transition(matter, "follow_up", actor=users["clerk"], payload={"satisfaction": "great"})
    assert "satisfaction" in info.value.fields


def test_a_handler_of_another_unit_cannot_even_see_it(district, users):
    matter = drive(district, "transferred")  # to committee 0 (陈坪)
    with pytest.raises(NotFound):
        services.transition(matter, "accept", actor=users["mediator2"])  # the medical committee


def test_a_unit_that_can_see_but_does_not_hold_the_matter_cannot_act(district, users):
    matter = drive(district, "transferred")  # the centre can see it, the committee holds it
    with pytest.raises(Forbidden) as info:
        services.transition(matter, "withdraw", actor=users["clerk"], note="撤回")
    assert district.committees[0].name in info.value.message


def test_roles_without_the_permission_are_refused(district, users):
    matter = drive(district, "transferred")
    with pytest.raises(Forbidden) as info:
        services.transition(matter, "accept", actor=users["clerk"])  # clerks do not handle
    assert "接收" in info.value.message


def test_transfer_to_a_bureau_or_to_itself_is_refused_with_the_field(district, users):
    from yizhan.matters.services import TransferData

    matter = drive(district, "registered")
    for target in (district.bureau, district.center):
        with pytest.raises(InvalidInput) as info:
            services.transition(
                matter, "transfer", actor=users["clerk"], payload={"transfer": TransferData(to_org=target)}
            )
        assert "to_org" in info.value.fields


def test_the_window_records_an_external_departments_answer_on_its_behalf(district, users):
    from yizhan.matters.services import TransferData

    matter = drive(district, "registered", service_type="external", domain="consumer")
    external = district.externals[1]  # 12315
    services.transition(
        matter, "transfer", actor=users["clerk"], payload={"transfer": TransferData(to_org=external)}
    )
    matter.refresh_from_db()
    assert matter.current_org == external
    clerk = users["clerk"]  # a clerk does not handle matters, but records what 12315 did
    assert {t.code for t in selectors.allowed_transitions(matter, clerk)} == {"accept", "return"}
    services.transition(matter, "accept", actor=clerk)
    services.transition(
        matter, "conclude", actor=clerk, note="12315已受理并调解退款", payload={"outcome": "resolved"}
    )
    event = matter.events.get(code="conclude")
    assert event.data["on_behalf_of"] == external.name
    matter.refresh_from_db()
    assert matter.current_org == district.center


def test_citizen_rating_only_after_feedback(district):
    matter = drive(district, "transferred")
    with pytest.raises(IllegalTransition):
        services.do_rate_matter(matter.query_code, satisfaction="satisfied", advice_adopted=True)
    matter = drive(district, "fed_back")
    services.do_rate_matter(matter.query_code, satisfaction="satisfied", advice_adopted=None, comment="很好")
    matter.refresh_from_db()
    assert matter.state == MatterState.FOLLOWED_UP
    assert matter.followed_up_by_citizen
    rate = matter.events.get(code="rate")
    assert rate.actor is None and rate.actor_label
    with pytest.raises(IllegalTransition) as info:
        services.do_rate_matter(matter.query_code, satisfaction="satisfied", advice_adopted=None)
    assert "已评价" in info.value.message


def test_staff_cannot_use_the_citizen_rating(district, users):
    matter = drive(district, "fed_back")
    with pytest.raises(Forbidden):
        services.transition(matter, "rate", actor=users["clerk"], payload={"satisfaction": "satisfied"})


def test_every_transition_is_audited(district, users):
    from yizhan.audit.models import AuditLog

    matter = drive(district, "fed_back")
    actions = list(
        AuditLog.objects.filter(object_type="matters.matter", object_id=str(matter.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("create") == 1
    assert actions.count("transition") == len(PATHS["fed_back"])


def test_a_supervisor_reopens_a_concluded_matter_at_the_unit_that_concluded_it(district, users):
    matter = drive(district, "fed_back")
    services.transition(matter, "reopen", actor=users["manager"], note="调解协议未履行，重新调解。")
    matter.refresh_from_db()
    assert matter.state == MatterState.ACCEPTED
    assert matter.current_org == district.committees[0]
    assert matter.outcome == "" and matter.fed_back_at is None
    with pytest.raises(Forbidden):  # the window clerk cannot reopen
        services.transition(drive(district, "fed_back"), "reopen", actor=users["clerk"], note="x")


def test_a_unit_concludes_what_it_registered_itself(district, users):
    mediator = users["mediator"]
    matter = register(mediator, receiving_org=district.committees[0])
    services.transition(
        matter, "conclude", actor=mediator, note="当场调解成功", payload={"outcome": "mediated"}
    )
    matter.refresh_from_db()
    assert matter.state == MatterState.CONCLUDED


def test_the_window_records_for_a_law_firm_without_accounts(district, users):
    from yizhan.matters.services import TransferData

    firm = district.firms[1]  # the first firm has the demo lawyer's account; the second has none
    matter = drive(district, "registered", service_type="lawyer_service")
    clerk = users["clerk"]
    services.transition(matter, "transfer", actor=clerk, payload={"transfer": TransferData(to_org=firm)})
    services.transition(matter, "accept", actor=clerk)
    services.transition(
        matter, "conclude", actor=clerk, note="律师已出具法律意见", payload={"outcome": "advice_given"}
    )
    assert matter.events.get(code="accept").data["on_behalf_of"] == firm.name
