"""Signals of the core layer. The audit app, a layer above, listens: a change made by core code is
recorded in the audit log in the same transaction, although core cannot import the audit app."""

from __future__ import annotations

from django.dispatch import Signal

#: sent by a core service after it changed a record, inside its transaction; arguments:
#: ``action`` (an ``AuditAction`` value: "create", "update", "delete"), ``obj`` (the record),
#: ``actor`` (the user), ``changes`` (a JSON-able dict)
changed = Signal()
