"""Login: every failed guess counts, also when guesses arrive in parallel; an address that guesses too
fast is throttled."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate

from yizhan.accounts.models import User


def test_a_failure_counted_by_a_parallel_request_is_not_overwritten(users, monkeypatch):
    """Two guesses interleave: the second reads the account before the first has written its failure
    (what 6 parallel guesses did: 12 wrong passwords left 4 failures and no lock)."""
    clerk = users["clerk"]
    original = User.check_password
    calls = {"n": 0}

    def slow_check(self, raw):
        calls["n"] += 1
        if calls["n"] == 1:  # while this guess is being checked, another one fails and is counted
            assert authenticate(username="clerk", password="wrong-2") is None
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", slow_check)
    assert authenticate(username="clerk", password="wrong-1") is None
    clerk.refresh_from_db()
    assert clerk.failed_logins == 2


def test_the_limit_locks_the_account_even_with_the_right_password(district, users):
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        assert authenticate(username="clerk", password="wrong") is None
    clerk = User.objects.get(username="clerk")
    assert clerk.is_locked and clerk.failed_logins == 0
    assert authenticate(username="clerk", password=district.passwords["clerk"]) is None
