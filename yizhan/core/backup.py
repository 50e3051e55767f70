"""Backup and restore of the whole installation: the database and the uploaded files.

A backup is one ``.tar.gz`` archive (mode 0600: it holds personal data, encrypted, and the audit log)
with ``manifest.json`` (format, database engine, time, applied migrations, each table's row count and
a fingerprint of its first and last rows), the database — SQLite through its online backup API
(consistent while the site keeps running), PostgreSQL through ``pg_dump --format=custom`` — and the
media files under ``media/``.

``restore`` puts an archive into an **empty** database (refusing one that holds data) and the media
folder, then checks every table's count and fingerprints against the manifest. The encryption keys are
not in the archive: restore on a machine that has the same ``YIZHAN_PII_KEYS`` and
``YIZHAN_BLIND_INDEX_KEY`` (keep them apart from the backups).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """The backup or restore cannot be done (the message says why, in Chinese)."""


def _tables() -> list[Any]:
    """The concrete models whose tables exist, in a stable order."""
    existing = set(connection.introspection.table_names())
    return sorted(
        (m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in existing),
        key=lambda m: m._meta.db_table,
    )


def _fingerprint(model: Any, pk: Any) -> str:
    row = model._default_manager.filter(pk=pk).values_list(*[f.attname for f in model._meta.concrete_fields])
    return hashlib.sha256(json.dumps(list(row), default=str, ensure_ascii=False).encode()).hexdigest()


def table_summary() -> dict[str, dict[str, Any]]:
    """Every table's row count and the fingerprints of its first and last rows (by primary key)."""
    summary: dict[str, dict[str, Any]] = {}
    for model in _tables():
        manager = model._default_manager
        count = manager.count()
        entry: dict[str, Any] = {"count": count}
        if count:
            first = manager.order_by("pk").values_list("pk", flat=True).first()
            last = manager.order_by("-pk").values_list("pk", flat=True).first()
            entry["first"] = _fingerprint(model, first)
            entry["last"] = _fingerprint(model, last)
        summary[model._meta.db_table] = entry
    return summary


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    executable = shutil.which(command[0])
    if executable is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）。")
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [executable, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[:500]}")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    media_files: int


def create_backup(output_dir: Path) -> BackupResult:
    """Write a backup archive into ``output_dir`` and return where it is."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"yizhan-backup-{stamp}.tar.gz"
    engine = _engine()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        if engine == "sqlite":
            database = work / "db.sqlite3"
            connection.ensure_connection()
            destination = sqlite3.connect(database)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        elif engine == "postgresql":
            database = work / "db.dump"
            args, env = _pg_env()
            name = str(settings.DATABASES["default"]["NAME"])
            _run(["pg_dump", "--format=custom", "--no-owner", *args, "--file", str(database), name], env)
        else:
            raise BackupError(f"不支持备份 {engine} 数据库。")
        summary = table_summary()
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "migrations": sorted(MigrationRecorder.Migration.objects.values_list("app", "name")),
            "tables": summary,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        media_root = Path(settings.MEDIA_ROOT)
        media_files = 0
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(database, arcname=database.name)
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=f"media/{path.relative_to(media_root)}")
                        media_files += 1
    return BackupResult(target, len(summary), sum(t["count"] for t in summary.values()), media_files)


def _database_is_empty() -> bool:
    existing = set(connection.introspection.table_names())
    if "django_migrations" not in existing:
        return not existing
    return all(m._default_manager.count() == 0 for m in _tables() if m._meta.db_table != "django_migrations")


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中有不安全的路径：{member.name}")
        members.append(member)
    return members


def restore_backup(archive_path: Path) -> dict[str, Any]:
    """Restore ``archive_path`` into the configured (empty) database and media folder; returns the
    manifest's summary compared with the restored tables (``mismatches`` empty when all agree)."""
    if not archive_path.is_file():
        raise BackupError(f"找不到备份文件：{archive_path}")
    engine = _engine()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, members=_safe_members(archive), filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("备份文件格式不受支持。")
        if manifest["engine"] != engine:
            raise BackupError(f"该备份来自 {manifest['engine']} 数据库，不能恢复到 {engine} 数据库。")
        if not _database_is_empty():
            raise BackupError("目标数据库中已有数据：请恢复到一个空数据库。")
        if engine == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(work / "db.sqlite3")
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            args, env = _pg_env()
            name = str(settings.DATABASES["default"]["NAME"])
            connection.close()
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--clean",
                    "--if-exists",
                    *args,
                    "--dbname",
                    name,
                    str(work / "db.dump"),
                ],
                env,
            )
        media_source = work / "media"
        if media_source.is_dir():
            media_root = Path(settings.MEDIA_ROOT)
            for path in sorted(media_source.rglob("*")):
                if path.is_file():
                    destination = media_root / path.relative_to(media_source)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, destination)
                    destination.chmod(0o600)
    restored = table_summary()
    mismatches = sorted(
        table for table, expected in manifest["tables"].items() if restored.get(table) != expected
    )
    return {
        "created_at": manifest["created_at"],
        "tables": len(restored),
        "rows": sum(t["count"] for t in restored.values()),
        "mismatches": mismatches,
        "restored_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
    }
