"""Database triggers that make tables append-only, for SQLite and PostgreSQL, and a check that they
are still in place (``yizhan audit verify``).

The models refuse updates and deletes too, but a trigger also stops raw SQL, bulk ``update()`` and
``delete()``. Both databases refuse UPDATE and DELETE of a row; PostgreSQL also refuses TRUNCATE.
Only Django's ``flush`` (the test suite's browser tests empty the database with it) may empty the
tables: it runs inside ``allow_purge()``, which on SQLite is a function the trigger asks (registered
on this application's connections only: any other SQLite client has no such function, so its DELETE
fails too) and on PostgreSQL a setting of the session.

A migration installs the triggers with ``install(table)``; the function it returns is marked with the
table, so ``protected_tables()`` finds every protected table from the applied migrations and
``problems()`` reports a trigger that was dropped, disabled or replaced.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

PURGE_FUNCTION = "yizhan_purge_allowed"
PURGE_SETTING = "yizhan.allow_purge"
_purge_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("yizhan_purge_allowed", default=False)


def _sqlite_triggers(table: str) -> dict[str, str]:
    return {
        f"{table}_no_update": (
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        ),
        f"{table}_no_delete": (
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN NOT {PURGE_FUNCTION}() "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        ),
    }


def _pg_functions(table: str) -> dict[str, str]:
    return {
        f"{table}_append_only": f"BEGIN RAISE EXCEPTION '{table} is append-only'; END;",
        f"{table}_no_truncate": (
            f"BEGIN IF current_setting('{PURGE_SETTING}', true) IS DISTINCT FROM 'on' THEN "
            f"RAISE EXCEPTION '{table} is append-only'; END IF; RETURN NULL; END;"
        ),
    }


def _pg_triggers(table: str) -> dict[str, str]:
    return {
        f"{table}_append_only": "BEFORE DELETE OR UPDATE ON {qualified} FOR EACH ROW",
        f"{table}_no_truncate": "BEFORE TRUNCATE ON {qualified} FOR EACH STATEMENT",
    }


def install(table: str) -> Any:
    """``(forwards, backwards)`` for ``migrations.RunPython``: (re)create the triggers of ``table``."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        install_triggers(schema_editor.connection, table)

    def backwards(apps: Any, schema_editor: Any) -> None:
        remove_triggers(schema_editor.connection, table)

    forwards.append_only_table = table  # type: ignore[attr-defined]
    return forwards, backwards


def install_triggers(connection: BaseDatabaseWrapper, table: str) -> None:
    remove_triggers(connection, table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in _sqlite_triggers(table).values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for name, body in _pg_functions(table).items():
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ {body} $$ LANGUAGE plpgsql"
                )
            for name, definition in _pg_triggers(table).items():
                cursor.execute(
                    f"CREATE TRIGGER {name} {definition.format(qualified=table)} EXECUTE FUNCTION {name}()"
                )


def remove_triggers(connection: BaseDatabaseWrapper, table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _sqlite_triggers(table):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name in _pg_triggers(table):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def register_purge_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: give SQLite the function the DELETE trigger asks."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(PURGE_FUNCTION, 0, lambda: int(_purge_allowed.get()))


@contextmanager
def allow_purge(using: str = "default") -> Iterator[None]:
    """Let this thread empty the append-only tables (Django's ``flush`` only)."""
    connection = connections[using]
    token = _purge_allowed.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET {PURGE_SETTING} = 'on'")
        yield
    finally:
        _purge_allowed.reset(token)
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"RESET {PURGE_SETTING}")


def protected_tables(using: str = "default") -> list[str]:
    """Every table an applied migration made append-only (via ``install``)."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    tables: list[str] = []
    for key in loader.applied_migrations or {}:
        migration = loader.disk_migrations.get(key)
        for operation in getattr(migration, "operations", ()):
            table = getattr(getattr(operation, "code", None), "append_only_table", None)
            if isinstance(operation, RunPython) and table and table not in tables:
                tables.append(table)
    return tables


def _normalise(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip()


def problems(table: str, using: str = "default") -> list[str]:
    """What is wrong with the triggers of ``table`` (empty when all are in place and unchanged)."""
    connection = connections[using]
    found: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            present = {name: _normalise(sql) for name, sql in cursor.fetchall()}
            for name, sql in _sqlite_triggers(table).items():
                if name not in present:
                    found.append(f"{table}: 触发器 {name} 缺失")
                elif present[name] != _normalise(sql):
                    found.append(f"{table}: 触发器 {name} 被改动")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), p.prosrc "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE c.relname = %s AND NOT t.tgisinternal",
                [table],
            )
            present_pg = {row[0]: row[1:] for row in cursor.fetchall()}
            bodies = _pg_functions(table)
            for name, definition in _pg_triggers(table).items():
                if name not in present_pg:
                    found.append(f"{table}: 触发器 {name} 缺失")
                    continue
                enabled, triggerdef, source = present_pg[name]
                wanted = definition.split(" ON ")[0]
                if enabled not in ("O", "A"):
                    found.append(f"{table}: 触发器 {name} 被停用")
                elif wanted not in triggerdef or f"EXECUTE FUNCTION {name}()" not in triggerdef:
                    found.append(f"{table}: 触发器 {name} 被改动")
                elif _normalise(source) != _normalise(bodies[name]):
                    found.append(f"{table}: 触发器函数 {name}() 被改动")
    return found
