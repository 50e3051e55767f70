"""The tracking page tells the outcome: what was done, by which unit, and where to go next — in the
system's own words and the units' public directory data, never a person's data or staff notes."""

import pytest
from django.urls import reverse

from yizhan.matters import services
from yizhan.matters.testing import VALID_ID, drive, register

NAME, PHONE = "欧阳娜娜", "13912348765"
NOTE = f"{NAME}（{PHONE}）私密：对方赔偿二千元"


def _page(client, matter) -> str:
    response = client.get(reverse("portal:status", args=[matter.query_code]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def mediated(district, users):
    clerk, mediator = users["clerk"], users["mediator"]
    matter = register(clerk, name=NAME, phone=PHONE, id_number=VALID_ID)
    services.transition(matter, "transfer", actor=clerk, payload={"transfer": _to(district.committees[0])})
    services.transition(matter, "accept", actor=mediator)
    services.transition(matter, "conclude", actor=mediator, note=NOTE, payload={"outcome": "mediated"})
    services.transition(matter, "feed_back", actor=clerk, note=NOTE, payload={"method": "phone"})
    matter.refresh_from_db()
    return matter


def _to(org):
    from yizhan.matters.services import TransferData

    return TransferData(to_org=org)


def test_a_mediated_matter_says_what_was_done_and_what_comes_next(client, district, mediated):
    page = _page(client, mediated)
    assert "办理结果" in page and "调解成功" in page
    assert "双方已达成调解协议" in page
    assert district.committees[0].name in page  # who did it
    assert "三十日内共同向人民法院申请司法确认" in page and "人民调解法第三十三条" in page
    # where to turn with questions: the service point that received it, with its public phone
    assert district.center.phone in page and district.center.address in page


def test_the_outcome_carries_no_personal_data_and_no_staff_notes(client, users, mediated):
    page = _page(client, mediated)
    for secret in (NAME, PHONE, "139****8765", VALID_ID, "私密", "二千元"):
        assert secret not in page, secret
    for username in ("clerk", "mediator"):
        assert users[username].full_name not in page


def test_a_matter_referred_out_names_the_department_to_go_to(client, district, users):
    matter = register(users["clerk"])
    department = district.externals[2]  # 12333
    services.transition(
        matter,
        "refer_out",
        actor=users["clerk"],
        note=f"{NAME}请去12333",
        payload={"referral_org": department},
    )
    page = _page(client, matter)
    assert "已引导通过其他途径解决" in page
    assert "请到这里办理" in page and department.name in page
    assert department.hotline_number in page and department.referral_guidance in page
    assert NAME not in page


def test_a_failed_mediation_points_to_the_other_routes(client, district, users):
    matter = drive(district, "accepted")
    services.transition(
        matter, "conclude", actor=users["mediator"], note=NOTE, payload={"outcome": "mediation_failed"}
    )
    page = _page(client, matter)
    assert "调解不成" in page and "仲裁、行政、司法等途径" in page and "人民调解法第二十六条" in page


def test_an_open_matter_has_no_outcome_yet(client, district):
    matter = drive(district, "accepted")
    page = _page(client, matter)
    assert 'id="outcome"' not in page
    assert "办结后将通知您" in page


def test_the_public_api_returns_the_outcome(client, district, mediated):
    data = client.get(f"/api/v1/track/{mediated.query_code}").json()
    outcome = data["outcome"]
    assert outcome["code"] == "mediated" and outcome["label"] == "调解成功"
    assert outcome["by"] == district.committees[0].name
    assert any("人民调解法第三十三条" in step for step in outcome["next_steps"])
    assert outcome["contact"]["name"] == district.center.name
    assert NAME not in str(data) and PHONE not in str(data)
