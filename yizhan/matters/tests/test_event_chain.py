"""A matter's events are append-only and hash-chained like the audit log: ``yizhan audit verify`` finds
an event changed or removed behind the application's back."""

from __future__ import annotations

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from yizhan.core import append_only
from yizhan.core.chain import AppendOnlyError
from yizhan.matters.models import MatterEvent
from yizhan.matters.testing import drive

TABLE = "matters_matterevent"


def _tamper(sql: str, params: list) -> None:
    append_only.remove_triggers(connection, TABLE)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    append_only.install_triggers(connection, TABLE)


def test_events_are_chained_in_order(district):
    drive(district, "concluded")
    events = list(MatterEvent.objects.order_by("pk"))
    assert len(events) >= 4
    for previous, event in pairwise(events):
        assert event.prev_hash == previous.row_hash and len(event.row_hash) == 64
    assert MatterEvent.verify() is None


def test_an_event_cannot_be_changed_or_deleted(district):
    event = drive(district, "transferred").events.first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        MatterEvent.objects.filter(pk=event.pk).update(note="改过")


def test_verify_names_an_event_changed_behind_the_applications_back(district):
    matter = drive(district, "concluded")
    events = list(matter.events.order_by("pk"))
    _tamper("UPDATE matters_matterevent SET note = %s WHERE id = %s", ["从未发生", events[1].pk])
    assert MatterEvent.verify().row_id == events[1].pk
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("audit", "verify", stdout=StringIO())
