"""五台帐一登记: the six ledgers of 西安方案 七(一) as declarative, live views over matters and transfers.

A ledger has no data of its own. Each entry of ``LEDGERS`` names the rows it lists (a queryset
builder that starts from ``visible_matters(user)``, so jurisdiction always applies), the date that
places a row in a period, the filters it accepts and its columns: ``(key, Chinese header, width,
value function)``, like the columns of the paper ledger.

``ledger_rows(user, key, filters)`` is the one entry point for the staff pages, the .xlsx/PDF exports
and the REST API. It validates the filters, and returns a ``LedgerResult``: the columns, the total
and a lazy row iterator that reads the needed fields with ``values_list`` in chunks (a handful of
queries per 1,000 rows, whatever the size of the ledger), so 100,000-row exports stream.

Personal data appears only as stored masks (``Requester.phone_mask``, ``address_mask``); nothing
here ever decrypts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import (
    CharField,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.matters.models import (
    Channel,
    Gender,
    LegalDomain,
    Matter,
    Outcome,
    PartyRole,
    Requester,
    RequesterGroup,
    Satisfaction,
    ServiceType,
    SpecialGroup,
    Transfer,
    TransferStatus,
)
from yizhan.matters.selectors import visible_matters
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Organization

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

CellValue = str | int | datetime.date | datetime.datetime | None
Row = tuple[CellValue, ...]
Record = dict[str, Any]
ColumnKind = Literal["text", "long_text", "number", "date", "datetime"]
Source = Literal["matter", "transfer"]

#: rows read per query (and per prefetch of the requesters) when iterating a ledger
CHUNK_SIZE = 1000


# --- columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a ledger.

    ``width`` is in spreadsheet character units (a Chinese character is about 2); the PDF scales the
    widths of a ledger to the page. ``needs`` lists the record fields ``value`` reads (see
    ``MATTER_FIELDS`` / ``TRANSFER_FIELDS`` and the requester fields); only those are fetched.
    """

    key: str
    header: StrOrPromise
    width: float
    value: Callable[[Record], CellValue]
    needs: tuple[str, ...] = ()
    kind: ColumnKind = "text"


def _user_name(prefix: str) -> Expression:
    """A staff member's display name (full name, else username) straight from the database."""
    return Coalesce(
        NullIf(F(f"{prefix}__full_name"), Value("")),
        F(f"{prefix}__username"),
        output_field=CharField(),
    )


def _org_name(prefix: str) -> Expression:
    return Coalesce(
        NullIf(F(f"{prefix}__short_name"), Value("")), F(f"{prefix}__name"), output_field=CharField()
    )


def _last_transfer_to() -> Subquery:
    """The unit a matter was last transferred to (for 处理情况)."""
    latest = Transfer.objects.filter(matter=OuterRef("pk")).order_by("-created_at", "-id")
    return Subquery(
        latest.annotate(
            target=Coalesce(NullIf(F("to_org__short_name"), Value("")), F("to_org__name"))
        ).values("target")[:1],
        output_field=CharField(),
    )


FieldPath = str | Callable[[], Expression | Subquery]

#: record field → ORM path (or expression factory) for ledgers over matters
MATTER_FIELDS: dict[str, FieldPath] = {
    "matter_id": "pk",
    "number": "number",
    "registered_at": "registered_at",
    "channel": "channel",
    "domain": "domain__name",
    "service_type": "service_type__name",
    "title": "title",
    "state": "state",
    "receiving_org": lambda: _org_name("receiving_org"),
    "current_org": lambda: _org_name("current_org"),
    "referral_org": lambda: _org_name("referral_org"),
    "last_transfer_to": _last_transfer_to,
    "answer": "answer",
    "outcome": "outcome",
    "result": "result",
    "due_date": "due_date",
    "concluded_at": "concluded_at",
    "fed_back_at": "fed_back_at",
    "satisfaction": "satisfaction",
    "first_responsible": lambda: _user_name("first_responsible"),
    "appointment_at": "appointment_at",
    "appointment_with": "appointment_with__name",
    "by_proxy": "by_proxy",
    "home_service": "home_service",
}

