"""After assignment: progress reports (第四十六条), closing with the materials of 第五十条, termination
for a reason of 第四十八条, objections decided by the bureau (第四十九条), archive with a quality review,
and the written decision as a PDF (第四十三条)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.legalaid import documents, selectors, services
from yizhan.legalaid.models import ProgressReport

from .conftest import S

# --- progress (第四十六条) ------------------------------------------------------------------------------


def test_the_assigned_lawyer_reports_progress(flow, users):
    case = flow.to(S.ASSIGNED)
    report = services.do_report_progress(case, "  已向劳动仲裁委提交仲裁申请。 ", actor=users["lawyer"])
    assert report.content == "已向劳动仲裁委提交仲裁申请。" and report.author == users["lawyer"]
    event = selectors.event_log(case)[-1]
    assert (event.data["step"], event.data["article"]) == ("progress", "法律援助法第四十六条")
    # the centre, for the lawyer, saying why
    services.do_report_progress(
        case, "仲裁庭已开庭。", actor=users["legalaid"], on_behalf_reason="律师电话报告，中心代为登记。"
    )
    assert case.reports.count() == 2


def test_progress_is_refused_before_assignment_without_content_or_by_others(flow, users):
    granted = flow.to(S.GRANTED)
    with pytest.raises(IllegalTransition):
        services.do_report_progress(granted, "尚未指派", actor=users["legalaid"])
    case = flow.to(S.ASSIGNED)
    with pytest.raises(InvalidInput) as caught:
        services.do_report_progress(case, "   ", actor=users["lawyer"])
    assert "content" in caught.value.fields
    with pytest.raises(Forbidden):
        services.do_report_progress(case, "代为通报", actor=users["clerk2"])  # sees it, is not its lawyer
    with pytest.raises(NotFound):
        services.do_report_progress(case, "代为通报", actor=users["officer2"])
    assert ProgressReport.objects.count() == 0


# --- closing (第五十条) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "materials", "fields"),
    [
        ("已结案", [], {"materials"}),
        ("已结案", ["documents"], {"materials"}),  # the report is missing
        ("已结案", ["report", "recipient_opinion"], {"materials"}),  # the court's documents are missing
        ("", ["documents", "report"], {"note"}),
        ("", [], {"materials", "note"}),
        ("已结案", ["documents", "report", "made_up"], set()),
    ],
)
def test_closing_needs_the_documents_and_the_report(flow, note, materials, fields):
    case = flow.to(S.ASSIGNED)
    if not fields:
        case = flow.step(case, "close", note=note, materials=materials)
        assert case.stage == S.CLOSED
        assert case.closing_materials == ["documents", "report"]  # unknown codes are not kept
        assert case.closing_report == note and case.closed_at is not None
        return
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "close", note=note, materials=materials)
    assert set(caught.value.fields) == fields
    if "materials" in fields:
        assert "第五十条" in caught.value.fields["materials"]
    case.refresh_from_db()
    assert case.stage == S.ASSIGNED and case.closed_at is None


# --- termination (第四十八条) -----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "0", "9", "终止"])
def test_termination_needs_a_reason_of_article_48(flow, reason):
    case = flow.to(S.GRANTED)
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "terminate", reason=reason)
    assert "reason" in caught.value.fields
    case.refresh_from_db()
    assert case.stage == S.GRANTED and case.terminated_at is None


def test_termination_records_the_reason(flow):
    case = flow.step(flow.to(S.ASSIGNED), "terminate", reason="5", note="")
    assert case.termination_reason == "5"
    event = selectors.event_log(case)[-1]
    assert event.data["reason"] == "案件终止审理或者已经被撤销"
    assert case.matter.events.filter(code="conclude").latest("seq").note == "案件终止审理或者已经被撤销"


# --- objections (第四十九条) ---------------------------------------------------------------------------


def test_an_objection_needs_grounds(flow):
    case = flow.to(S.REFUSED)
    with pytest.raises(InvalidInput):
        flow.step(case, "object", note="  ")
    case.refresh_from_db()
    assert case.stage == S.REFUSED and case.objections.count() == 0


def test_upholding_needs_reasons_and_returns_to_the_refusal(flow, users):
    case = flow.to(S.OBJECTION)
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "uphold", note="")
    assert "note" in caught.value.fields
    case = flow.step(case, "uphold")
    assert case.stage == S.REFUSED
    objection = case.objections.get()
    assert (objection.outcome, objection.decided_by, objection.reasons) == (
        "upheld",
        users["manager"],
        "原决定正确。",
    )


def test_after_an_upheld_objection_the_way_is_review_or_litigation(flow):
    """第四十九条第三款: no second objection against a decision the bureau has upheld."""
    case = flow.step(flow.to(S.OBJECTION), "uphold")
    with pytest.raises(IllegalTransition) as caught:
        flow.step(case, "object", note="仍然不服")
    assert "行政复议" in caught.value.message
    case.refresh_from_db()
    assert case.stage == S.REFUSED and case.objections.count() == 1


def test_a_new_refusal_after_a_correction_can_be_objected_to_again(flow):
    case = flow.step(flow.to(S.OBJECTION), "correct")
    assert case.stage == S.UNDER_REVIEW and not case.decision and case.decision_due
    case = flow.step(case, "refuse", note="经重新审查，仍不符合条件。")
    case = flow.step(case, "object", note="再次提出异议")
    assert case.stage == S.OBJECTION and case.objections.count() == 2


def test_correcting_a_termination_restores_the_aid(flow, clock):
    clock.day(2026, 11, 2)
    case = flow.step(flow.to(S.ASSIGNED), "terminate", reason="4")
    decision_number = case.decision_number
    case = flow.step(case, "object", note="经济状况并未变化")
    assert case.objections.get().against == "termination"
    clock.day(2026, 11, 4)
    case = flow.step(case, "correct", note="受援人经济状况未发生变化，终止决定不当。")
    # the grant stands; the centre assigns again within three days of the order
    assert case.stage == S.GRANTED
    assert case.decision == "grant" and case.decision_number == decision_number
    assert case.terminated_at is None and case.termination_reason == ""
    assert case.assignee is None and case.assign_due.isoformat() == "2026-11-09"  # the 7th is a Saturday
    case = flow.step(case, "assign")
    assert case.stage == S.ASSIGNED


def test_upholding_a_termination_keeps_it_terminated(flow):
    case = flow.step(flow.step(flow.to(S.GRANTED), "terminate"), "object")
    assert flow.step(case, "uphold").stage == S.TERMINATED


# --- archive ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("score", [-1, 101])
def test_archive_score_is_checked(flow, score):
    case = flow.to(S.CLOSED)
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "archive", quality_score=score)
    assert "quality_score" in caught.value.fields
    case.refresh_from_db()
    assert case.stage == S.CLOSED and case.archived_at is None


def test_archive_keeps_the_quality_review(flow):
    case = flow.step(flow.to(S.CLOSED), "archive", quality_score=88, note="卷宗规范")
    assert (case.stage, case.quality_score, case.quality_note) == (S.ARCHIVED, 88, "卷宗规范")
    assert case.archived_at is not None


def test_the_station_files_what_never_reached_the_centre(flow, users):
    case = flow.to(S.REFERRED)
    with pytest.raises(NotFound):  # the centre never saw it
        flow.step(case, "archive", who="legalaid")
    assert flow.step(case, "archive", who="clerk2").stage == S.ARCHIVED
    # but the quality review of a closed case is the centre's
    closed = flow.to(S.CLOSED)
    with pytest.raises(Forbidden):
        flow.step(closed, "archive", who="clerk2")


# --- the written decision (决定书) -------------------------------------------------------------------------


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "decision.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def _png(pdf: bytes, tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
    )
    (png,) = tmp_path.glob("p*.png")
    return png


needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdftoppm"), reason="poppler"
)


@needs_poppler
def test_grant_decision_pdf(flow, tmp_path, district):
    case = flow.to(S.GRANTED)
    pdf = documents.decision_pdf(case)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert "给予法律援助决定书" in text
    assert case.decision_number in text and case.number in text
    assert "《中华人民共和国法律援助法》第三十一条第五项" in text  # the engine's grounds
    assert "三日内指派" in text
    assert district.legal_aid_center.name in text
    assert "110101********4258" in text  # masked ID, never the full number
    assert "110101199003074258" not in text
    png = _png(pdf, tmp_path)
    assert png.stat().st_size > 1500
    # non-blank: the page has dark pixels (text), not just white
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        assert grey.getextrema()[0] < 100


@needs_poppler
def test_refusal_decision_pdf_cites_no_granting_article_and_names_the_bureau(flow, tmp_path, district):
    case = flow.step(flow.to(S.UNDER_REVIEW), "refuse", note="申请事项已超过仲裁时效且无正当理由。")
    assert case.eligibility["eligible"] is True  # the engine thought it eligible; the centre refused
    text = _text(documents.decision_pdf(case), tmp_path)
    assert "不予法律援助决定书" in text
    assert "申请事项已超过仲裁时效且无正当理由" in text
    assert "第三十一条第五项" not in text  # the article that would grant aid is not a ground for refusal
    assert "第四十三条第一款" in text
    assert f"向{district.bureau.name}提出" in text and "五日内" in text


def test_no_decision_letter_before_a_decision_or_for_a_notice(client, flow):
    under_review = flow.to(S.UNDER_REVIEW)
    notice = flow.notify()
    client.login(username="legalaid", password="Test-pass-2026")
    assert client.get(f"/staff/legal-aid/{under_review.number}/decision.pdf").status_code == 404
    assert client.get(f"/staff/legal-aid/{notice.number}/decision.pdf").status_code == 404
    page = client.get(f"/staff/legal-aid/{notice.number}/").content.decode()
    assert "decision.pdf" not in page
