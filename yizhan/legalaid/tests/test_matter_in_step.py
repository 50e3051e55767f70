"""The service matter moves along with the legal-aid case, so its state, the legal-aid transfer ledger
and the citizen's query-code page tell the same story as the case (SPEC §3, §4, §5)."""

from __future__ import annotations

import pytest

from yizhan.ledgers.selectors import ledger_rows
from yizhan.legalaid import services
from yizhan.matters.models import Outcome, TransferStatus
from yizhan.matters.states import MatterState as M

from .conftest import S


def transfer_ledger(user, number):
    """(from, to, status) of the legal-aid transfer ledger's rows for one matter, oldest first."""
    result = ledger_rows(user, "legal_aid_transfers", {})
    keys = [c.key for c in result.columns]
    rows = [dict(zip(keys, row, strict=True)) for row in result.rows()]
    return sorted(
        (r["from_org"], r["to_org"], str(r["transfer_status"])) for r in rows if r["number"] == number
    )


def test_application_along_the_usual_path(flow, district, users):
    station, centre, firm = district.stations[0], district.legal_aid_center, district.firms[0]
    case = flow.to(S.APPLIED)
    matter = case.matter
    assert (matter.state, matter.current_org, matter.service_type.code) == (
        M.REGISTERED,
        station,
        "legal_aid",
    )

    case = flow.step(case, "precheck_pass")  # 第三十八条: the station forwards to the centre
    matter.refresh_from_db()
    assert (matter.state, matter.current_org) == (M.TRANSFERRED, centre)
    assert matter.transfers.get().to_org == centre
    assert transfer_ledger(users["manager"], matter.number) == [(station.name, centre.name, "待接收")]

    case = flow.step(case, "receive")
    matter.refresh_from_db()
    assert (matter.state, matter.current_org) == (M.ACCEPTED, centre)
    assert matter.transfers.get().status == TransferStatus.ACCEPTED

    case = flow.step(case, "grant")
    matter.refresh_from_db()
    assert (matter.state, matter.current_org) == (M.ACCEPTED, centre)

    case = flow.step(case, "assign")  # to a lawyer of a firm that has its own account
    matter.refresh_from_db()
    assert (matter.state, matter.current_org) == (M.TRANSFERRED, firm)
    handoff = matter.transfers.order_by("-id").first()
    assert handoff.to_person == flow.lawyer
    assert matter.assignee == users["lawyer"]
    assert case.assignee == flow.lawyer and case.assigned_at is not None

    services.do_report_progress(case, "已申请劳动仲裁。", actor=users["lawyer"])  # the lawyer takes it on
    matter.refresh_from_db()
    assert matter.state == M.ACCEPTED

    case = flow.step(case, "close")
    matter.refresh_from_db()
    assert (matter.state, matter.outcome) == (M.CONCLUDED, Outcome.AID_GRANTED)
    assert matter.current_org == station  # back to the window that received it, for feedback
    assert transfer_ledger(users["manager"], matter.number) == sorted(
        [(station.name, centre.name, "已办结"), (centre.name, firm.name, "已办结")]
    )


def test_applied_at_the_centre_is_under_review_at_once(flow, district):
    case = flow.apply(actor="legalaid")
    assert case.stage == S.UNDER_REVIEW and case.received_at is not None
    assert case.matter.current_org == district.legal_aid_center
    assert case.matter.transfers.count() == 0


def test_a_firm_without_accounts_is_accepted_for_by_the_centre(flow, district):
    other = district.lawyers[1]
    assert other.org == district.firms[1]
    case = flow.step(flow.to(S.GRANTED), "assign", person=other)
    case.matter.refresh_from_db()
    assert (case.matter.state, case.matter.current_org) == (M.ACCEPTED, district.firms[1])
    accept = case.matter.events.filter(code="accept").latest("seq")
    assert accept.data["on_behalf_of"] == district.firms[1].name


