"""The columns of the ledgers: what a cell shows, in the words of the paper ledger.

A ``Column`` is ``(key, Chinese header, width, value function)``, like a column of the paper ledger,
plus the record fields its value reads (``needs``) and its kind (text, long text, number, date or
time) for the pages, the spreadsheet and the PDF. A value function takes a record (a dict of the
fields the ledger read for one row, see ``catalogue``) and returns a ``CellValue``; ``display``
turns a cell into text.

Nothing here queries the database: codes become labels through the model choices, and personal
data arrives as stored masks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from yizhan.matters.models import Channel, Gender, Outcome, Satisfaction, TransferStatus
from yizhan.matters.states import MatterState

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

CellValue = str | int | datetime.date | datetime.datetime | None
Row = tuple[CellValue, ...]
Record = dict[str, Any]
ColumnKind = Literal["text", "long_text", "number", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    """One column of a ledger.

    ``width`` is in spreadsheet character units (a Chinese character is about 2); the PDF scales the
    widths of a ledger to the page. ``needs`` lists the record fields ``value`` reads (see
    ``catalogue.MATTER_FIELDS`` / ``TRANSFER_FIELDS`` and the requester fields); only those are
    fetched.
    """

    key: str
    header: StrOrPromise
    width: float
    value: Callable[[Record], CellValue]
    needs: tuple[str, ...] = ()
    kind: ColumnKind = "text"

    def renamed(self, header: StrOrPromise, width: float | None = None) -> Column:
        """The same column under the header a particular ledger gives it (and maybe another width)."""
        return replace(self, header=header, width=self.width if width is None else width)


def display(column: Column, value: CellValue) -> str:
    """A cell as text (pages and PDF): dates as 2026-01-31, times as 2026-01-31 09:30."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- values ----------------------------------------------------------------------------------------


def _labels(choices: type[Any]) -> Callable[[str], str]:
    """code → label in the active language (the table is built once per language, not per cell)."""

    @lru_cache(maxsize=8)
    def table(language: str) -> dict[str, str]:
        return {code: str(label) for code, label in choices.choices}

    def label(code: str) -> str:
        if not code:
            return ""
        return table(get_language() or "").get(code, code)

    return label


channel_label = _labels(Channel)
state_label = _labels(MatterState)
outcome_label = _labels(Outcome)
satisfaction_label = _labels(Satisfaction)
transfer_status_label = _labels(TransferStatus)
gender_label = _labels(Gender)


def _text(name: str) -> Callable[[Record], CellValue]:
    return lambda r: r.get(name) or ""


def _date(name: str) -> Callable[[Record], CellValue]:
    def value(r: Record) -> CellValue:
        moment = r.get(name)
        if isinstance(moment, datetime.datetime):
            return timezone.localtime(moment).date()
        return moment

    return value


def _moment(name: str) -> Callable[[Record], CellValue]:
    def value(r: Record) -> CellValue:
        moment = r.get(name)
        return timezone.localtime(moment) if isinstance(moment, datetime.datetime) else moment

    return value


def _gender(r: Record) -> CellValue:
    code = r.get("requester_gender") or ""
    return "" if code == Gender.UNKNOWN else gender_label(code)


def _requester(r: Record) -> CellValue:
    return r.get("requester_name") or ""


def _handling(r: Record) -> CellValue:
    """处理情况: how the matter was dealt with, in the words of the paper ledger, then where it
    stands — 「当场答复」, 「引导至12333（已归档）」, 「分流至陈坪街道人民调解委员会（已办结）」."""
    state = r.get("state") or ""
    status = state_label(state)
    referral = r.get("referral_org")
    referred = _("引导至%(org)s") % {"org": referral} if referral else _("引导至其他部门")
    if state == MatterState.ANSWERED:
        return _("当场答复")
    if state == MatterState.REFERRED_OUT:
        return referred
    if r.get("last_transfer_to"):
        how = _("分流至%(org)s") % {"org": r["last_transfer_to"]}
        if state == MatterState.TRANSFERRED:
            status = _("待接收")
    elif r.get("outcome") == Outcome.REFERRED:
        how = referred
    elif r.get("outcome"):  # settled at the window before the follow-up visit or the archive
        how = _("当场答复")
    else:
        return status
    return _("%(how)s（%(state)s）") % {"how": how, "state": status}


def _outcome_and_text(outcome: str, text: str) -> str:
    """「调解成功：双方达成协议」; just the text when it already says the outcome."""
    if outcome and text and not text.startswith(outcome):
        return f"{outcome}：{text}"
    return text or outcome


def _matter_result(r: Record) -> CellValue:
    return _outcome_and_text(outcome_label(r.get("outcome") or ""), r.get("result") or r.get("answer") or "")


def _transfer_result(r: Record) -> CellValue:
    if r.get("transfer_status") == TransferStatus.RETURNED:
        reason = r.get("return_reason") or ""
        return _("退回：%(reason)s") % {"reason": reason} if reason else _("退回")
    return _outcome_and_text(outcome_label(r.get("transfer_outcome") or ""), r.get("transfer_result") or "")


def _service_mode(r: Record) -> CellValue:
    modes = []
    if r.get("home_service"):
        modes.append(_("上门服务"))
    if r.get("by_proxy"):
        modes.append(_("代办"))
    return "、".join(modes) or _("到场服务")


def _seq(r: Record) -> CellValue:
    seq: int = r["_seq"]
    return seq


