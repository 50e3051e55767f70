"""Exports: .xlsx and PDF files a clerk can open and print, with masked personal data, audited."""

import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core import pdf
from yizhan.ledgers import exports
from yizhan.ledgers.models import LedgerExport
from yizhan.ledgers.selectors import ledger_rows
from yizhan.ledgers.services import do_export_ledger
from yizhan.matters import services
from yizhan.matters.models import Requester
from yizhan.matters.testing import VALID_ID, register

ALL_DATES = {"date_from": "", "date_to": ""}


def url(key: str, fmt: str, **params: str) -> str:
    return reverse("ledgers:export", args=[key, fmt]) + "?" + urlencode({**ALL_DATES, **params})


@pytest.fixture
def clerk_client(client, users):
    client.force_login(users["clerk"])
    return client


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_the_xlsx_has_title_unit_header_and_one_row_per_matter(book, users):
    file = do_export_ledger("visits", ALL_DATES, "xlsx", actor=users["clerk"])
    sheet = workbook(file.content).active
    assert sheet["A1"].value == "公共法律服务来访登记台帐"
    assert "填报单位：西固区公共法律服务中心" in sheet["A2"].value
    assert "登记日期：全部" in sheet["A2"].value
    assert "共 7 条" in sheet["A3"].value
    header = [cell.value for cell in sheet[4]]
    assert header[:4] == ["序号", "登记时间", "受理编号", "来访人"]
    assert sheet[4][0].font.b
    assert sheet.freeze_panes == "A5"
    assert sheet.column_dimensions["C"].width == 19
    numbers = [row[2] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert numbers == [m.number for m in (book.window, book.hotline, book.mediation, book.legal_aid)] + [
        m.number for m in (book.notary, book.appointment, book.complaint)
    ]
    registered = sheet.cell(row=5, column=2)
    assert registered.is_date and registered.number_format == "yyyy-mm-dd hh:mm"


def test_the_xlsx_shows_masked_phones_and_never_the_id_number_or_ciphertext(book, users):
    content = do_export_ledger("visits", ALL_DATES, "xlsx", actor=users["clerk"]).content
    sheet = workbook(content).active
    header = [cell.value for cell in sheet[4]]
    phones = {row[header.index("联系电话")] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert phones == {"138****1234"}
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    requester = Requester.objects.first()
    for secret in (VALID_ID, "13812341234", "福利西路100号", requester.id_number_encrypted[:20]):
        assert secret not in text
    assert requester.id_number_mask not in text  # the ledger has no ID column at all


def test_text_that_looks_like_a_formula_stays_text(district, users):
    register(users["clerk"], title='=HYPERLINK("http://evil","点我")')
    sheet = workbook(do_export_ledger("visits", ALL_DATES, "xlsx", actor=users["clerk"]).content).active
    cell = sheet.cell(row=5, column=13)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_an_empty_ledger_exports_with_a_note(district, users):
    sheet = workbook(do_export_ledger("complaints", ALL_DATES, "xlsx", actor=users["clerk"]).content).active
    assert sheet["A5"].value == "没有符合条件的记录。"


def test_the_pdf_embeds_a_chinese_font(book, users):
    content = do_export_ledger("visits", ALL_DATES, "pdf", actor=users["clerk"]).content
    assert content.startswith(b"%PDF")
    assert b"/FontFile2" in content


def test_the_pdf_has_the_title_and_page_numbers_as_text(book, users, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot check the PDF text")
    path = tmp_path / "ledger.pdf"
    path.write_bytes(do_export_ledger("visits", ALL_DATES, "pdf", actor=users["clerk"]).content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "公共法律服务来访登记台帐" in text
    assert book.window.number in text
    assert "138****1234" in text
    assert "13812341234" not in text
    compact = text.replace(" ", "")
    assert "第1页" in compact and "共1页" in compact


def test_the_pdf_renders(book, users, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: cannot render the PDF")
    path = tmp_path / "ledger.pdf"
    path.write_bytes(do_export_ledger("mediation_transfers", ALL_DATES, "pdf", actor=users["clerk"]).content)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    pages = list(tmp_path.glob("page*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 1000


def test_a_long_ledger_repeats_its_header_and_numbers_its_pages(district, users, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot check the PDF text")
    for index in range(90):
        register(users["clerk"], title=f"第{index}件：" + "很长的事项摘要" * 10)
    path = tmp_path / "ledger.pdf"
    path.write_bytes(do_export_ledger("visits", ALL_DATES, "pdf", actor=users["clerk"]).content)
    pages = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) > 2
    for page in pages:
        assert "受理编号" in page
        assert f"共{len(pages)}页" in page.replace(" ", "")


def test_a_very_long_answer_is_cut_in_the_pdf_but_whole_in_the_xlsx(district, users):
    matter = register(users["clerk"], service_type="complaint")
    answer = "经核查，" + "该律师已向投诉人当面致歉并退还多收费用。" * 240
    services.transition(matter, "answer", actor=users["clerk"], note=answer, payload={"outcome": "resolved"})
    pdf = do_export_ledger("complaints", ALL_DATES, "pdf", actor=users["clerk"]).content
    assert pdf.startswith(b"%PDF")
    sheet = workbook(do_export_ledger("complaints", ALL_DATES, "xlsx", actor=users["clerk"]).content).active
    header = [cell.value for cell in sheet[4]]
    assert sheet.cell(row=5, column=header.index("处理结果") + 1).value == "问题已解决：" + answer


def test_text_with_markup_characters_is_printed_literally(district, users, tmp_path):
    register(users["clerk"], title="<b>甲 & 乙</b> 的纠纷")
    content = do_export_ledger("visits", ALL_DATES, "pdf", actor=users["clerk"]).content
    assert content.startswith(b"%PDF")


def test_an_export_is_recorded_and_audited(book, users, clerk_client):
    response = clerk_client.get(url("visits", "xlsx", channel="hotline"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    record = LedgerExport.objects.get()
    assert (record.ledger, record.file_format, record.rows, record.exported_by) == (
        "visits",
        "xlsx",
        1,
        users["clerk"],
    )
    assert record.filters == {"channel": "hotline"}
    audit = AuditLog.objects.filter(action="export").get()
    assert audit.actor == users["clerk"]
    assert audit.changes["ledger"] == "visits" and audit.changes["rows"] == 1


def test_the_export_uses_this_month_when_no_dates_are_given(book, users, clerk_client):
    clerk_client.get(reverse("ledgers:export", args=["visits", "pdf"]))
    record = LedgerExport.objects.get()
    today = timezone.localdate()
    assert record.filters["date_from"] == today.replace(day=1).isoformat()
    assert record.rows == 7


def test_without_the_export_right_the_answer_is_403_and_nothing_is_recorded(book, users, client):
    client.force_login(users["volunteer"])
    assert client.get(reverse("ledgers:ledger", args=["visits"])).status_code == 200  # may look
    response = client.get(url("visits", "xlsx"))
    assert response.status_code == 403
    assert "没有导出台帐的权限" in response.content.decode()
    assert not LedgerExport.objects.exists()
    assert not AuditLog.objects.filter(action="export").exists()


def test_too_many_rows_asks_to_narrow_the_filters(book, users, clerk_client, settings):
    settings.EXPORT_MAX_ROWS = 3
    response = clerk_client.get(url("visits", "xlsx"), follow=True)
    page = response.content.decode()
    assert "符合条件的记录有 7 条，超过单次导出上限 3 条。请缩短日期范围或增加筛选条件后再导出。" in page
    assert not LedgerExport.objects.exists()
    assert clerk_client.get(url("visits", "xlsx", channel="hotline")).status_code == 200


def test_pdf_has_its_own_lower_cap(book, users, clerk_client, settings):
    settings.PDF_EXPORT_MAX_ROWS = 3
    page = clerk_client.get(url("visits", "pdf"), follow=True).content.decode()
    assert "PDF 单次最多 3 条" in page
    assert not LedgerExport.objects.exists()
    assert clerk_client.get(url("visits", "xlsx")).status_code == 200  # the spreadsheet still works


def test_bad_filters_on_an_export_come_back_as_a_message(book, clerk_client):
    response = clerk_client.get(url("visits", "pdf", date_from="2026-02-30"), follow=True)
    assert response.status_code == 200
    assert "日期格式应为" in response.content.decode()
    assert not LedgerExport.objects.exists()


def test_a_missing_chinese_font_is_a_message_not_a_server_error(book, clerk_client, monkeypatch):
    def no_font() -> str:
        raise pdf.PdfFontUnavailable("服务器上没有可用的中文字体，暂时无法生成PDF，请先导出Excel。")

    monkeypatch.setattr(exports, "pdf_font", no_font)
    response = clerk_client.get(url("visits", "pdf"), follow=True)
    assert response.status_code == 200
    assert "没有可用的中文字体" in response.content.decode()
    assert not LedgerExport.objects.exists()


def test_a_configured_font_that_does_not_exist_is_reported(settings):
    settings.PDF_FONT = "/nonexistent/font.ttf"
    pdf.pdf_font.cache_clear()
    try:
        with pytest.raises(pdf.PdfFontUnavailable) as info:
            pdf.pdf_font()
        assert "/nonexistent/font.ttf" in info.value.message
    finally:
        pdf.pdf_font.cache_clear()


def test_a_font_without_chinese_glyphs_is_not_used():
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if not Path(dejavu).is_file():
        pytest.skip("DejaVu Sans is not installed")
    assert pdf._load(dejavu, 0) is None


def test_unknown_format_or_ledger_is_not_found(clerk_client, district):
    assert clerk_client.get(reverse("ledgers:export", args=["visits", "docx"])).status_code == 404
    assert clerk_client.get(reverse("ledgers:export", args=["diary", "pdf"])).status_code == 404


def test_pdf_widths_fill_the_page(district, users):
    result = ledger_rows(users["clerk"], "visits", {})
    font = pdf.pdf_font()
    available = exports.PAGE[0] - 2 * exports.MARGIN_X
    widths = exports.pdf_column_widths(result.columns, 5000, font, available)
    assert sum(widths) == pytest.approx(available)
    assert min(widths) > 15
