"""Scoped reads of the ledgers, for the pages, the exports, the API and other modules.

``ledger_rows(user, key, filters)`` is the one entry point to the rows (``my_exports``,
``access_export`` and ``describe_export`` read a user's background exports). It checks the right to
read ledgers, validates the filters (``filters.clean_filters``), narrows the ledger's rows (declared in
``catalogue``, always from ``visible_matters(user)``, so jurisdiction applies) and returns a
``LedgerResult``: the columns, the total and a lazy row iterator that reads the needed fields with
``values_list`` in chunks (a handful of queries per 1,000 rows, whatever the size of the ledger), so
100,000-row exports stream.

Personal data appears only as stored masks (``Requester.phone_mask``, ``address_mask``); nothing
here ever decrypts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Expression, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.ledgers.catalogue import LEDGERS, REQUESTER_FIELDS, Ledger, get_ledger
from yizhan.ledgers.columns import Column, Record, Row
from yizhan.ledgers.filters import LedgerFilters, clean_filters
from yizhan.ledgers.models import LedgerExport
from yizhan.matters.models import PartyRole, Requester, RequesterGroup, SpecialGroup

#: rows read per query (and per prefetch of the requesters) when iterating a ledger
CHUNK_SIZE = 1000


def ledger_rows(user: User, key: str, filters: Mapping[str, Any] | None = None) -> LedgerResult:
    """The rows of ledger ``key`` that ``user`` may see, narrowed by ``filters``.

    ``filters`` takes query-string style values (a ``QueryDict`` works): ``date_from``/``date_to``
    (``YYYY-MM-DD``, on the ledger's date: registration, transfer or appointment), ``org`` (a unit
    id within the user's scope: rows received or handled there or below; for transfer ledgers, sent
    or received), ``channel``, ``domain``, ``service_type`` (codes), ``state`` (matter state) and, for
    the transfer ledgers, ``status`` (transfer status). Keys a ledger does not take are ignored.

    Raises ``NotFound`` for an unknown ledger, ``Forbidden`` without ``ledgers.view_ledgers`` and
    ``InvalidInput`` (``fields``: a Chinese message per bad filter) for bad filters. Rows are ordered
    by the ledger's date, oldest first, like a paper ledger.
    """
    ledger = get_ledger(key)
    if not user.has_perm(roles.VIEW_LEDGERS):
        raise Forbidden(_("您的账号没有查看台帐的权限。"))
    cleaned = clean_filters(user, ledger, filters)
    qs = _filtered(ledger, ledger.rows(user), cleaned).order_by(ledger.date_field, "pk")
    return LedgerResult(ledger=ledger, filters=cleaned, queryset=qs)


@dataclass
class LedgerResult:
    """What ``ledger_rows`` returns.

    - ``ledger``, ``filters``: the ledger definition and the validated filters;
    - ``columns``: the ledger's columns (``key``, ``header``, ``width``, ``kind``);
    - ``total``: the number of rows (one COUNT query, computed on first use);
    - ``rows(offset=0, limit=None)``: a lazy iterator of rows, each a tuple of cell values in column
      order — ``str``, ``int``, ``datetime.date``, an aware local ``datetime.datetime`` or ``None``;
    - ``iter(result)`` is ``result.rows()``.
    """

    ledger: Ledger
    filters: LedgerFilters
    queryset: QuerySet[Any] = field(repr=False)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.ledger.columns

    @cached_property
    def total(self) -> int:
        return self.queryset.count()

    def __iter__(self) -> Iterator[Row]:
        return self.rows()

    def rows(
        self, offset: int = 0, limit: int | None = None, *, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[Row]:
        """Rows ``offset+1 …`` (at most ``limit``), numbered with their position in the ledger."""
        needs = {name for column in self.columns for name in column.needs}
        names = ["matter_id", *sorted(needs - REQUESTER_FIELDS - {"matter_id"})]
        fields = self.ledger.fields
        annotations: dict[str, Expression | Subquery] = {}
        selected: list[str] = []
        for name in names:
            path = fields[name]
            if callable(path):
                annotations[f"ledger_{name}"] = path()
                selected.append(f"ledger_{name}")
            else:
                selected.append(path)
        qs = self.queryset.annotate(**annotations) if annotations else self.queryset
        stop = None if limit is None else offset + limit
        values = qs.values_list(*selected)[offset:stop]
        wants_people = bool(needs & REQUESTER_FIELDS)
        seq = offset
        chunk: list[Record] = []

        def flush() -> Iterator[Row]:
            if wants_people:
                _add_requesters(chunk)
            for record in chunk:
                yield tuple(column.value(record) for column in self.columns)
            chunk.clear()

        for item in values.iterator(chunk_size=chunk_size):
            seq += 1
            record = dict(zip(names, item, strict=True))
            record["_seq"] = seq
            chunk.append(record)
            if len(chunk) >= chunk_size:
                yield from flush()
        yield from flush()


# --- exports made in the background ("我的导出") ------------------------------------------------------


def my_exports(user: User) -> QuerySet[LedgerExport]:
    """The background exports ``user`` asked for, newest first. Nobody sees another person's exports,
    not even a superior: the file holds the requester's own view of the ledgers.

    Raises ``Forbidden`` without ``ledgers.export_ledgers``.
    """
    if not user.has_perm(roles.EXPORT_LEDGERS):
        raise Forbidden(_("您的账号没有导出台帐的权限。"))
    return LedgerExport.objects.filter(exported_by=user, background=True).order_by("-exported_at", "-pk")


def access_export(user: User, export_id: int) -> LedgerExport:
    """One of ``user``'s background exports; ``NotFound`` for a missing one and, alike, for anybody
    else's (no existence leak); ``Forbidden`` without ``ledgers.export_ledgers``."""
    export = my_exports(user).filter(pk=export_id).first()
    if export is None:
        raise NotFound(_("导出记录不存在或已过期。"))
    return export


