"""五台帐一登记: the six ledgers of 西安方案 七(一), declared as live views over matters and transfers.

A ledger has no data of its own. Each entry of ``LEDGERS`` names the rows it lists (a queryset
builder that starts from ``visible_matters(user)``, so jurisdiction always applies), the date that
places a row in a period, the filters it accepts and its columns (from ``columns``), in the order of the
paper ledger. The record fields a column may read are declared here per source (matters or
transfers) and checked against the columns when the catalogue is built.

Reading a ledger is ``selectors.ledger_rows``; its filters are checked in ``filters``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from django.db.models import CharField, Expression, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yizhan.accounts.models import User
from yizhan.core.errors import NotFound
from yizhan.ledgers.columns import (
    ACCEPTED,
    ADDRESS,
    AGE,
    APPOINTMENT,
    APPOINTMENT_WITH,
    CHANNEL,
    CONCLUDED,
    CREATED_BY,
    CURRENT_ORG,
    DOMAIN,
    DUE_DATE,
    FED_BACK,
    FIRST_RESPONSIBLE,
    FROM_ORG,
    GENDER,
    GROUPS,
    HANDLING,
    MATTER_RESULT,
    NUMBER,
    OTHER_PARTIES,
    PHONE,
    REGISTERED,
    REGISTERED_DATE,
    SATISFACTION,
    SEQ,
    SERVICE_MODE,
    SERVICE_TYPE,
    TITLE,
    TO_ORG,
    TRANSFER_CONCLUDED,
    TRANSFER_DUE_DATE,
    TRANSFER_RESULT,
    TRANSFER_STATUS,
    TRANSFER_TYPE,
    TRANSFERRED,
    Column,
    requester_column,
)
from yizhan.matters.models import Matter, ServiceType, Transfer
from yizhan.matters.selectors import visible_matters

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

Source = Literal["matter", "transfer"]


# --- record fields ---------------------------------------------------------------------------------


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


# --- the ledgers -----------------------------------------------------------------------------------

FilterName = Literal["date_from", "date_to", "org", "channel", "domain", "service_type", "state", "status"]
#: every filter a ledger may take, in the order of the filter form
FILTER_NAMES: tuple[FilterName, ...] = get_args(FilterName)
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


# the rows of each ledger, always narrowed from the scoped selector of matters


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
                requester_column(gettext_lazy("来访人")),
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
                requester_column(gettext_lazy("申请人")),
                PHONE,
                OTHER_PARTIES,
                DOMAIN.renamed(gettext_lazy("纠纷类型")),
                TITLE.renamed(gettext_lazy("纠纷简要情况")),
                FROM_ORG,
                TO_ORG.renamed(gettext_lazy("接收单位（调委会）")),
                ACCEPTED,
                TRANSFER_STATUS,
                TRANSFER_RESULT.renamed(gettext_lazy("调解结果")),
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
                requester_column(gettext_lazy("申请人")),
                PHONE,
                GROUPS,
                DOMAIN.renamed(gettext_lazy("案件类型")),
                TITLE.renamed(gettext_lazy("案情摘要")),
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
                APPOINTMENT,
                REGISTERED_DATE,
                NUMBER,
                requester_column(gettext_lazy("预约人")),
                PHONE,
                GROUPS,
                CHANNEL.renamed(gettext_lazy("预约方式")),
                SERVICE_TYPE,
                DOMAIN,
                TITLE.renamed(gettext_lazy("预约事项")),
                APPOINTMENT_WITH,
                SERVICE_MODE,
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
                requester_column(gettext_lazy("当事人")),
                PHONE,
                TRANSFER_TYPE,
                TITLE,
                FROM_ORG,
                TO_ORG,
                TRANSFER_DUE_DATE,
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
                requester_column(gettext_lazy("投诉人")),
                PHONE,
                ADDRESS,
                CHANNEL,
                TITLE.renamed(gettext_lazy("投诉事项"), 32),
                CURRENT_ORG,
                DUE_DATE,
                HANDLING,
                MATTER_RESULT.renamed(gettext_lazy("处理结果")),
                CONCLUDED,
                FED_BACK,
                SATISFACTION,
                FIRST_RESPONSIBLE.renamed(gettext_lazy("登记人（签字）")),
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