#: record field → ORM path for ledgers over transfers (matter fields under the same names)
TRANSFER_FIELDS: dict[str, FieldPath] = {
    "matter_id": "matter_id",
    "number": "matter__number",
    "registered_at": "matter__registered_at",
    "channel": "matter__channel",
    "domain": "matter__domain__name",
    "title": "matter__title",
    "state": "matter__state",
    "fed_back_at": "matter__fed_back_at",
    "satisfaction": "matter__satisfaction",
    "first_responsible": lambda: _user_name("matter__first_responsible"),
    "transferred_at": "created_at",
    "transfer_type": "service_type__name",
    "from_org": lambda: _org_name("from_org"),
    "to_org": lambda: _org_name("to_org"),
    "to_person": "to_person__name",
    "transfer_due_date": "due_date",
    "transfer_status": "status",
    "accepted_at": "accepted_at",
    "accepted_by": lambda: _user_name("accepted_by"),
    "transfer_concluded_at": "concluded_at",
    "transfer_outcome": "outcome",
    "transfer_result": "result",
    "return_reason": "return_reason",
    "created_by": lambda: _user_name("created_by"),
}

#: fields filled from the requesters of each chunk of rows (never from the encrypted columns)
REQUESTER_FIELDS = frozenset(
    {"requester_name", "requester_gender", "requester_age", "phone", "address", "groups", "other_parties"}
)


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
    return r["_seq"]


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


def _person(header: StrOrPromise, width: float = 10) -> Column:
    return Column("requester", header, width, _requester, ("requester_name",))


def _renamed(column: Column, header: StrOrPromise, width: float | None = None) -> Column:
    return Column(
        column.key, header, column.width if width is None else width, column.value, column.needs, column.kind
    )


# --- the ledgers -----------------------------------------------------------------------------------

FilterName = Literal["date_from", "date_to", "org", "channel", "domain", "service_type", "state", "status"]
MATTER_FILTERS: tuple[FilterName, ...] = (
    "date_from",
    "date_to",
    "org",
    "channel",
    "domain",
    "service_type",
    "state",
)
TRANSFER_FILTERS: tuple[FilterName, ...] = (*MATTER_FILTERS, "status")


@dataclass(frozen=True)
class Ledger:
    key: str
    title: StrOrPromise
    description: StrOrPromise
    source: Source
    rows: Callable[[User], QuerySet[Any]]
    """The ledger's rows for ``user``, before filters: always narrowed from ``visible_matters``."""
    date_field: str
    date_label: StrOrPromise
    columns: tuple[Column, ...]
    filters: tuple[FilterName, ...] = MATTER_FILTERS
    service_types: Callable[[], QuerySet[ServiceType]] | None = None
    """The service types the service-type filter offers (None: the filter is not offered)."""

    @property
    def fields(self) -> Mapping[str, FieldPath]:
        return MATTER_FIELDS if self.source == "matter" else TRANSFER_FIELDS

    def __post_init__(self) -> None:
        known = set(self.fields) | REQUESTER_FIELDS
        for column in self.columns:
            missing = set(column.needs) - known
            if missing:
                raise ValueError(f"ledger {self.key}: column {column.key} needs unknown fields {missing}")
        if ("service_type" in self.filters) != (self.service_types is not None):
            raise ValueError(f"ledger {self.key}: the service-type filter needs its choices")


def _visits(user: User) -> QuerySet[Matter]:
    """All matters registered at the user's unit and below, from any channel."""
    unit = user.unit
    if unit is None:
        return Matter.objects.none()
    return visible_matters(user).filter(receiving_org__path__startswith=unit.path)


def _appointments(user: User) -> QuerySet[Matter]:
    return visible_matters(user).filter(appointment_at__isnull=False)


def _complaints(user: User) -> QuerySet[Matter]:
    return visible_matters(user).filter(service_type__code="complaint")


def _transfers(ledger: str) -> Callable[[User], QuerySet[Transfer]]:
    def rows(user: User) -> QuerySet[Transfer]:
        return Transfer.objects.filter(
            matter__in=visible_matters(user).values("pk"), service_type__transfer_ledger=ledger
        )

    return rows


