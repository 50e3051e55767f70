"""``yizhan backup [--output DIR]``: the database and the uploaded files in one archive (core/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yizhan.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库和上传的附件（一个 .tar.gz 文件，权限 0600）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", default=str(Path(settings.DATA_DIR) / "backups"), help="备份文件存放目录"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(Path(options["output"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.path} tables {result.tables} rows {result.rows} media_files {result.media_files}"
        )
