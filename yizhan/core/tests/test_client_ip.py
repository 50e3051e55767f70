"""The client's address: X-Forwarded-For is trusted only as far as the configured proxies reach."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from yizhan.core.clientip import client_ip


def _request(xff: str | None = None, remote: str = "10.0.0.5"):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(_request("1.2.3.4")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("hops", "xff", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),  # the proxy appended the client
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # a forged leftmost entry is ignored
        (2, "1.2.3.4, 203.0.113.9, 10.1.1.1", "203.0.113.9"),  # two proxies: the outer one saw the client
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the furthest one
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_the_entry_the_outermost_trusted_proxy_appended_is_the_client(settings, hops, xff, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(_request(xff)) == expected