def _types_of(ledger: str) -> Callable[[], QuerySet[ServiceType]]:
    return lambda: ServiceType.objects.filter(transfer_ledger=ledger)


def _all_types() -> QuerySet[ServiceType]:
    return ServiceType.objects.all()


L = ServiceType.Ledger

LEDGERS: dict[str, Ledger] = {
    ledger.key: ledger
    for ledger in (
        Ledger(
            key="visits",
            title=gettext_lazy("公共法律服务来访登记台帐"),
            description=gettext_lazy("本单位及下级单位登记的全部事项，含窗口、热线、网络等各渠道。"),
            source="matter",
            rows=_visits,
            date_field="registered_at",
            date_label=gettext_lazy("登记日期"),
            columns=(
                SEQ,
                REGISTERED,
                NUMBER,
                _person(gettext_lazy("来访人")),
                GENDER,
                AGE,
                PHONE,
                ADDRESS,
                GROUPS,
                CHANNEL,
                DOMAIN,
                SERVICE_TYPE,
                TITLE,
                HANDLING,
                SATISFACTION,
                FIRST_RESPONSIBLE,
            ),
            service_types=_all_types,
        ),
        Ledger(
            key="mediation_transfers",
            title=gettext_lazy("矛盾纠纷案件移交台帐"),
            description=gettext_lazy("移交人民调解委员会、司法所调解的矛盾纠纷。"),
            source="transfer",
            rows=_transfers(L.MEDIATION),
            date_field="created_at",
            date_label=gettext_lazy("移交日期"),
            columns=(
                SEQ,
                TRANSFERRED,
                NUMBER,
                _person(gettext_lazy("申请人")),
                PHONE,
                Column(
                    "other_parties",
                    gettext_lazy("对方当事人"),
                    12,
                    lambda r: "、".join(r.get("other_parties") or []),
                    ("other_parties",),
                ),
                _renamed(DOMAIN, gettext_lazy("纠纷类型")),
                _renamed(TITLE, gettext_lazy("纠纷简要情况")),
                FROM_ORG,
                _renamed(TO_ORG, gettext_lazy("接收单位（调委会）")),
                ACCEPTED,
                TRANSFER_STATUS,
                _renamed(TRANSFER_RESULT, gettext_lazy("调解结果")),
                TRANSFER_CONCLUDED,
                FED_BACK,
                CREATED_BY,
            ),
            filters=TRANSFER_FILTERS,
            service_types=_types_of(L.MEDIATION),
        ),
        Ledger(
            key="legal_aid_transfers",
            title=gettext_lazy("法律援助案件移交台帐"),
            description=gettext_lazy("移交法律援助机构审查、承办的法律援助申请。"),
            source="transfer",
            rows=_transfers(L.LEGAL_AID),
            date_field="created_at",
            date_label=gettext_lazy("移交日期"),
            columns=(
                SEQ,
                TRANSFERRED,
                NUMBER,
                _person(gettext_lazy("申请人")),
                PHONE,
                GROUPS,
                _renamed(DOMAIN, gettext_lazy("案件类型")),
                _renamed(TITLE, gettext_lazy("案情摘要")),
                FROM_ORG,
                TO_ORG,
                ACCEPTED,
                TRANSFER_STATUS,
                TRANSFER_RESULT,
                TRANSFER_CONCLUDED,
                FED_BACK,
                CREATED_BY,
            ),
            filters=TRANSFER_FILTERS,
            service_types=_types_of(L.LEGAL_AID),
        ),
        Ledger(
            key="appointments",
            title=gettext_lazy("公共法律服务预约台帐"),
            description=gettext_lazy("预约了服务时间的事项，按预约日期排列。"),
            source="matter",
            rows=_appointments,
            date_field="appointment_at",
            date_label=gettext_lazy("预约日期"),
            columns=(
                SEQ,
                Column(
                    "appointment_at",
                    gettext_lazy("预约时间"),
                    17,
                    _moment("appointment_at"),
                    ("appointment_at",),
                    "datetime",
                ),
                REGISTERED_DATE,
                NUMBER,
                _person(gettext_lazy("预约人")),
                PHONE,
                GROUPS,
                _renamed(CHANNEL, gettext_lazy("预约方式")),
                SERVICE_TYPE,
                DOMAIN,
                _renamed(TITLE, gettext_lazy("预约事项")),
                Column(
                    "appointment_with",
                    gettext_lazy("预约人员"),
                    10,
                    _text("appointment_with"),
                    ("appointment_with",),
                ),
                Column(
                    "service_mode", gettext_lazy("服务方式"), 10, _service_mode, ("home_service", "by_proxy")
                ),
                HANDLING,
                FIRST_RESPONSIBLE,
            ),
            service_types=_all_types,
        ),
        Ledger(
            key="business_transfers",
            title=gettext_lazy("公共法律服务业务移交台帐"),
            description=gettext_lazy("移交公证、司法鉴定、律师服务、司法所及外部门办理的业务。"),
            source="transfer",
            rows=_transfers(L.BUSINESS),
            date_field="created_at",
            date_label=gettext_lazy("移交日期"),
            columns=(
                SEQ,
                TRANSFERRED,
                NUMBER,
                _person(gettext_lazy("当事人")),
                PHONE,
                Column(
                    "transfer_type", gettext_lazy("业务类型"), 11, _text("transfer_type"), ("transfer_type",)
                ),
                TITLE,
                FROM_ORG,
                TO_ORG,
                Column(
                    "transfer_due_date",
                    gettext_lazy("办结期限"),
                    12,
                    _date("transfer_due_date"),
                    ("transfer_due_date",),
                    "date",
                ),
                ACCEPTED,
                TRANSFER_STATUS,
                TRANSFER_RESULT,
                TRANSFER_CONCLUDED,
                FED_BACK,
                CREATED_BY,
            ),
            filters=TRANSFER_FILTERS,
            service_types=_types_of(L.BUSINESS),
        ),
        Ledger(
            key="complaints",
            title=gettext_lazy("群众投诉登记本"),
            description=gettext_lazy("群众对司法行政工作人员和法律服务人员的投诉、举报。"),
            source="matter",
            rows=_complaints,
            date_field="registered_at",
            date_label=gettext_lazy("登记日期"),
            columns=(
                SEQ,
                REGISTERED,
                NUMBER,
                _person(gettext_lazy("投诉人")),
                PHONE,
                ADDRESS,
                CHANNEL,
                _renamed(TITLE, gettext_lazy("投诉事项"), 32),
                Column(
                    "current_org",
                    gettext_lazy("承办单位"),
                    16,
                    _text("current_org"),
                    ("current_org",),
                    "long_text",
                ),
                Column("due_date", gettext_lazy("办结期限"), 12, _date("due_date"), ("due_date",), "date"),
                HANDLING,
                _renamed(MATTER_RESULT, gettext_lazy("处理结果")),
                CONCLUDED,
                FED_BACK,
                SATISFACTION,
                _renamed(FIRST_RESPONSIBLE, gettext_lazy("登记人（签字）")),
            ),
            filters=tuple(name for name in MATTER_FILTERS if name != "service_type"),
        ),
    )
}


