"""Fixtures of the SMS tests: recorded provider answers, a scripted backend, on-commit execution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from yizhan.sms.backends import OutgoingSms

FIXTURES = Path(__file__).parent / "fixtures"
PHONE = "13812345678"


def recorded(name: str) -> dict[str, Any]:
    """A recorded provider answer: ``{"status": HTTP status, "body": JSON body}``."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


class ScriptedBackend:
    """Plays its script, one outcome per send: an exception to raise or a provider message id."""

    name = "scripted"
    script: list[Any] = []
    calls: list[OutgoingSms] = []

    def send(self, sms: OutgoingSms) -> str:
        type(self).calls.append(sms)
        outcome = type(self).script.pop(0) if type(self).script else "provider-id"
        if isinstance(outcome, BaseException):
            raise outcome
        return str(outcome)


@pytest.fixture
def scripted(settings):
    settings.SMS_BACKEND = "yizhan.sms.tests.conftest.ScriptedBackend"
    ScriptedBackend.script = []
    ScriptedBackend.calls = []
    yield ScriptedBackend
    ScriptedBackend.script = []
    ScriptedBackend.calls = []


@pytest.fixture
def outgoing() -> OutgoingSms:
    return OutgoingSms(
        phone=PHONE,
        sign_name="一站",
        template_code="matter_registered",
        provider_template_id="SMS_478215036",
        params={"code": "3141-5926-5358", "org": "城关司法所"},
        text="【一站】您的事项已转交城关司法所办理，可凭查询码3141-5926-5358在公共法律服务平台查询进度。退订回TD",
        reference="42",
    )
