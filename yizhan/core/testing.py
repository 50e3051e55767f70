"""Helpers for tests and benchmarks: build registrations through the real services."""

from __future__ import annotations

from typing import Any

from yizhan.accounts.models import User
from yizhan.matters.models import Channel, LegalDomain, Matter, ServiceType
from yizhan.matters.services import RegistrationData, RequesterData, do_register_matter

VALID_ID = "110101199003074258"  # the well-known sample number from GB 11643 (valid check digit)


def registration(**overrides: Any) -> RegistrationData:
    requesters = overrides.pop("requesters", None)
    if requesters is None:
        requesters = [
            RequesterData(
                name=overrides.pop("name", "张三"),
                id_number=overrides.pop("id_number", VALID_ID),
                phone=overrides.pop("phone", "13812341234"),
                address=overrides.pop("address", "甘肃省兰州市西固区福利西路100号3单元501室"),
                groups=overrides.pop("groups", []),
            )
        ]
    data = {
        "channel": Channel.WINDOW,
        "domain": LegalDomain.objects.get(code=overrides.pop("domain", "labor")),
        "service_type": ServiceType.objects.get(code=overrides.pop("service_type", "mediation")),
        "title": "拖欠工资纠纷",
        "facts": "在某建筑工地务工三个月，老板拖欠工资一万二千元。",
        "requesters": requesters,
    }
    data.update(overrides)
    return RegistrationData(**data)


def register(actor: User, **overrides: Any) -> Matter:
    return do_register_matter(registration(**overrides), actor=actor)
