"""The audit log is append-only (triggers on SQLite and PostgreSQL) and chained by hash; ``yizhan audit
verify`` names the first broken link and a dropped trigger."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction, AuditLog
from yizhan.core import append_only, chain

TABLE = "audit_auditlog"


def _rows(n: int, actor=None) -> list[AuditLog]:
    return [
        audit.record(
            AuditAction.EXPORT, object_type="test.thing", object_id=str(i), changes={"i": i}, actor=actor
        )
        for i in range(n)
    ]


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _tamper(sql: str, params: list) -> None:
    """What someone with the database's owner rights could do: drop the triggers, change, restore."""
    append_only.remove_triggers(connection, TABLE)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    append_only.install_triggers(connection, TABLE)


def test_each_row_holds_the_hash_of_its_predecessor(users):
    rows = _rows(3, actor=users["clerk"])
    assert (
        rows[0].prev_hash == chain.GENESIS
        or rows[0].prev_hash
        == AuditLog.objects.filter(pk__lt=rows[0].pk)
        .order_by("-pk")
        .values_list("row_hash", flat=True)
        .first()
    )
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    assert len({row.row_hash for row in rows}) == 3
    assert AuditLog.verify() is None
    assert "链完整" in _verify()


@pytest.mark.django_db
def test_deleting_an_audit_row_is_refused_by_the_database():
    row = _rows(1)[0]
    for statement in (
        "DELETE FROM audit_auditlog WHERE id = %s",
        "UPDATE audit_auditlog SET action = 'x' WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).delete()
    assert AuditLog.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_verify_names_the_first_broken_link_after_a_row_was_deleted():
    rows = _rows(4)
    _tamper("DELETE FROM audit_auditlog WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"#{rows[2].pk}"):
        _verify()
    assert AuditLog.verify().row_id == rows[2].pk


@pytest.mark.django_db
def test_verify_names_a_row_whose_content_was_changed():
    rows = _rows(3)
    _tamper("UPDATE audit_auditlog SET object_repr = 'nothing to see' WHERE id = %s", [rows[1].pk])
    broken = AuditLog.verify()
    assert broken.row_id == rows[1].pk and "内容" in broken.reason


@pytest.mark.django_db
def test_a_row_inserted_behind_the_applications_back_breaks_the_chain():
    _rows(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditlog (at, actor_label, action, object_type, object_id, object_repr,"
            " changes, request_id, prev_hash, row_hash)"
            " VALUES (%s, 'x', 'login', 'x', '', '', '{}', '', '', '')",
            ["2026-01-01T00:00:00Z" if connection.vendor == "sqlite" else "2026-01-01 00:00:00+00"],
        )
    broken = AuditLog.verify()
    assert broken is not None and "没有链接哈希" in broken.reason


@pytest.mark.django_db
def test_verify_reports_a_dropped_trigger():
    _rows(1)
    assert append_only.problems(TABLE) == []
    assert TABLE in append_only.protected_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {TABLE}_no_delete")
        else:
            cursor.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
    with pytest.raises(CommandError, match="缺失"):
        _verify()


@pytest.mark.django_db
def test_verify_reports_a_disabled_or_replaced_trigger():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {TABLE}_no_delete")
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} WHEN 0 BEGIN SELECT 1; END"
            )
            expected = "被改动"
        else:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only")
            expected = "被停用"
    assert any(expected in problem for problem in append_only.problems(TABLE))


@pytest.mark.django_db
def test_existing_rows_are_chained_in_order_by_the_backfill():
    rows = _rows(3)
    _tamper("UPDATE audit_auditlog SET prev_hash = '', row_hash = ''", [])
    assert AuditLog.verify() is not None
    append_only.remove_triggers(connection, TABLE)
    chain.backfill(AuditLog, AuditLog.CHAIN_FIELDS)
    append_only.install_triggers(connection, TABLE)
    assert AuditLog.verify() is None
    assert AuditLog.objects.get(pk=rows[2].pk).prev_hash == AuditLog.objects.get(pk=rows[1].pk).row_hash


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_djangos_flush_may_empty_the_table():
    _rows(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all().delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE} CASCADE")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditLog.objects.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_inserts_chain_into_one_line_on_postgresql():
    from django.db import connections

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record(AuditAction.EXPORT, object_type="test.thread", object_id=f"{n}-{i}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AuditLog.objects.filter(object_type="test.thread").count() == 40
    assert AuditLog.verify() is None
