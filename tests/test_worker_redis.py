"""The worker on the Redis backend, against the real Redis on this machine: the periodic jobs every app
declares are enqueued and run (issue: with RQ's own job class every task failed with
"'Task' object is not callable")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parent.parent


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_the_worker_runs_the_periodic_jobs_on_redis(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yizhan.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "YIZHAN_TASKS_BACKEND": "redis",
        "YIZHAN_REDIS_URL": REDIS_URL,
    }
    yizhan = [sys.executable, "-c", "from yizhan.cli import main; main()"]
    subprocess.run([*yizhan, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    run = subprocess.run(
        [*yizhan, "worker", "--once"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    statuses = dict(line.split() for line in run.stdout.splitlines() if line.count(" ") == 1)
    assert "yizhan.matters.tasks.sweep_deadlines_task" in statuses, run.stdout
    assert set(statuses.values()) == {"SUCCESSFUL"}, (run.stdout, run.stderr[-2000:])