def describe_export(user: User, export: LedgerExport) -> str:
    """The filters of an export in words, as its file's heading says them (「登记日期：… ；渠道：热线」);
    filters that no longer validate (a unit since moved out of scope) are listed as recorded."""
    ledger = get_ledger(export.ledger)
    try:
        return clean_filters(user, ledger, export.filters).describe(ledger)
    except InvalidInput:
        return "；".join(f"{name}={value}" for name, value in sorted(export.filters.items()))


def _filtered(ledger: Ledger, qs: QuerySet[Any], filters: LedgerFilters) -> QuerySet[Any]:
    """The rows that pass ``filters``: dates are whole local days of the ledger's date, a unit
    stands for itself and every unit below it."""
    prefix = "" if ledger.source == "matter" else "matter__"
    if filters.date_from:
        qs = qs.filter(**{f"{ledger.date_field}__gte": _local_midnight(filters.date_from)})
    if filters.date_to:
        end = _local_midnight(filters.date_to + datetime.timedelta(days=1))
        qs = qs.filter(**{f"{ledger.date_field}__lt": end})
    if filters.org is not None:
        path = filters.org.path
        if ledger.source == "matter":
            qs = qs.filter(Q(receiving_org__path__startswith=path) | Q(current_org__path__startswith=path))
        else:
            qs = qs.filter(Q(from_org__path__startswith=path) | Q(to_org__path__startswith=path))
    if filters.channel:
        qs = qs.filter(**{f"{prefix}channel": filters.channel})
    if filters.domain:
        qs = qs.filter(**{f"{prefix}domain__code": filters.domain})
    if filters.service_type:
        # a transfer ledger filters on the type of the hand-off, the others on the matter's type
        qs = qs.filter(service_type__code=filters.service_type)
    if filters.state:
        qs = qs.filter(**{f"{prefix}state": filters.state})
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _add_requesters(records: list[Record]) -> None:
    """Fill the requester fields of a chunk of records with two queries (masks only)."""
    matter_ids = {record["matter_id"] for record in records}
    people: dict[int, list[tuple[Any, ...]]] = {}
    for row in (
        Requester.objects.filter(matter_id__in=matter_ids)
        .order_by("matter_id", "-is_primary", "id")
        .values_list(
            "matter_id", "id", "role", "is_primary", "name", "gender", "age", "phone_mask", "address_mask"
        )
    ):
        people.setdefault(row[0], []).append(row)
    primary_of: dict[int, tuple[Any, ...]] = {}
    for matter_id, rows in people.items():
        primary_of[matter_id] = next((r for r in rows if r[3]), rows[0])
    group_labels = dict(SpecialGroup.choices)
    groups: dict[int, list[str]] = {}
    for requester_id, code in (
        RequesterGroup.objects.filter(requester_id__in=[row[1] for row in primary_of.values()])
        .order_by("id")
        .values_list("requester_id", "group")
    ):
        groups.setdefault(requester_id, []).append(str(group_labels.get(code, code)))
    for record in records:
        rows = people.get(record["matter_id"], [])
        primary = primary_of.get(record["matter_id"])
        if primary is None:
            record.update(requester_name="", requester_gender="", requester_age=None, phone="", address="")
            record.update(groups=[], other_parties=[])
            continue
        others = [r for r in rows if r is not primary and r[2] == PartyRole.REQUESTER]
        name = primary[4]
        if others:
            name = _("%(name)s等%(count)d人") % {"name": name, "count": len(others) + 1}
        record.update(
            requester_name=name,
            requester_gender=primary[5],
            requester_age=primary[6],
            phone=primary[7],
            address=primary[8],
            groups=groups.get(primary[1], []),
            other_parties=[r[4] for r in rows if r[2] == PartyRole.OTHER_PARTY],
        )


__all__ = ["LEDGERS", "LedgerResult", "ledger_rows"]
