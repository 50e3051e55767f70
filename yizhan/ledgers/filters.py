"""The filters of a ledger: query-string values checked and turned into ``LedgerFilters``.

``clean_filters(user, ledger, params)`` reads the parameters a ledger takes (``catalogue.FilterName``)
from a query string or any mapping and raises ``InvalidInput`` with a Chinese message per bad field:
dates as ``YYYY-MM-DD`` in order, a unit within the user's scope (``scope_orgs``), known codes. The
result says itself back as query-string parameters (``as_params``, for links and the export record)
and in words (``describe``, for the heading of an export).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yizhan.accounts.models import User
from yizhan.core.errors import InvalidInput
from yizhan.core.http.fields import parse_id
from yizhan.ledgers.catalogue import Ledger
from yizhan.ledgers.columns import channel_label, state_label, transfer_status_label
from yizhan.matters.models import Channel, LegalDomain, ServiceType, TransferStatus
from yizhan.matters.states import MatterState
from yizhan.orgs.models import Organization

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

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
        org_id = parse_id(raw["org"])
        if org_id is not None:
            org = scope_orgs(user).filter(pk=org_id).first()
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