def test_assigning_the_centres_own_worker_starts_handling_there(flow, district):
    from yizhan.orgs.models import Person

    worker = Person.objects.get(org=district.legal_aid_center, role="legal_aid_worker")
    case = flow.step(flow.to(S.GRANTED), "assign", person=worker)
    case.matter.refresh_from_db()
    assert (case.matter.state, case.matter.current_org) == (M.IN_PROGRESS, district.legal_aid_center)


@pytest.mark.parametrize(
    ("stage", "matter_state", "outcome"),
    [
        (S.REFERRED, M.REFERRED_OUT, Outcome.REFERRED),
        (S.REFUSED, M.CONCLUDED, Outcome.AID_REFUSED),
        (S.TERMINATED, M.CONCLUDED, Outcome.AID_TERMINATED),
        (S.WITHDRAWN, M.WITHDRAWN, ""),
        (S.CLOSED, M.CONCLUDED, Outcome.AID_GRANTED),
    ],
)
def test_each_ending_concludes_the_matter(flow, stage, matter_state, outcome):
    case = flow.to(stage)
    case.matter.refresh_from_db()
    assert case.matter.state == matter_state
    assert case.matter.outcome == outcome


def test_the_centre_terminates_a_case_its_lawyer_holds(flow, district, users):
    """第四十八条: the centre decides termination even while the firm (with accounts) holds the matter;
    the matter records the firm's side on its behalf."""
    case = flow.to(S.ASSIGNED)
    assert case.matter.state == M.TRANSFERRED  # the lawyer has not even opened it yet
    case = flow.step(case, "terminate", reason="4")
    assert case.stage == S.TERMINATED and case.termination_reason == "4"
    matter = case.matter
    matter.refresh_from_db()
    assert (matter.state, matter.outcome) == (M.CONCLUDED, Outcome.AID_TERMINATED)
    conclude = matter.events.filter(code="conclude").latest("seq")
    assert conclude.actor == users["legalaid"]
    assert conclude.data["on_behalf_of"] == district.firms[0].name


def test_the_centre_closes_on_the_lawyers_report(flow, district, users):
    case = flow.to(S.ASSIGNED)
    services.do_report_progress(case, "已开庭。", actor=users["lawyer"])
    case = flow.step(case, "close", who="legalaid", on_behalf_reason="律师已提交纸质结案材料。")
    assert case.stage == S.CLOSED
    case.matter.refresh_from_db()
    assert case.matter.state == M.CONCLUDED


def test_correcting_a_refusal_reopens_the_matter_at_the_centre(flow, district):
    case = flow.step(flow.to(S.OBJECTION), "correct")
    case.matter.refresh_from_db()
    assert case.stage == S.UNDER_REVIEW
    assert (case.matter.state, case.matter.current_org) == (M.ACCEPTED, district.legal_aid_center)
    # and the centre decides again through the same steps
    case = flow.step(case, "grant")
    assert case.stage == S.GRANTED and case.decision_number


# --- what the citizen sees by query code -----------------------------------------------------------


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_tracking_page_shows_stage_steps_and_dates_but_no_personal_data(client, flow, clock):
    clock.day(2026, 9, 28)
    case = flow.to(S.GRANTED)
    code = case.matter.query_code
    redirect = client.get(f"/t/{code}")
    assert redirect.status_code == 302
    page = client.get(redirect["Location"])
    assert page.status_code == 200
    html = _main(page.content.decode())
    assert "决定给予，待指派" in html  # the legal-aid stage
    # the step and its article under the law's full name
    assert "决定给予法律援助" in html and "《中华人民共和国法律援助法》第四十三条第一款" in html
    assert "2026年9月28日" in html  # received and decided that day
    assert "2026年10月8日" in html  # assignment due: 1 October + 2 days fall in the National Day holiday
    requester = case.matter.primary_requester
    for secret in (
        requester.name,
        requester.phone_mask,
        requester.id_number_mask,
        "13812341234",
        "110101199003074258",
        case.decision_reasons,
        case.number,
    ):
        assert secret and secret not in html, secret


