"""Hash chains over append-only tables: each row stores the SHA-256 of its canonical content and of its
predecessor's hash, so a row deleted, changed or inserted out of band breaks the chain at that point.

A model joins by subclassing ``ChainedModel`` and declaring ``CHAIN_FIELDS`` (the content that is
hashed, frozen: a field added later is left out, or the old rows would no longer verify). Rows are
chained on insert under one lock shared by every chain — on PostgreSQL a transaction-level advisory
lock, on SQLite the write lock that the IMMEDIATE transaction mode takes at ``BEGIN`` — so concurrent
inserts never fork the chain, and two chains written in one transaction can never deadlock. The
lock is held until the inserting transaction commits.

``verify(model)`` walks the rows in id order and returns the first broken link.
``backfill(model)`` chains the rows of an existing table (migrations; triggers must be off).

The chain detects changes, not their absence at the end: removing the newest rows (with the
triggers dropped) leaves a shorter valid chain. ``head(model)`` gives the count and the last hash to
record somewhere else (``yizhan audit verify`` prints them) so that a later check can compare.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from django.db import connections, models, router, transaction

GENESIS = "0" * 64
#: one advisory-lock key for every chain (so no two chains can deadlock): "yzchain" as an integer
LOCK_KEY = 0x797A636861696E


def _canonical_value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if internal in ("DateField", "TimeField", "DecimalField", "UUIDField", "GenericIPAddressField"):
        return str(value)
    if internal == "JSONField":
        # as stored: what the database gives back after a round trip through JSON
        return json.loads(json.dumps(value, cls=field.encoder))  # type: ignore[attr-defined]
    return value


def canonical(fields: Iterable[models.Field[Any, Any]], obj: Any, prev_hash: str) -> bytes:
    content = {field.attname: _canonical_value(field, getattr(obj, field.attname)) for field in fields}
    document = {"v": 1, "prev": prev_hash, "row": content}
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(fields: Iterable[models.Field[Any, Any]], obj: Any, prev_hash: str) -> str:
    return hashlib.sha256(canonical(fields, obj, prev_hash)).hexdigest()


def _fields(model: type[models.Model], names: Iterable[str]) -> list[models.Field[Any, Any]]:
    return [model._meta.get_field(name) for name in names]  # type: ignore[misc]


def lock(using: str) -> None:
    """Take the chain lock for the current transaction (call inside ``transaction.atomic``)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    # SQLite: the IMMEDIATE transaction mode (settings) took the database's write lock at BEGIN.


def _last_hash(model: type[models.Model], using: str) -> str:
    last = model._default_manager.using(using).order_by("-pk").values_list("row_hash", flat=True).first()
    return last or GENESIS


class ChainedQuerySet(models.QuerySet[Any]):
    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        if not objs:
            return objs
        using = self.db
        with transaction.atomic(using=using):
            lock(using)
            prev = _last_hash(self.model, using)
            for obj in objs:
                prev = obj._seal(prev)
            return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyError(Exception):
    pass


class ChainedModel(models.Model):
    """An append-only row in a hash chain (see the module's documentation)."""

    prev_hash = models.CharField(max_length=64, editable=False, blank=True)
    row_hash = models.CharField(max_length=64, editable=False, blank=True)

    #: the fields whose values are hashed; fixed once rows exist
    CHAIN_FIELDS: ClassVar[tuple[str, ...]] = ()

    objects = ChainedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows cannot be changed")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            lock(using)
            self._seal(_last_hash(type(self), using))
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} rows cannot be deleted")

    @classmethod
    def chain_fields(cls) -> list[models.Field[Any, Any]]:
        return _fields(cls, cls.CHAIN_FIELDS)

    def _seal(self, prev_hash: str) -> str:
        """Normalise the values to what the database will store, then hash them after ``prev_hash``."""
        for field in self.chain_fields():
            value = getattr(self, field.attname)
            if value is not None and field.get_internal_type() == "GenericIPAddressField":
                setattr(self, field.attname, field.get_prep_value(value))
        self.prev_hash = prev_hash
        self.row_hash = row_hash(self.chain_fields(), self, prev_hash)
        return self.row_hash

    @classmethod
    def verify(cls, using: str = "default") -> Break | None:
        return verify(cls, cls.CHAIN_FIELDS, using=using)

    @classmethod
    def head(cls, using: str = "default") -> Head:
        return head(cls, using=using)

    @classmethod
    def chained_models(cls) -> list[type[Self]]:
        from django.apps import apps

        return [model for model in apps.get_models() if issubclass(model, cls)]


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain: the row's id and what is wrong with it."""

    table: str
    row_id: Any
    reason: str

    def __str__(self) -> str:
        return f"{self.table} #{self.row_id}: {self.reason}"


@dataclass(frozen=True)
class Head:
    table: str
    count: int
    last_id: Any
    last_hash: str


def _rows(model: type[models.Model], names: Iterable[str], using: str) -> Iterator[Any]:
    return (
        model._default_manager.using(using)
        .order_by("pk")
        .only("pk", "prev_hash", "row_hash", *names)
        .iterator(chunk_size=2000)
    )


def verify(model: type[models.Model], names: Iterable[str], using: str = "default") -> Break | None:
    """The first broken link, or ``None`` when every row links to its predecessor and matches its hash."""
    names = tuple(names)
    fields = _fields(model, names)
    table = model._meta.db_table
    prev = GENESIS
    for row in _rows(model, names, using):
        if row.prev_hash != prev:
            if not row.prev_hash:
                return Break(table, row.pk, "没有链接哈希（未经应用写入）")
            return Break(table, row.pk, "前一条记录的哈希不符（前面的记录被删除、插入或改动）")
        if row.row_hash != row_hash(fields, row, row.prev_hash):
            return Break(table, row.pk, "内容与哈希不符（记录被改动）")
        prev = row.row_hash
    return None


def head(model: type[models.Model], using: str = "default") -> Head:
    manager = model._default_manager.using(using)
    last = manager.order_by("-pk").values_list("pk", "row_hash").first()
    return Head(
        model._meta.db_table,
        manager.count(),
        last[0] if last else None,
        last[1] if last else GENESIS,
    )


def backfill(model: type[models.Model], names: Iterable[str], using: str = "default") -> int:
    """Chain every row of ``model`` in id order (for a migration: pass the historical model and the
    model's ``CHAIN_FIELDS`` as they are at that migration; the append-only triggers must be off)."""
    names = tuple(names)
    fields = _fields(model, names)
    prev = GENESIS
    count = 0
    batch: list[Any] = []
    for row in _rows(model, names, using):
        row.prev_hash = prev
        row.row_hash = prev = row_hash(fields, row, prev)
        batch.append(row)
        count += 1
        if len(batch) >= 2000:
            models.QuerySet(model, using=using).bulk_update(batch, ["prev_hash", "row_hash"])
            batch = []
    if batch:
        models.QuerySet(model, using=using).bulk_update(batch, ["prev_hash", "row_hash"])
    return count
