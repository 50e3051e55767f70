"""Ledger files: .xlsx (streamed with openpyxl's write-only mode) and a printable PDF (ReportLab, A4
landscape, an embedded Chinese TrueType font). Both read the rows of a ``LedgerResult`` lazily, so
memory stays flat however long the ledger is.

The PDF font is the one every PDF of the system uses (``yizhan.core.pdf.pdf_font``). No usable font
raises ``PdfFontUnavailable``, which the views turn into a message and the API into a 503 — never a
500.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from yizhan.core.pdf import pdf_font
from yizhan.ledgers.columns import CellValue, Column, display
from yizhan.ledgers.selectors import LedgerResult

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


# --- common -----------------------------------------------------------------------------------------


def _heading_parts(
    result: LedgerResult,
    *,
    unit_name: str,
    filters_text: str,
    exported_by: str,
    generated_at: datetime.datetime,
) -> tuple[list[str], list[str]]:
    """What the ledger is (unit, period and filters) and how it was made (time, who, row count)."""
    what = [_("填报单位：%(unit)s") % {"unit": unit_name}] if unit_name else []
    if filters_text:
        what.append(filters_text)
    how = [_("生成时间：%(at)s") % {"at": generated_at.strftime("%Y-%m-%d %H:%M")}]
    if exported_by:
        how.append(_("导出人：%(who)s") % {"who": exported_by})
    how.append(_("共 %(n)d 条") % {"n": result.total})
    return what, how


def _now(generated_at: datetime.datetime | None) -> datetime.datetime:
    return timezone.localtime(generated_at or timezone.now())


# --- xlsx -------------------------------------------------------------------------------------------

#: Excel's limit for the text of one cell
XLSX_MAX_TEXT = 32_000


def _xlsx_text(value: str) -> str:
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl is untyped
    return cleaned[:XLSX_MAX_TEXT]


def to_xlsx(
    result: LedgerResult,
    *,
    title: str,
    unit_name: str,
    filters_text: str,
    exported_by: str = "",
    generated_at: datetime.datetime | None = None,
) -> bytes:
    """The ledger as an .xlsx workbook: a title row, the unit/period rows, a bold frozen header,
    column widths, real dates, print setup (A4 landscape, one page wide, header repeated)."""
    now = _now(generated_at)
    columns = result.columns
    last = get_column_letter(len(columns))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_xlsx_sheet_title(title))

    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    for ref in (f"A1:{last}1", f"A2:{last}2", f"A3:{last}3"):
        sheet.merged_cells.add(ref)

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(item, name, setting)
        return item

    what, how = _heading_parts(
        result, unit_name=unit_name, filters_text=filters_text, exported_by=exported_by, generated_at=now
    )
    sheet.row_dimensions[1].height = 30
    sheet.append(
        [
            cell(
                _xlsx_text(title),
                font=Font(size=16, bold=True),
                alignment=Alignment(horizontal="center", vertical="center"),
            )
        ]
    )
    sheet.append(
        [cell(_xlsx_text("　　".join(what)), alignment=Alignment(wrap_text=True, vertical="center"))]
    )
    sheet.append([cell(_xlsx_text("　　".join(how)))])

    thin = Side(style="thin", color="9AA5B1")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_style = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DFE5EB"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "border": border,
    }
    sheet.row_dimensions[4].height = 32
    sheet.append([cell(str(column.header), **header_style) for column in columns])

    # one styled prototype per kind of cell; data cells copy its style (much cheaper than styling
    # each of 100,000 × 16 cells attribute by attribute)
    top = Alignment(vertical="top")
    prototypes = {
        "date": cell(None, number_format="yyyy-mm-dd", alignment=top),
        "datetime": cell(None, number_format="yyyy-mm-dd hh:mm", alignment=top),
        "long_text": cell(None, alignment=Alignment(wrap_text=True, vertical="top")),
        "text": cell(None, alignment=top),
    }

    def styled(value: Any, kind: str) -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=value)
        item._style = copy(prototypes[kind]._style)
        return item

    def data_cell(column: Column, value: CellValue) -> Any:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
            return styled(value, "datetime")
        if isinstance(value, datetime.date):
            return styled(value, "date")
        if isinstance(value, str):
            text = _xlsx_text(value)
            if column.kind == "long_text" or text.startswith("="):
                item = styled(text, "long_text" if column.kind == "long_text" else "text")
                item.data_type = "s"  # never a formula, whatever a citizen typed
                return item
            return text
        return value

    written = 0
    for row in result.rows():
        sheet.append([data_cell(column, value) for column, value in zip(columns, row, strict=True)])
        written += 1
    if not written:
        sheet.append([_("没有符合条件的记录。")])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return cleaned[:31] or "Sheet1"


# --- PDF --------------------------------------------------------------------------------------------

PAGE = landscape(A4)
MARGIN_X = 10 * mm
MARGIN_TOP = 10 * mm
MARGIN_BOTTOM = 13 * mm
BODY_SIZE = 8
BODY_LEADING = 10
HEADER_SIZE = 8.5
PAD = 2.5
#: a longer text is cut in the PDF (the .xlsx keeps it whole): one row must fit on a page
PDF_MAX_TEXT = {"long_text": 180, "text": 60}
#: rows per table flowable; even, so the zebra stripes continue from one table to the next
ROWS_PER_TABLE = 40
GRID = colors.HexColor("#9aa5b1")
HEADER_BG = colors.HexColor("#dfe5eb")
ZEBRA = colors.HexColor("#f2f5f8")
INK = colors.HexColor("#1f2933")
SAMPLES = {"date": "2026-12-31", "datetime": "2026-12-31"}
#: columns kept on one line in the PDF (sized to a typical value instead of by weight)
ONE_LINE = {"number": "62010420260000000", "phone": "138****0000"}


@dataclass(frozen=True)
class _Styles:
    font: str
    title: ParagraphStyle
    meta: ParagraphStyle
    meta_right: ParagraphStyle
    header: ParagraphStyle
    cell: ParagraphStyle


def _styles(font: str) -> _Styles:
    return _Styles(
        font=font,
        title=ParagraphStyle(
            "title", fontName=font, fontSize=16, leading=22, alignment=TA_CENTER, textColor=INK
        ),
        meta=ParagraphStyle("meta", fontName=font, fontSize=9, leading=13, textColor=INK, wordWrap="CJK"),
        meta_right=ParagraphStyle(
            "meta_right", fontName=font, fontSize=9, leading=13, textColor=INK, alignment=TA_RIGHT
        ),
        header=ParagraphStyle(
            "header", fontName=font, fontSize=HEADER_SIZE, leading=11, alignment=TA_CENTER, textColor=INK
        ),
        cell=ParagraphStyle(
            "cell",
            fontName=font,
            fontSize=BODY_SIZE,
            leading=BODY_LEADING,
            alignment=TA_LEFT,
            textColor=INK,
            wordWrap="CJK",
        ),
    )


def pdf_column_widths(
    columns: tuple[Column, ...], total_rows: int, font: str, available: float
) -> list[float]:
    """Widths that fill the page: dates, numbers and phone masks sized to fit on one line, the rest
    shared by the ledger's declared widths, none so narrow that its header breaks badly."""

    def text_width(text: str, size: float = BODY_SIZE) -> float:
        width: float = pdfmetrics.stringWidth(text, font, size)  # ReportLab is untyped
        return width + 2 * PAD + 1

    fixed: dict[int, float] = {}
    for index, column in enumerate(columns):
        if column.key == "seq":
            fixed[index] = max(text_width(str(max(total_rows, 1))), text_width("序号", HEADER_SIZE))
        elif column.kind in SAMPLES:
            fixed[index] = text_width(SAMPLES[column.kind])
        elif column.key in ONE_LINE:
            fixed[index] = text_width(ONE_LINE[column.key])

    def header_fit(header: str) -> str:
        # a short header stays on one line; a long one may take two (balanced) lines
        return header if len(header) <= 4 else header[: (len(header) + 1) // 2]

    minimum = {i: text_width(header_fit(str(c.header)), HEADER_SIZE) for i, c in enumerate(columns)}
    flexible = [i for i in range(len(columns)) if i not in fixed]
    widths = dict(fixed)
    while flexible:
        room = available - sum(widths[i] for i in widths if i not in flexible)
        weight = sum(columns[i].width for i in flexible)
        shares = {i: room * columns[i].width / weight for i in flexible}
        narrow = [i for i in flexible if shares[i] < minimum[i]]
        if not narrow:
            widths.update(shares)
            break
        for i in narrow:
            widths[i] = minimum[i]
            flexible.remove(i)
    return [widths[i] for i in range(len(columns))]


class _LedgerDoc(BaseDocTemplate):
    """A document whose story is topped up from a row iterator while it is laid out, so that only
    a few tables of rows exist at any time (100,000 rows do not become 100,000 flowables at once)."""

    def __init__(self, buffer: io.BytesIO, more: Iterator[Flowable], **kwargs: Any) -> None:
        super().__init__(buffer, **kwargs)
        self._more: Iterator[Flowable] | None = more
        self._story: list[Flowable] = []

    def build(self, flowables: list[Flowable], **kwargs: Any) -> None:
        self._story = flowables
        super().build(flowables, **kwargs)

    def filterFlowables(self, flowables: list[Flowable]) -> None:  # noqa: N802 - ReportLab's hook
        # ReportLab also passes its own short lists (page-begin actions) through here: top up only
        # the story, and keep a few flowables ahead so it never runs dry while rows remain
        while flowables is self._story and self._more is not None and len(flowables) < 3:
            item = next(self._more, None)
            if item is None:
                self._more = None
            else:
                flowables.append(item)


def _paged_canvas(footer: PageFooter) -> type[Canvas]:
    class PagedCanvas(Canvas):
        """Writes 「第 N 页」 on each page and 「共 M 页」 as a form filled in when the count is known."""

        pages = 0

        def showPage(self) -> None:  # noqa: N802 - ReportLab's API
            self.pages += 1
            footer.draw(self, self.pages)
            super().showPage()

        def save(self) -> None:
            self.beginForm("ledger_page_count")
            self.setFont(footer.font, 8)
            self.setFillColor(colors.HexColor("#5b6770"))
            self.drawString(PAGE[0] / 2 + 2, footer.y, _("共 %(n)d 页") % {"n": self.pages})
            self.endForm()
            super().save()

    return PagedCanvas


@dataclass(frozen=True)
class PageFooter:
    font: str
    left: str
    right: str
    y: float = 6 * mm

    def draw(self, canvas: Canvas, page: int) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 8)
        canvas.setFillColor(colors.HexColor("#5b6770"))
        canvas.drawString(MARGIN_X, self.y, self.left)
        canvas.drawRightString(PAGE[0] - MARGIN_X, self.y, self.right)
        canvas.drawRightString(PAGE[0] / 2 - 2, self.y, _("第 %(n)d 页") % {"n": page})
        canvas.doForm("ledger_page_count")
        canvas.restoreState()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_pdf(
    result: LedgerResult,
    *,
    title: str,
    unit_name: str,
    filters_text: str,
    exported_by: str = "",
    generated_at: datetime.datetime | None = None,
) -> bytes:
    """The ledger as a printable PDF: A4 landscape, embedded Chinese font, the title, unit, period
    and generation time on the first page, the header row repeated on every page, wrapped cells,
    zebra rows and 「第 N 页 共 M 页」.

    Raises ``PdfFontUnavailable`` when no Chinese TrueType font is available.
    """
    font = pdf_font()
    styles = _styles(font)
    now = _now(generated_at)
    columns = result.columns
    total = result.total
    available = PAGE[0] - 2 * MARGIN_X
    widths = pdf_column_widths(columns, total, font, available)
    centered = {i for i, c in enumerate(columns) if c.kind in ("number", "date", "datetime")}

    header = Table(
        [[Paragraph(escape(str(column.header)), styles.header) for column in columns]],
        colWidths=widths,
    )
    header.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), HEADER_BG),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    header_height = header.wrap(available, PAGE[1])[1]

    def cell(index: int, column: Column, value: CellValue) -> str | Paragraph:
        if isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%d\n%H:%M")
        text = display(column, value)
        limit = PDF_MAX_TEXT.get(column.kind)
        if limit:
            text = _cut(text, limit)
        if "\n" in text or pdfmetrics.stringWidth(text, font, BODY_SIZE) > widths[index] - 2 * PAD:
            return Paragraph(escape(text).replace("\n", "<br/>"), styles.cell)
        return text

    def body_style(rows: int, first: int) -> TableStyle:
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), BODY_SIZE),
            ("LEADING", (0, 0), (-1, -1), BODY_LEADING),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        commands += [("ALIGN", (i, 0), (i, -1), "CENTER") for i in centered]
        commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(rows) if (first + r) % 2 == 1]
        return TableStyle(commands)

    def tables() -> Iterator[Flowable]:
        batch: list[list[str | Paragraph]] = []
        done = 0
        for row in result.rows():
            batch.append([cell(i, c, v) for i, (c, v) in enumerate(zip(columns, row, strict=True))])
            if len(batch) == ROWS_PER_TABLE:
                yield _body_table(batch, widths, body_style(len(batch), done))
                done += len(batch)
                batch = []
        if batch:
            yield _body_table(batch, widths, body_style(len(batch), done))
            done += len(batch)
        if done == 0:
            empty = Table(
                [[Paragraph(escape(_("没有符合条件的记录。")), styles.cell)]], colWidths=[available]
            )
            empty.setStyle(
                TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID), ("TOPPADDING", (0, 0), (-1, -1), 6)])
            )
            yield empty

    what, how = _heading_parts(
        result, unit_name=unit_name, filters_text=filters_text, exported_by=exported_by, generated_at=now
    )
    gap = "&nbsp;" * 6
    meta = Table(
        [
            [
                Paragraph(gap.join(escape(part) for part in what), styles.meta),
                Paragraph(gap.join(escape(part) for part in how), styles.meta_right),
            ]
        ],
        colWidths=[available * 0.64, available * 0.36],
    )
    meta.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    page_header = _PageHeader(header, header_height)
    frame_height = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM
    buffer = io.BytesIO()
    doc = _LedgerDoc(
        buffer,
        tables(),
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=exported_by or unit_name,
        subject=filters_text,
        creator="Yizhan 一站",
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[Frame(MARGIN_X, MARGIN_BOTTOM, available, frame_height, 0, 0, 0, 0, id="first")],
            ),
            PageTemplate(
                id="later",
                frames=[
                    Frame(
                        MARGIN_X,
                        MARGIN_BOTTOM,
                        available,
                        frame_height - header_height,
                        0,
                        0,
                        0,
                        0,
                        id="later",
                    )
                ],
                onPage=page_header.draw,
            ),
        ]
    )
    story: list[Flowable] = [
        NextPageTemplate("later"),
        Paragraph(escape(title), styles.title),
        Spacer(1, 1 * mm),
        meta,
        Spacer(1, 1.5 * mm),
        header,
    ]
    footer = PageFooter(
        font=font,
        left=f"{unit_name}　{title}" if unit_name else title,
        right=_("生成时间：%(at)s") % {"at": now.strftime("%Y-%m-%d %H:%M")},
    )
    doc.build(story, canvasmaker=_paged_canvas(footer))
    return buffer.getvalue()


def _body_table(rows: list[list[str | Paragraph]], widths: list[float], style: TableStyle) -> Table:
    table = Table(rows, colWidths=widths, splitByRow=1)
    table.setStyle(style)
    return table


@dataclass(frozen=True)
class _PageHeader:
    """The header row drawn at the top of every page after the first."""

    table: Table
    height: float

    def draw(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        self.table.drawOn(canvas, MARGIN_X, PAGE[1] - MARGIN_TOP - self.height)
        canvas.restoreState()