def test_the_citizen_reads_one_account_of_a_legal_aid_case(client, flow, clock, users, district):
    """One stage (the case's, not the matter's 已转交 besides it); each step once (not the matter's
    transfer, acceptance and conclusion again); articles with the law's name; no 预计办结 from the
    service type's seven working days; the lawyer's name and office phone; the progress the lawyer
    addressed to the applicant, not the internal notes; the statutory deadlines."""
    clock.day(2026, 11, 2)
    case = flow.to(S.ASSIGNED)
    code = case.matter.query_code
    services.do_report_progress(case, "已向劳动人事争议仲裁委员会提交仲裁申请。", actor=users["lawyer"])
    services.do_report_progress(case, "内部：证据目录待补。", actor=users["lawyer"], for_recipient=False)
    html = _main(client.get(f"/track/{code}/").content.decode())
    assert html.count("已指派，承办中") == 1
    for matter_state in ("已转交", "承办单位已接收", "已转交承办单位", "预计办结"):
        assert matter_state not in html, matter_state
    for step in ("提出申请", "初审通过并转交", "接收申请", "决定给予法律援助", "指派承办人员"):
        assert html.count(f"<b>{step}</b>") == 1, step
    assert "：法律援助法第" not in html  # never a bare short name
    assert "《中华人民共和国法律援助法》第三十八条" in html
    lawyer = flow.lawyer
    assert lawyer.name in html and lawyer.org.name in html and lawyer.org.phone in html
    assert "已向劳动人事争议仲裁委员会提交仲裁申请。" in html
    assert "证据目录待补" not in html
    assert "审查并作出决定（七日）" in html and "已按期完成" in html
    case = flow.step(case, "close")
    html = _main(client.get(f"/track/{code}/").content.decode())
    assert (
        "法律援助已办结" in html and "法律援助法第五十五条" in html
    )  # done, not "a lawyer will be assigned"
    assert "经济困难状况说明表" not in html  # the centre's generic guidance is not this case's
    # the API answers the same account
    data = client.get(f"/api/v1/track/{code}").json()
    assert data["state_label"] == "已结案" and data["due_date"] is None
    labels = [s["label"] for s in data["steps"]]
    assert len(labels) == len(set(labels)) and "已转交承办单位" not in labels
    assert all("《中华人民共和国法律援助法》" in s["detail"] for s in data["steps"] if s["done"])


def test_the_centres_list_of_materials_is_not_the_generic_one(client, flow, users):
    """第四十二条: a migrant worker's wage claim is exempt from verification; what the citizen is told
    to bring (the transfer's instructions and the tracking page) is the engine's one-time list,
    without the hardship statement the centre's generic guidance asks for."""
    case = flow.to(S.FORWARDED)
    transfer = case.matter.transfers.latest("created_at")
    assert "经济困难状况说明表" not in transfer.instructions
    assert "属于免予核查经济困难状况人员的证明材料（第四十二条）" in transfer.instructions
    html = _main(client.get(f"/track/{case.matter.query_code}/").content.decode())
    assert "办理指引" in html and "经济困难状况说明表" not in html
    # a claim that is not exempt keeps the statement on its list
    other = flow.to(S.FORWARDED, flow.apply(facts={"proceeding": "civil", "claim": "labor_relation"}))
    transfer = other.matter.transfers.latest("created_at")
    assert "经济困难状况说明表或者个人诚信承诺书" in transfer.instructions


def test_a_paused_review_reads_as_paused(client, flow, clock):
    clock.day(2026, 11, 2)
    case = flow.to(S.UNDER_REVIEW)
    clock.day(2026, 11, 5)
    case = flow.step(case, "request_materials", items=["劳动合同"])
    html = _main(client.get(f"/track/{case.matter.query_code}/").content.decode())
    assert "暂停计算" in html and "已用3日" in html and "剩余4日" in html
    assert "请在2026年11月20日前补充：劳动合同" in html


def test_tracking_page_of_a_plain_matter_has_no_legal_aid_section(client, district):
    from yizhan.matters.testing import register

    matter = register(district.users["clerk"])
    html = client.get(f"/track/{matter.query_code}/").content.decode()
    assert 'id="legal-aid"' not in html
