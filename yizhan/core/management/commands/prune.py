"""``yizhan prune``: delete what has outlived its retention now (the worker does it periodically)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yizhan.core.housekeeping import prune_core_tables


class Command(BaseCommand):
    help = "清理超过保存期限的幂等记录、已读通知、已完成的后台任务记录和过期会话"

    def handle(self, *args: Any, **options: Any) -> None:
        for table, count in prune_core_tables().items():
            self.stdout.write(f"{table} {count}")
