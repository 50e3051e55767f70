"""The client's address — one function for the audit rows, the rate limits and the login throttle.

Behind ``settings.TRUSTED_PROXY_HOPS`` reverse proxies (``YIZHAN_TRUSTED_PROXY_HOPS``), the client is
the address the outermost of them saw: the entry that many places from the right of
``X-Forwarded-For`` (each proxy appends the address it was connected from; whatever a client writes
into the header itself stays to the left and is ignored). With no proxy (the default) the header is
ignored altogether and ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a unix socket without a proxy
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # fewer entries than proxies: the request skipped the outer ones; take the furthest address seen
    chosen = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    return _valid(chosen) or remote