def get_ledger(key: str) -> Ledger:
    ledger = LEDGERS.get(key)
    if ledger is None:
        raise NotFound(_("台帐不存在：%(key)s") % {"key": key[:32]})
    return ledger


# --- filters ---------------------------------------------------------------------------------------

FILTER_LABELS: dict[str, StrOrPromise] = {
    "date_from": gettext_lazy("开始日期"),
    "date_to": gettext_lazy("结束日期"),
    "org": gettext_lazy("单位"),
    "channel": gettext_lazy("渠道"),
    "domain": gettext_lazy("法律领域"),
    "service_type": gettext_lazy("服务类型"),
    "state": gettext_lazy("事项状态"),
    "status": gettext_lazy("移交状态"),
}


@dataclass(frozen=True)
class LedgerFilters:
    """Validated filters. Empty strings and None mean "not filtered"."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    org: Organization | None = None
    channel: str = ""
    domain: str = ""
    service_type: str = ""
    state: str = ""
    status: str = ""

    def as_params(self) -> dict[str, str]:
        """The filters as query-string parameters (what the export links and LedgerExport keep)."""
        params = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "org": str(self.org.pk) if self.org else "",
            "channel": self.channel,
            "domain": self.domain,
            "service_type": self.service_type,
            "state": self.state,
            "status": self.status,
        }
        return {key: value for key, value in params.items() if value}

    def period_text(self, ledger: Ledger) -> str:
        if self.date_from and self.date_to:
            span = _("%(start)s 至 %(end)s") % {"start": self.date_from, "end": self.date_to}
        elif self.date_from:
            span = _("%(start)s 起") % {"start": self.date_from}
        elif self.date_to:
            span = _("截至 %(end)s") % {"end": self.date_to}
        else:
            span = _("全部")
        return f"{ledger.date_label}：{span}"

    def describe(self, ledger: Ledger) -> str:
        """The filters in words, for the heading of an export: 「登记日期：… ；渠道：热线」."""
        parts = [self.period_text(ledger)]
        if self.org is not None:
            parts.append(
                _("%(label)s：%(org)s（含下级单位）") % {"label": FILTER_LABELS["org"], "org": self.org.name}
            )
        if self.channel:
            parts.append(f"{FILTER_LABELS['channel']}：{channel_label(self.channel)}")
        if self.domain:
            name = LegalDomain.objects.filter(code=self.domain).values_list("name", flat=True).first()
            parts.append(f"{FILTER_LABELS['domain']}：{name or self.domain}")
        if self.service_type:
            name = ServiceType.objects.filter(code=self.service_type).values_list("name", flat=True).first()
            parts.append(f"{FILTER_LABELS['service_type']}：{name or self.service_type}")
        if self.state:
            parts.append(f"{FILTER_LABELS['state']}：{state_label(self.state)}")
        if self.status:
            parts.append(f"{FILTER_LABELS['status']}：{transfer_status_label(self.status)}")
        return "；".join(parts)


def scope_orgs(user: User) -> QuerySet[Organization]:
    """The units a user may filter by: the user's unit and every unit below it, in tree order."""
    if user.unit is None:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=user.unit.path).order_by("path")


