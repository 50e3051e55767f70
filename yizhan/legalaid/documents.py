"""The printable decision (决定书) on a legal-aid application: A4, the embedded Chinese font of the
ledger exports, the articles it rests on and, for a refusal, the right to object (第四十九条)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from yizhan.core.pdf import pdf_font
from yizhan.legalaid.models import Decision, LegalAidCase


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=22, firstLineIndent=24, wordWrap="CJK")
    return {
        "org": ParagraphStyle(
            "org", parent=base, fontSize=16, leading=26, alignment=TA_CENTER, firstLineIndent=0
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=32, alignment=TA_CENTER, firstLineIndent=0
        ),
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def decision_pdf(case: LegalAidCase) -> bytes:
    font = pdf_font()
    styles = _styles(font)
    matter = case.matter
    person = matter.primary_requester
    granted = case.decision == Decision.GRANT
    title = _("给予法律援助决定书") if granted else _("不予法律援助决定书")
    # the engine's grounds support the decision only when the engine came to the same conclusion: a
    # refusal must not cite the article that would have granted aid (nor a grant the one that refuses)
    snapshot = case.eligibility or {}
    agrees = bool(snapshot.get("eligible")) == granted
    grounds = ("、".join(snapshot.get("grounds") or []) if agrees else "") or "法律援助法第四十三条第一款"
    story = [
        Paragraph(_escape(case.centre.name), styles["org"]),
        Paragraph(title, styles["title"]),
        Paragraph(_escape(case.decision_number), styles["number"]),
        Spacer(1, 6 * mm),
        Paragraph(
            _escape(
                _("申请人：%(name)s，%(gender)s，身份证号 %(id)s。")
                % {
                    "name": person.name if person else "",
                    "gender": person.get_gender_display() if person else "",
                    "id": person.id_number_mask if person and person.id_number_mask else "—",
                }
            ),
            styles["plain"],
        ),
        Paragraph(
            _escape(
                _("申请事项：%(title)s（案件编号 %(number)s，%(date)s收到申请）。")
                % {
                    "title": matter.title,
                    "number": case.number,
                    "date": timezone.localtime(case.received_at or matter.registered_at).strftime(
                        "%Y年%m月%d日"
                    ),
                }
            ),
            styles["plain"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(_escape(_("经审查：%(reasons)s") % {"reasons": case.decision_reasons}), styles["body"]),
        Paragraph(
            _escape(
                _("依据%(grounds)s的规定，本机构决定%(what)s。")
                % {
                    "grounds": grounds.replace("法律援助法", "《中华人民共和国法律援助法》"),
                    "what": _("给予你法律援助") if granted else _("不予法律援助"),
                }
            ),
            styles["body"],
        ),
    ]
    if granted:
        story.append(
            Paragraph(
                _(
                    "本机构将自本决定作出之日起三日内指派法律援助人员为你提供法律援助（法律援助法第四十三条）。"
                    "你应当如实陈述与法律援助事项有关的情况，及时提供证据材料（第四十七条）。"
                ),
                styles["body"],
            )
        )
    else:
        bureau = case.centre.parent.name if case.centre.parent else _("司法行政部门")
        story.append(
            Paragraph(
                _escape(
                    _(
                        "如对本决定有异议，可以向%(bureau)s提出，%(bureau)s应当自收到异议之日起五日内进行审查并作出决定"
                        "（法律援助法第四十九条）。"
                    )
                    % {"bureau": bureau}
                ),
                styles["body"],
            )
        )
    story += [
        Spacer(1, 18 * mm),
        Paragraph(_escape(case.centre.name) + _("（盖章）"), styles["sign"]),
        Paragraph(
            timezone.localtime(case.decided_at or timezone.now()).strftime("%Y年%m月%d日"), styles["sign"]
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=str(title),
        author=case.centre.name,
    )
    document.build(story)
    return buffer.getvalue()
