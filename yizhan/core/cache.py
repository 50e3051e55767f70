"""Versioned caches for data that changes rarely and is read on every request: permissions,
the organisation tree, reference codes, time limits, the calendar.

Each namespace has a version number in the cache; writers bump it after commit (signals below),
which makes every cached entry of that namespace unreachable at once — in every process when the
cache is shared (Redis), and within ``TIMEOUT`` seconds otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
TIMEOUT = 300
_MISSING = object()


def _version(namespace: str) -> int:
    return int(cache.get_or_set(f"yz:v:{namespace}", 1, None) or 1)


def cached(namespace: str, key: str, loader: Callable[[], T], timeout: int = TIMEOUT) -> T:
    full_key = f"yz:{namespace}:{_version(namespace)}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = loader()
        cache.set(full_key, value, timeout)
    return value  # type: ignore[return-value]


def bump(namespace: str) -> None:
    """Invalidate a namespace now and again once the current transaction commits (readers in
    between may have cached the old, still committed, data)."""

    def _bump() -> None:
        try:
            cache.incr(f"yz:v:{namespace}")
        except ValueError:
            cache.set(f"yz:v:{namespace}", 2, None)

    _bump()
    transaction.on_commit(_bump)


def bump_on_change(namespace: str) -> Callable[..., Any]:
    def receiver(*args: Any, **kwargs: Any) -> None:
        bump(namespace)

    return receiver