def _parse_date(raw: str) -> datetime.date:
    """``YYYY-MM-DD`` in a plausible range (far years would overflow the time-zone arithmetic)."""
    if len(raw) != 10:
        raise ValueError(raw)
    day = datetime.date.fromisoformat(raw)
    if not 1900 <= day.year <= 2199:
        raise ValueError(raw)
    return day


def clean_filters(user: User, ledger: Ledger, params: Mapping[str, Any] | None) -> LedgerFilters:
    """Validate query parameters for ``ledger``. Parameters the ledger does not take are ignored
    (so a page number or a format can travel in the same query string).

    Raises ``InvalidInput`` with a Chinese message per bad field.
    """
    raw: dict[str, str] = (
        {name: str(params.get(name) or "").strip() for name in ledger.filters} if params else {}
    )
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in ("date_from", "date_to"):
        if raw.get(name):
            try:
                values[name] = _parse_date(raw[name])
            except ValueError:
                errors[name] = _("日期格式应为“年-月-日”，如 2026-01-31。")
    if values.get("date_from") and values.get("date_to") and values["date_to"] < values["date_from"]:
        errors["date_to"] = _("结束日期不能早于开始日期。")
    if raw.get("org"):
        org = None
        if raw["org"].isdigit():
            org = scope_orgs(user).filter(pk=int(raw["org"])).first()
        if org is None:
            errors["org"] = _("该单位不存在或不在您的管辖范围内。")
        values["org"] = org
    code_checks: dict[str, tuple[Callable[[str], bool], str]] = {
        "channel": (lambda code: code in Channel.values, _("未知的渠道：%(code)s")),
        "domain": (
            lambda code: LegalDomain.objects.filter(code=code).exists(),
            _("未知的法律领域：%(code)s"),
        ),
        "service_type": (
            lambda code: (
                ledger.service_types is not None and ledger.service_types().filter(code=code).exists()
            ),
            _("本台帐没有这种服务类型：%(code)s"),
        ),
        "state": (lambda code: code in MatterState.values, _("未知的事项状态：%(code)s")),
        "status": (lambda code: code in TransferStatus.values, _("未知的移交状态：%(code)s")),
    }
    for name, (is_known, message) in code_checks.items():
        code = raw.get(name, "")
        if code:
            if is_known(code):
                values[name] = code
            else:
                errors[name] = message % {"code": code[:32]}
    if errors:
        raise InvalidInput(_("筛选条件有误，请检查标出的项目。"), fields=errors)
    return LedgerFilters(**values)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _apply(ledger: Ledger, qs: QuerySet[Any], filters: LedgerFilters) -> QuerySet[Any]:
    prefix = "" if ledger.source == "matter" else "matter__"
    if filters.date_from:
        qs = qs.filter(**{f"{ledger.date_field}__gte": _local_midnight(filters.date_from)})
    if filters.date_to:
        end = _local_midnight(filters.date_to + datetime.timedelta(days=1))
        qs = qs.filter(**{f"{ledger.date_field}__lt": end})
    if filters.org is not None:
        path = filters.org.path
        if ledger.source == "matter":
            qs = qs.filter(Q(receiving_org__path__startswith=path) | Q(current_org__path__startswith=path))
        else:
            qs = qs.filter(Q(from_org__path__startswith=path) | Q(to_org__path__startswith=path))
    if filters.channel:
        qs = qs.filter(**{f"{prefix}channel": filters.channel})
    if filters.domain:
        qs = qs.filter(**{f"{prefix}domain__code": filters.domain})
    if filters.service_type:
        # a transfer ledger filters on the type of the hand-off, the others on the matter's type
        qs = qs.filter(service_type__code=filters.service_type)
    if filters.state:
        qs = qs.filter(**{f"{prefix}state": filters.state})
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


