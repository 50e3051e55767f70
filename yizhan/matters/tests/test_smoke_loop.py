from yizhan.core.testing import register
from yizhan.matters import services
from yizhan.matters.states import MatterState


def test_the_closed_loop_from_window_to_rating(district, users):
    clerk, mediator = users["clerk"], users["mediator"]
    matter = register(clerk)
    assert matter.state == MatterState.REGISTERED
    assert matter.first_responsible == clerk
    committee = district.committees[0]
    services.transition(
        matter, "transfer", actor=clerk, payload={"transfer": services.TransferData(to_org=committee)}
    )
    services.transition(matter, "accept", actor=mediator)
    services.transition(
        matter, "conclude", actor=mediator, note="双方达成调解协议", payload={"outcome": "mediated"}
    )
    assert matter.current_org == district.center
    services.transition(matter, "feed_back", actor=clerk, note="已电话告知", payload={"method": "phone"})
    services.do_rate_by_query_code(matter.query_code, satisfaction="very_satisfied", advice_adopted=True)
    matter.refresh_from_db()
    assert matter.state == MatterState.FOLLOWED_UP
    assert [e.code for e in matter.events.order_by("seq")] == [
        "register",
        "transfer",
        "accept",
        "conclude",
        "feed_back",
        "rate",
    ]
