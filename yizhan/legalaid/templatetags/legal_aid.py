"""``{% legal_aid_url "legalaid_public:check" facts %}``: a link to the self-check or the online
application that starts from the facts already known (e.g. the triage's legal-aid hint), so a wage
question opens at 请求支付劳动报酬, not at 其他事项."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from yizhan.legalaid.forms import PREFILL_CHOICES, PREFILL_LISTS

register = template.Library()


@register.simple_tag
def legal_aid_url(name: str, facts: Mapping[str, Any] | None = None) -> str:
    url = reverse(name)
    facts = facts or {}
    pairs: list[tuple[str, str]] = []
    for key in PREFILL_CHOICES:
        value = facts.get(key)
        if isinstance(value, str) and value:
            pairs.append((key, value))
    for key in PREFILL_LISTS:
        values = facts.get(key) or []
        pairs.extend((key, str(v)) for v in values if isinstance(v, str))
    return f"{url}?{urlencode(pairs)}" if pairs else url
