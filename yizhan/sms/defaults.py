"""The default SMS templates and signature, loaded by a data migration (and again by tests that flush
the database). Plain, polite Chinese; no signature in the text (it is prefixed from ``SmsSettings``)
and no address: the cloud providers refuse a URL as a template variable, so an administrator writes the
site's address into the text before applying for approval, if wanted. Provider ids stay empty until
the provider approves the templates."""

from __future__ import annotations

from typing import Any

SIGN_NAME = "一站"

# code, name, text
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    (
        "matter_registered",
        "事项已登记",
        "您的事项已登记，查询码{code}，请妥善保管，可凭查询码在公共法律服务平台查询办理进度。退订回TD",
    ),
    (
        "matter_transferred",
        "事项已转交",
        "您的事项已转交{org}办理，可凭查询码{code}在公共法律服务平台查询进度。退订回TD",
    ),
    (
        "matter_concluded",
        "事项已办结",
        "您的事项已办结，可凭查询码{code}在公共法律服务平台查看办理结果。退订回TD",
    ),
    (
        "rating_invitation",
        "邀请评价",
        "感谢您使用公共法律服务，欢迎凭查询码{code}在公共法律服务平台评价本次服务。退订回TD",
    ),
)


def load(apps: Any) -> None:
    """Create the signature row and the missing templates; existing ones are left as edited."""
    apps.get_model("sms", "SmsSettings").objects.get_or_create(pk=1, defaults={"sign_name": SIGN_NAME})
    template = apps.get_model("sms", "SmsTemplate")
    for code, name, text in TEMPLATES:
        template.objects.get_or_create(code=code, defaults={"name": name, "text": text, "active": True})
