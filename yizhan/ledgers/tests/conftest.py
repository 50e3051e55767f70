"""A small book of matters for the ledger tests, made through the real services."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from yizhan.ledgers.selectors import ledger_rows
from yizhan.matters import services
from yizhan.matters.models import Matter
from yizhan.matters.testing import drive, register


def transfer(matter: Matter, to_org: Any, actor: Any) -> Matter:
    services.transition(
        matter,
        "transfer",
        actor=actor,
        note="请接收办理。",
        payload={"transfer": services.TransferData(to_org=to_org)},
    )
    matter.refresh_from_db()
    return matter


def numbers(user: Any, key: str, **filters: str) -> list[str]:
    """The 受理编号 column of a ledger, in ledger order."""
    result = ledger_rows(user, key, filters)
    index = [column.key for column in result.columns].index("number")
    return [row[index] for row in result.rows()]


def column(user: Any, key: str, name: str, **filters: str) -> list[Any]:
    result = ledger_rows(user, key, filters)
    index = [c.key for c in result.columns].index(name)
    return [row[index] for row in result.rows()]


@pytest.fixture
def book(district, users) -> SimpleNamespace:
    """One matter for each kind of ledger row, registered at the district centre unless noted."""
    clerk = users["clerk"]
    b = SimpleNamespace()
    b.window = register(clerk, service_type="consultation", domain="debt", title="借款到期未还")
    services.transition(
        b.window, "answer", actor=clerk, note="已解答诉讼时效。", payload={"outcome": "advice_given"}
    )
    b.hotline = register(
        clerk, channel="hotline", service_type="consultation", domain="marriage_family", title="离婚财产分割"
    )
    b.mediation = drive(district, "concluded", title="邻里漏水纠纷", domain="property_management")
    b.legal_aid = transfer(
        register(clerk, service_type="legal_aid", title="工伤赔偿申请法律援助", groups=["migrant_worker"]),
        district.legal_aid_center,
        clerk,
    )
    b.notary = transfer(
        register(clerk, service_type="notary", domain="inheritance", title="继承权公证"),
        district.notary,
        clerk,
    )
    b.appointment = register(
        clerk,
        service_type="lawyer_service",
        title="预约律师审查合同",
        appointment_at=timezone.now() + datetime.timedelta(days=2),
        home_service=True,
    )
    b.complaint = register(clerk, service_type="complaint", domain="general", title="投诉律师服务态度差")
    b.station = register(users["clerk2"], title="土地承包经营权纠纷", domain="land")
    return b
