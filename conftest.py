"""Shared fixtures: the small demo district (personas in known units) built through real services."""

from __future__ import annotations

import pytest

from yizhan.demo.district import District, build_district

PASSWORD = "Test-pass-2026"


@pytest.fixture
def district(db) -> District:
    return build_district(small=True, password=PASSWORD)


@pytest.fixture
def users(district: District) -> dict:
    return district.users


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached reference data must not outlive a test's rolled-back transaction."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
