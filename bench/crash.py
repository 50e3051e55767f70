"""Crash safety: ``kill -9`` the server during a burst of idempotent creates that the client retries.

    .venv/bin/python bench/crash.py                      # SQLite and, if it answers, PostgreSQL
    .venv/bin/python bench/crash.py --db sqlite -n 400 --kills 5

For each database, in a fresh schema with the small demo district, gunicorn (3 workers) serves the
API on a loopback port. Eight client threads create ``n`` matters, each with its own
``Idempotency-Key`` and title, and retry every request that fails (connection reset, refused, 5xx)
with the same key and body until it is answered 201 (created) or 200 (the stored answer replayed).
Meanwhile the server's whole process group is killed with SIGKILL ``kills`` times, at random moments,
and started again. Then the database is read:

- **lost**: acknowledged creates whose matter is not in the database, plus creates never acknowledged;
- **duplicated**: titles present more than once (a retry that created a second matter);
- **mismatched**: acknowledged matter numbers that differ between the first answer and a replay.

All three must be 0. Prints one line per figure and writes ``bench/results/crash.json``. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "yizhan_crash"
PREFIX = "崩溃演练"

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from yizhan.accounts.models import ApiToken
from yizhan.demo.district import build_district
district = build_district(small=True, password="Bench-pass-2026")
print(ApiToken.issue(district.users["clerk"], "crash")[1])
"""

COUNT = """
import django, json
django.setup()
from collections import Counter
from yizhan.matters.models import Matter
rows = list(Matter.objects.filter(title__startswith="{prefix}").values_list("title", "number"))
print(json.dumps(rows, ensure_ascii=False))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(db: str) -> dict[str, str]:
    env = os.environ.copy()
    tmp = tempfile.mkdtemp(prefix=f"yizhan-crash-{db}-")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "yizhan.settings",
            "YIZHAN_DATA_DIR": tmp,
            "YIZHAN_ENV_FILE": "/nonexistent",
            "YIZHAN_TASKS_BACKEND": "database",
            "YIZHAN_PUBLIC_RATE_PER_SECOND": "100000",
            "YIZHAN_LOG_LEVEL": "WARNING",
        }
    )
    env.setdefault("YIZHAN_SECRET_KEY", "bench-only-secret-key-0123456789abcdef")
    env.setdefault("YIZHAN_PII_KEYS", "u3Y1Nn3Vv7m2i5Q8b0b2cQm0mXwqk0J8m4Yc1c8s5pU=")
    env.setdefault("YIZHAN_BLIND_INDEX_KEY", "bench-only-blind-index-key")
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/crash.sqlite3"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
    return env


def python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1]


class Server:
    """gunicorn in its own process group, so that one SIGKILL takes the master and every worker."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "yizhan.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "3",
                "--log-level",
                "critical",
            ],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def run(db: str, count: int, kills: int, seed: int) -> dict[str, Any]:
    env = environment(db)
    token = python(SETUP, env)
    port = free_port()
    server = Server(env, port)
    server.start()
    rng = random.Random(seed)
    answers: dict[str, list[str]] = {}  # key -> matter numbers answered (first answer and replays)
    unanswered: list[str] = []
    attempts = 0
    lock = threading.Lock()
    stop_at = time.time() + 600

    def create(index: int) -> None:
        nonlocal attempts
        key = uuid.uuid4().hex
        body = json.dumps(
            {
                "channel": "hotline",
                "service_type": "consultation",
                "domain": "labor",
                "title": f"{PREFIX}{index:05d}",
                "requesters": [{"name": "王五", "phone": "13800001111"}],
            }
        ).encode()
        got: list[str] = []
        delay = 0.05
        while len(got) < 2 and time.time() < stop_at:  # the first answer, then one replay to compare
            with lock:
                attempts += 1
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                conn.request(
                    "POST",
                    "/api/v1/matters",
                    body,
                    {
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": key,
                    },
                )
                response = conn.getresponse()
                payload = response.read()
                conn.close()
                if response.status in (200, 201):
                    got.append(json.loads(payload)["number"])
                    continue
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        with lock:
            if got:
                answers[key] = got
            else:
                unanswered.append(key)

    def killer() -> None:
        for _ in range(kills):
            time.sleep(rng.uniform(0.8, 2.0))
            server.kill()
            time.sleep(rng.uniform(0.1, 0.5))
            server.start()

    started = time.perf_counter()
    killing = threading.Thread(target=killer)
    killing.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(count)))
    killing.join()
    wall = time.perf_counter() - started
    server.stop()

    rows = json.loads(python(COUNT.replace("{prefix}", PREFIX), env))
    titles: dict[str, int] = {}
    for title, _number in rows:
        titles[title] = titles.get(title, 0) + 1
    numbers = {number for _title, number in rows}
    acknowledged = {key: got[0] for key, got in answers.items()}
    lost = sum(1 for number in acknowledged.values() if number not in numbers) + len(unanswered)
    duplicated = sum(n - 1 for n in titles.values() if n > 1)
    mismatched = sum(1 for got in answers.values() if len(set(got)) > 1)
    return {
        "database": db,
        "creates": count,
        "kills": kills,
        "acknowledged": len(acknowledged),
        "requests": attempts,
        "matters_in_database": len(rows),
        "lost": lost,
        "duplicated": duplicated,
        "mismatched": mismatched,
        "seconds": round(wall, 1),
    }


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("-n", type=int, default=300, help="matters to create")
    parser.add_argument("--kills", type=int, default=4, help="SIGKILLs of the server during the burst")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        if db == "postgres" and not postgres_available():
            print("postgres skipped: no server at 127.0.0.1:5432")
            continue
        result = run(db, args.n, args.kills, args.seed)
        results.append(result)
        for key, value in result.items():
            if key != "database":
                print(f"crash {db} {key} {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "crash.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
