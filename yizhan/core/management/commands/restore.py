"""``yizhan restore ARCHIVE``: put a backup into an empty database and check it (core/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yizhan.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "把备份恢复到一个空数据库，并逐表核对记录数和首末记录"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="yizhan backup 生成的 .tar.gz 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(Path(options["archive"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result["mismatches"]:
            raise CommandError("恢复后核对不一致的表：" + "，".join(result["mismatches"]))
        self.stdout.write(
            f"restored tables {result['tables']} rows {result['rows']} (backup of {result['created_at']})"
        )