# the columns the ledgers share (headers as on the paper ledgers)
SEQ = Column("seq", gettext_lazy("序号"), 6, _seq, kind="number")
NUMBER = Column("number", gettext_lazy("受理编号"), 19, _text("number"), ("number",))
REGISTERED = Column(
    "registered_at", gettext_lazy("登记时间"), 17, _moment("registered_at"), ("registered_at",), "datetime"
)
REGISTERED_DATE = Column(
    "registered_on", gettext_lazy("登记日期"), 12, _date("registered_at"), ("registered_at",), "date"
)
GENDER = Column("gender", gettext_lazy("性别"), 6, _gender, ("requester_gender",))
AGE = Column("age", gettext_lazy("年龄"), 6, lambda r: r.get("requester_age"), ("requester_age",), "number")
PHONE = Column("phone", gettext_lazy("联系电话"), 14, _text("phone"), ("phone",))
ADDRESS = Column("address", gettext_lazy("住址"), 22, _text("address"), ("address",), "long_text")
GROUPS = Column(
    "groups",
    gettext_lazy("特殊群体"),
    12,
    lambda r: "、".join(r.get("groups") or []),
    ("groups",),
    "long_text",
)
CHANNEL = Column(
    "channel", gettext_lazy("渠道"), 10, lambda r: channel_label(r.get("channel") or ""), ("channel",)
)
DOMAIN = Column("domain", gettext_lazy("法律领域"), 11, _text("domain"), ("domain",))
SERVICE_TYPE = Column("service_type", gettext_lazy("服务类型"), 11, _text("service_type"), ("service_type",))
TITLE = Column("title", gettext_lazy("事项摘要"), 30, _text("title"), ("title",), "long_text")
HANDLING = Column(
    "handling",
    gettext_lazy("处理情况"),
    24,
    _handling,
    ("state", "referral_org", "last_transfer_to", "outcome"),
    "long_text",
)
MATTER_RESULT = Column(
    "result", gettext_lazy("办理结果"), 26, _matter_result, ("outcome", "result", "answer"), "long_text"
)
CONCLUDED = Column(
    "concluded_at", gettext_lazy("办结日期"), 12, _date("concluded_at"), ("concluded_at",), "date"
)
FED_BACK = Column("fed_back_at", gettext_lazy("反馈日期"), 12, _date("fed_back_at"), ("fed_back_at",), "date")
SATISFACTION = Column(
    "satisfaction",
    gettext_lazy("满意度"),
    11,
    lambda r: satisfaction_label(r.get("satisfaction") or ""),
    ("satisfaction",),
)
FIRST_RESPONSIBLE = Column(
    "first_responsible",
    gettext_lazy("首问责任人（签字）"),
    14,
    _text("first_responsible"),
    ("first_responsible",),
)
# transfer ledgers
TRANSFERRED = Column(
    "transferred_at", gettext_lazy("移交时间"), 17, _moment("transferred_at"), ("transferred_at",), "datetime"
)
FROM_ORG = Column("from_org", gettext_lazy("移交单位"), 16, _text("from_org"), ("from_org",), "long_text")
TO_ORG = Column("to_org", gettext_lazy("接收单位"), 18, _text("to_org"), ("to_org",), "long_text")
ACCEPTED = Column("accepted_at", gettext_lazy("接收日期"), 12, _date("accepted_at"), ("accepted_at",), "date")
TRANSFER_STATUS = Column(
    "transfer_status",
    gettext_lazy("移交状态"),
    9,
    lambda r: transfer_status_label(r.get("transfer_status") or ""),
    ("transfer_status",),
)
TRANSFER_RESULT = Column(
    "transfer_result",
    gettext_lazy("办理结果"),
    24,
    _transfer_result,
    ("transfer_status", "return_reason", "transfer_outcome", "transfer_result"),
    "long_text",
)
TRANSFER_CONCLUDED = Column(
    "transfer_concluded_at",
    gettext_lazy("办结日期"),
    12,
    _date("transfer_concluded_at"),
    ("transfer_concluded_at",),
    "date",
)
CREATED_BY = Column("created_by", gettext_lazy("移交人"), 10, _text("created_by"), ("created_by",))


def requester_column(header: StrOrPromise, width: float = 10) -> Column:
    """The requester (the first one, 「某某等N人」 when several ask together) under a ledger's own
    name for them: 来访人, 申请人, 预约人 …"""
    return Column("requester", header, width, _requester, ("requester_name",))


# columns of one ledger each
OTHER_PARTIES = Column(
    "other_parties",
    gettext_lazy("对方当事人"),
    12,
    lambda r: "、".join(r.get("other_parties") or []),
    ("other_parties",),
)
APPOINTMENT = Column(
    "appointment_at",
    gettext_lazy("预约时间"),
    17,
    _moment("appointment_at"),
    ("appointment_at",),
    "datetime",
)
APPOINTMENT_WITH = Column(
    "appointment_with",
    gettext_lazy("预约人员"),
    10,
    _text("appointment_with"),
    ("appointment_with",),
)
SERVICE_MODE = Column(
    "service_mode", gettext_lazy("服务方式"), 10, _service_mode, ("home_service", "by_proxy")
)
TRANSFER_TYPE = Column(
    "transfer_type", gettext_lazy("业务类型"), 11, _text("transfer_type"), ("transfer_type",)
)
TRANSFER_DUE_DATE = Column(
    "transfer_due_date",
    gettext_lazy("办结期限"),
    12,
    _date("transfer_due_date"),
    ("transfer_due_date",),
    "date",
)
CURRENT_ORG = Column(
    "current_org",
    gettext_lazy("承办单位"),
    16,
    _text("current_org"),
    ("current_org",),
    "long_text",
)
DUE_DATE = Column("due_date", gettext_lazy("办结期限"), 12, _date("due_date"), ("due_date",), "date")
