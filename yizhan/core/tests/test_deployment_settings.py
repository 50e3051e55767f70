"""Settings as a fresh process reads them from the environment: HTTPS, private files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings as test_settings

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import json, django
django.setup()
from django.conf import settings as s
from django.db import connection
connection.ensure_connection()
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS t (x int)")
    cursor.execute("INSERT INTO t VALUES (1)")
print(json.dumps({name: getattr(s, name, None) for name in (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER", "FILE_UPLOAD_PERMISSIONS")}))
"""


def _settings(tmp_path: Path, **env: str) -> dict:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("YIZHAN_", "DATABASE_URL"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="yizhan.settings",
        YIZHAN_DATA_DIR=str(tmp_path / "var"),
        YIZHAN_ENV_FILE=str(tmp_path / "none.env"),
        YIZHAN_SECRET_KEY="x" * 50,
        YIZHAN_PII_KEYS=test_settings.PII_KEYS[0],
        YIZHAN_BLIND_INDEX_KEY="y" * 32,
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=environment, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_turns_on_redirect_hsts_and_secure_cookies(tmp_path):
    values = _settings(tmp_path, YIZHAN_HTTPS="true", YIZHAN_TRUSTED_PROXY_HOPS="1")
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_by_default_plain_http_and_a_private_database_file_and_data_directory(tmp_path):
    values = _settings(tmp_path)
    assert not values["SECURE_SSL_REDIRECT"] and not values["SECURE_HSTS_SECONDS"]
    assert not values["SESSION_COOKIE_SECURE"]
    data = tmp_path / "var"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("yizhan.sqlite3", "yizhan.sqlite3-wal"):
        path = data / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert (data / "yizhan.sqlite3").exists()
    assert values["FILE_UPLOAD_PERMISSIONS"] == 0o600


def test_hsts_and_redirect_answer_as_configured(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    assert client.get("/").status_code == 301
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
