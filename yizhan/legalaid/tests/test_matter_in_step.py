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
    case = flow.step(case, "close", who="legalaid")
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


def test_tracking_page_shows_stage_steps_and_dates_but_no_personal_data(client, flow, clock):
    clock.day(2026, 9, 28)
    case = flow.to(S.GRANTED)
    code = case.matter.query_code
    redirect = client.get(f"/t/{code}")
    assert redirect.status_code == 302
    page = client.get(redirect["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "决定给予，待指派" in html  # the legal-aid stage
    assert "决定给予法律援助" in html and "法律援助法第四十三条第一款" in html  # the step and its article
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
    case = flow.step(case, "assign")
    html = client.get(f"/track/{code}/").content.decode()
    assert "已指派，承办中" in html
    assert flow.lawyer.name not in html  # the unit may be named, the lawyer is not


def test_tracking_page_of_a_plain_matter_has_no_legal_aid_section(client, district):
    from yizhan.matters.testing import register

    matter = register(district.users["clerk"])
    html = client.get(f"/track/{matter.query_code}/").content.decode()
    assert 'id="legal-aid"' not in html
