"""``yizhan backup`` and ``yizhan restore``: a backup of a populated installation restored into an
empty database has the same rows (counts and sampled rows per table) and the same uploaded files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from yizhan.core.backup import table_summary
from yizhan.matters.models import Matter, Requester
from yizhan.matters.testing import drive, register

ROOT = Path(__file__).resolve().parent.parent


def yizhan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from yizhan.cli import main; main()", *args]
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def populated(tmp_path, settings):
    from yizhan.demo.district import build_district
    from yizhan.demo.reference import ensure_reference_data

    ensure_reference_data()  # an earlier transactional test may have emptied the tables
    district = build_district(small=True, password="Test-pass-2026")
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "attachments").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "scan.pdf").write_bytes(b"%PDF-1.4 test")
    drive(district, "fed_back")
    register(district.users["clerk"], name="李四", phone="13912345678")
    return district


# committed rows, so that pg_dump (another connection) sees them
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_the_same_rows(populated, tmp_path):
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    archive = Path(out.getvalue().split()[0])
    assert archive.is_file()
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/attachments/scan.pdf" in names

    expected = table_summary()
    restored_media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yizhan.test_settings",
        "YIZHAN_MEDIA_ROOT": str(restored_media),
    }
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{target}"
        run = yizhan("restore", str(archive), env=env)
        assert run.returncode == 0, run.stderr[-3000:]
        with sqlite3.connect(target) as restored:
            assert (
                restored.execute("select count(*) from matters_matter").fetchone()[0]
                == Matter.objects.count()
            )
            phones = {row[0] for row in restored.execute("select phone_encrypted from matters_requester")}
        assert phones == set(Requester.objects.values_list("phone_encrypted", flat=True))
    else:
        import psycopg

        db = settings.DATABASES["default"]
        name = f"yizhan_restore_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
        )
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            env["DATABASE_URL"] = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
            run = yizhan("restore", str(archive), env=env)
            assert run.returncode == 0, run.stderr[-3000:]
            with psycopg.connect(env["DATABASE_URL"]) as restored:
                count = restored.execute("select count(*) from matters_matter").fetchone()
                assert count is not None and count[0] == Matter.objects.count()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    assert f"rows {sum(t['count'] for t in expected.values())}" in run.stdout
    assert (restored_media / "attachments" / "scan.pdf").read_bytes() == b"%PDF-1.4 test"


def test_restore_refuses_a_database_that_holds_data(district, tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps({"format": 1, "engine": connection.vendor, "created_at": "", "tables": {}})
    )
    archive = tmp_path / "backup.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
    with pytest.raises(CommandError, match="已有数据"):
        call_command("restore", str(archive))
    assert type(district.users["clerk"]).objects.filter(pk=district.users["clerk"].pk).exists()  # untouched


def test_restore_refuses_an_archive_that_is_not_there(db, tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "none.tar.gz"))
