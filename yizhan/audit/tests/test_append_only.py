"""The audit log is append-only: the model refuses changes and deletes, and a database trigger refuses
UPDATE (also bulk and raw SQL). DELETE is refused by the database on PostgreSQL only: on SQLite Django's
flush empties tables with DELETE (yizhan/core/append_only.py)."""

import pytest
from django.db import DatabaseError, connection, transaction

from yizhan.audit.models import AppendOnlyError, AuditAction, AuditLog
from yizhan.audit.services import record


@pytest.fixture
def row(users, district):
    return record(AuditAction.REVEAL, district.center, actor=users["clerk"], changes={"reason": "回访"})


def unchanged(row):
    stored = AuditLog.objects.get(pk=row.pk)
    return (stored.action, stored.actor_id, stored.changes) == (row.action, row.actor_id, row.changes)


def test_the_model_refuses_to_save_a_row_again_or_delete_it(row):
    row.action = AuditAction.LOGIN
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    row.action = AuditAction.REVEAL
    assert unchanged(row)


def test_the_database_refuses_an_update_in_bulk_or_in_raw_sql(row):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(action=AuditAction.LOGIN)
    assert unchanged(row)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditlog SET actor_label = %s WHERE id = %s", ["某人", row.pk])
    assert AuditLog.objects.get(pk=row.pk).actor_label == "赵晓燕"


def test_a_bulk_delete_is_refused_by_the_database(row):
    """On SQLite too (only Django's flush may empty the table: core.append_only.allow_purge)."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).delete()
    assert AuditLog.objects.filter(pk=row.pk).exists()