# --- the result ------------------------------------------------------------------------------------


@dataclass
class LedgerResult:
    """What ``ledger_rows`` returns.

    - ``ledger``, ``filters``: the ledger definition and the validated filters;
    - ``columns``: the ledger's columns (``key``, ``header``, ``width``, ``kind``);
    - ``total``: the number of rows (one COUNT query, computed on first use);
    - ``rows(offset=0, limit=None)``: a lazy iterator of rows, each a tuple of cell values in column
      order — ``str``, ``int``, ``datetime.date``, an aware local ``datetime.datetime`` or ``None``;
    - ``iter(result)`` is ``result.rows()``.
    """

    ledger: Ledger
    filters: LedgerFilters
    queryset: QuerySet[Any] = field(repr=False)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.ledger.columns

    @cached_property
    def total(self) -> int:
        return self.queryset.count()

    def __iter__(self) -> Iterator[Row]:
        return self.rows()

    def rows(
        self, offset: int = 0, limit: int | None = None, *, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[Row]:
        """Rows ``offset+1 …`` (at most ``limit``), numbered with their position in the ledger."""
        needs = {name for column in self.columns for name in column.needs}
        names = ["matter_id", *sorted(needs - REQUESTER_FIELDS - {"matter_id"})]
        fields = self.ledger.fields
        annotations: dict[str, Expression | Subquery] = {}
        selected: list[str] = []
        for name in names:
            path = fields[name]
            if callable(path):
                annotations[f"ledger_{name}"] = path()
                selected.append(f"ledger_{name}")
            else:
                selected.append(path)
        qs = self.queryset.annotate(**annotations) if annotations else self.queryset
        stop = None if limit is None else offset + limit
        values = qs.values_list(*selected)[offset:stop]
        wants_people = bool(needs & REQUESTER_FIELDS)
        seq = offset
        chunk: list[Record] = []

        def flush() -> Iterator[Row]:
            if wants_people:
                _add_requesters(chunk)
            for record in chunk:
                yield tuple(column.value(record) for column in self.columns)
            chunk.clear()

        for item in values.iterator(chunk_size=chunk_size):
            seq += 1
            record = dict(zip(names, item, strict=True))
            record["_seq"] = seq
            chunk.append(record)
            if len(chunk) >= chunk_size:
                yield from flush()
        yield from flush()


def _add_requesters(records: list[Record]) -> None:
    """Fill the requester fields of a chunk of records with two queries (masks only)."""
    matter_ids = {record["matter_id"] for record in records}
    people: dict[int, list[tuple[Any, ...]]] = {}
    for row in (
        Requester.objects.filter(matter_id__in=matter_ids)
        .order_by("matter_id", "-is_primary", "id")
        .values_list(
            "matter_id", "id", "role", "is_primary", "name", "gender", "age", "phone_mask", "address_mask"
        )
    ):
        people.setdefault(row[0], []).append(row)
    primary_of: dict[int, tuple[Any, ...]] = {}
    for matter_id, rows in people.items():
        primary_of[matter_id] = next((r for r in rows if r[3]), rows[0])
    group_labels = dict(SpecialGroup.choices)
    groups: dict[int, list[str]] = {}
    for requester_id, code in (
        RequesterGroup.objects.filter(requester_id__in=[row[1] for row in primary_of.values()])
        .order_by("id")
        .values_list("requester_id", "group")
    ):
        groups.setdefault(requester_id, []).append(str(group_labels.get(code, code)))
    for record in records:
        rows = people.get(record["matter_id"], [])
        primary = primary_of.get(record["matter_id"])
        if primary is None:
            record.update(requester_name="", requester_gender="", requester_age=None, phone="", address="")
            record.update(groups=[], other_parties=[])
            continue
        others = [r for r in rows if r is not primary and r[2] == PartyRole.REQUESTER]
        name = primary[4]
        if others:
            name = _("%(name)s等%(count)d人") % {"name": name, "count": len(others) + 1}
        record.update(
            requester_name=name,
            requester_gender=primary[5],
            requester_age=primary[6],
            phone=primary[7],
            address=primary[8],
            groups=groups.get(primary[1], []),
            other_parties=[r[4] for r in rows if r[2] == PartyRole.OTHER_PARTY],
        )


def ledger_rows(user: User, key: str, filters: Mapping[str, Any] | None = None) -> LedgerResult:
    """The rows of ledger ``key`` that ``user`` may see, narrowed by ``filters``.

    ``filters`` takes query-string style values (a ``QueryDict`` works): ``date_from``/``date_to``
    (``YYYY-MM-DD``, on the ledger's date: registration, transfer or appointment), ``org`` (a unit
    id within the user's scope: rows received or handled there or below; for transfer ledgers, sent
    or received), ``channel``, ``domain``, ``service_type`` (codes), ``state`` (matter state) and, for
    the transfer ledgers, ``status`` (transfer status). Keys a ledger does not take are ignored.

    Raises ``NotFound`` for an unknown ledger, ``Forbidden`` without ``ledgers.view_ledgers`` and
    ``InvalidInput`` (``fields``: a Chinese message per bad filter) for bad filters. Rows are ordered
    by the ledger's date, oldest first, like a paper ledger.
    """
    ledger = get_ledger(key)
    if not user.has_perm(roles.VIEW_LEDGERS):
        raise Forbidden(_("您的账号没有查看台帐的权限。"))
    cleaned = clean_filters(user, ledger, filters)
    qs = _apply(ledger, ledger.rows(user), cleaned).order_by(ledger.date_field, "pk")
    return LedgerResult(ledger=ledger, filters=cleaned, queryset=qs)


def display(column: Column, value: CellValue) -> str:
    """A cell as text (pages and PDF): dates as 2026-01-31, times as 2026-01-31 09:30."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


__all__ = [
    "LEDGERS",
    "CellValue",
    "Column",
    "Ledger",
    "LedgerFilters",
    "LedgerResult",
    "Row",
    "clean_filters",
    "display",
    "get_ledger",
    "ledger_rows",
    "scope_orgs",
]
