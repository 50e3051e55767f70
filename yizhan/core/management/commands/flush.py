"""Django's ``flush``, allowed to empty the append-only tables (``core.append_only.allow_purge``).

The browser tests empty the database between tests with it; on PostgreSQL it truncates every table.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from yizhan.core.append_only import allow_purge


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with allow_purge(options["database"]):
            super().handle(**options)
