"""The gateway's settings: a cloud backend without its credentials stops start-up with a clear message;
secrets may come from files (``_FILE``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT = "from django.conf import settings; print(settings.SMS_BACKEND, settings.SMS_TENCENT_SECRET_KEY)"


def _start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("YIZHAN_SMS_")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "yizhan.test_settings", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_cloud_backend_without_credentials_does_not_start():
    result = _start(YIZHAN_SMS_BACKEND="tencent", YIZHAN_SMS_TENCENT_SECRET_ID="AKID")
    assert result.returncode != 0
    assert (
        "YIZHAN_SMS_BACKEND=tencent needs YIZHAN_SMS_TENCENT_SECRET_KEY, YIZHAN_SMS_TENCENT_SDK_APP_ID"
        in (result.stderr)
    )


def test_the_secret_may_come_from_a_file(tmp_path):
    secret = tmp_path / "tencent-secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    result = _start(
        YIZHAN_SMS_BACKEND="tencent",
        YIZHAN_SMS_TENCENT_SECRET_ID="AKID",
        YIZHAN_SMS_TENCENT_SECRET_KEY_FILE=str(secret),
        YIZHAN_SMS_TENCENT_SDK_APP_ID="1400006666",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["tencent", "from-a-file"]


def test_an_unknown_backend_or_a_bad_address_does_not_start():
    assert "YIZHAN_SMS_BACKEND must be one of" in _start(YIZHAN_SMS_BACKEND="sms-cat").stderr
    bad = _start(YIZHAN_SMS_BACKEND="http", YIZHAN_SMS_HTTP_URL="ftp://x", YIZHAN_SMS_HTTP_TOKEN="t")
    assert "must be an http(s) address" in bad.stderr
