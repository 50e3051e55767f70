"""Intake benchmark: matters created through the real API path versus raw INSERTs of the same rows.

    .venv/bin/python bench/intake.py                 # SQLite and, if it answers, PostgreSQL
    .venv/bin/python bench/intake.py --db sqlite -n 3000 --rate 100 --seconds 20

For each database, in a fresh schema with the small demo district:

1. API in-process: N ``POST /api/v1/matters`` through Django's full request path (URL routing, token
   auth, validation, the registration service with encryption, event log, audit row and idempotency
   record) one after another; throughput and p50/p99 latency.
2. Raw INSERT: the very rows one API call wrote (matter, requesters, special-group rows, event, audit,
   idempotency record), inserted again N times with plain SQL, one transaction per matter as the API
   commits; throughput. The ratio API / raw is the headline figure (SPEC §12: ≥ 30 %).
3. HTTP at a fixed rate: gunicorn (2 workers) on a loopback port, an open-loop client sending R
   requests a second for S seconds; p50/p99 latency and the achieved rate (SPEC §12: p99 < 50 ms at
   100 requests/s).

Prints one line per figure and writes ``bench/results/intake.json``. Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "yizhan_bench"

BODY = {
    "channel": "hotline",
    "service_type": "consultation",
    "domain": "labor",
    "title": "拖欠工资咨询",
    "facts": "在某建筑工地务工三个月，老板拖欠工资一万二千元，多次讨要未果。",
    "requesters": [
        {
            "name": "王五",
            "phone": "13800001111",
            "id_number": "110101199003074258",
            "address": "甘肃省兰州市西固区福利西路100号",
            "groups": ["migrant_worker"],
        }
    ],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- the worker: runs inside one database configuration ----------------------------------------------


def worker(db: str, count: int, rate: int, seconds: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "yizhan.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from yizhan.accounts.models import ApiToken
    from yizhan.demo.district import build_district

    call_command("migrate", verbosity=0)
    district = build_district(small=True, password="Bench-pass-2026")
    _, token = ApiToken.issue(district.users["clerk"], "bench")
    client = Client()
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(body: dict) -> float:
        started = time.perf_counter()
        response = client.post(
            "/api/v1/matters",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            **headers,
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            raise RuntimeError(f"API answered {response.status_code}: {response.content[:300]!r}")
        return elapsed

    for _ in range(20):  # warm-up: imports, caches, connection
        post(BODY)

    # 1. the API path, in process
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        latencies.append(post(BODY))
    api_seconds = time.perf_counter() - started

    # 2. raw INSERTs of the rows one API call wrote
    from yizhan.audit.models import AuditLog
    from yizhan.core.models import IdempotencyRecord
    from yizhan.matters.models import Matter, MatterEvent, Requester, RequesterGroup

    template = Matter.objects.order_by("-pk").first()
    if template is None:
        raise SystemExit("no matter was created to copy")
    tables: list[tuple[Any, dict[str, Any]]] = [
        (Matter, {"pk": template.pk}),
        (Requester, {"matter_id": template.pk}),
        (RequesterGroup, {"matter_id": template.pk}),
        (MatterEvent, {"matter_id": template.pk}),
        (AuditLog, {"object_type": "matters.matter", "object_id": str(template.pk)}),
        (
            IdempotencyRecord,
            {"pk": IdempotencyRecord.objects.order_by("-pk").values_list("pk", flat=True)[0]},
        ),
    ]
    rows = []
    for model, where in tables:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = [f.column for f in fields]
        values = [
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
            for row in model._default_manager.filter(**where).values_list(*[f.attname for f in fields])
        ]
        rows.append((model._meta.db_table, columns, values))
    quote = connection.ops.quote_name
    placeholder = "%s"

    def insert_all(i: int) -> None:
        new_ids: dict[str, int] = {}  # table -> id of the row just inserted (for foreign keys)
        with connection.cursor() as cursor:
            for table, columns, values in rows:
                for value in values:
                    value = list(value)
                    if table == Matter._meta.db_table:
                        value[columns.index("number")] = f"RAW{i:012d}"
                        value[columns.index("query_code")] = f"{i:012d}"
                    if "matter_id" in columns and Matter._meta.db_table in new_ids:
                        value[columns.index("matter_id")] = new_ids[Matter._meta.db_table]
                    if "requester_id" in columns and Requester._meta.db_table in new_ids:
                        value[columns.index("requester_id")] = new_ids[Requester._meta.db_table]
                    if table == IdempotencyRecord._meta.db_table:
                        value[columns.index("key")] = f"raw-{i}"
                    sql = (
                        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                        f"VALUES ({', '.join([placeholder] * len(columns))})"
                    )
                    if table in (Matter._meta.db_table, Requester._meta.db_table):
                        if connection.vendor == "postgresql":
                            cursor.execute(sql + " RETURNING id", value)
                            new_ids[table] = cursor.fetchone()[0]
                        else:
                            cursor.execute(sql, value)
                            new_ids[table] = cursor.lastrowid
                    else:
                        cursor.execute(sql, value)

    raw_latencies = []
    started = time.perf_counter()
    for i in range(count):
        begun = time.perf_counter()
        with transaction.atomic():
            insert_all(i)
        raw_latencies.append(time.perf_counter() - begun)
    raw_seconds = time.perf_counter() - started

    result: dict[str, Any] = {
        "database": db,
        "matters": count,
        "api_inprocess_matters_per_s": count / api_seconds,
        "api_inprocess_p50_ms": percentile(latencies, 50) * 1000,
        "api_inprocess_p99_ms": percentile(latencies, 99) * 1000,
        "raw_insert_matters_per_s": count / raw_seconds,
        "raw_insert_p50_ms": percentile(raw_latencies, 50) * 1000,
        "raw_insert_p99_ms": percentile(raw_latencies, 99) * 1000,
    }
    result["api_to_raw_ratio"] = result["api_inprocess_matters_per_s"] / result["raw_insert_matters_per_s"]
    connection.close()
    result.update(http_run(token, rate, seconds))
    return result


# --- HTTP at a fixed request rate through gunicorn --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_run(token: str, rate: int, seconds: int) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "yizhan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("BENCH_GUNICORN_WORKERS", "3"),
            "--log-level",
            "warning",
        ],
        env=os.environ.copy(),
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        body = json.dumps(BODY).encode()
        local = threading.local()
        latencies: list[float] = []
        error_kinds: list[str] = []
        errors = 0
        lock = threading.Lock()

        def one() -> None:
            nonlocal errors
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            started = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/api/v1/matters",
                    body,
                    {
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": uuid.uuid4().hex,
                    },
                )
                response = conn.getresponse()
                response.read()
                ok = response.status == 201
            except (OSError, http.client.HTTPException) as exc:
                local.conn = None
                ok = False
                error_kinds.append(type(exc).__name__)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

        for _ in range(20):  # warm both workers
            one()
        latencies.clear()
        from concurrent.futures import ThreadPoolExecutor

        total = rate * seconds
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=32) as pool:
            for i in range(total):
                target = started + i / rate  # open loop: send on schedule whatever the answers do
                delay = target - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one)
        wall = time.perf_counter() - started
        return {
            "http_rate_target_per_s": rate,
            "http_rate_achieved_per_s": len(latencies) / wall,
            "http_p50_ms": percentile(latencies, 50) * 1000,
            "http_p99_ms": percentile(latencies, 99) * 1000,
            "http_errors": errors,
            "http_error_kinds": ",".join(sorted(set(error_kinds))) or "none",
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- the driver ---------------------------------------------------------------------------------------


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


def run_in_subprocess(db: str, args: argparse.Namespace) -> dict:
    env = os.environ.copy()
    tmp = tempfile.mkdtemp(prefix=f"yizhan-bench-{db}-")
    env["YIZHAN_DATA_DIR"] = tmp
    env["YIZHAN_ENV_FILE"] = "/nonexistent"
    env.setdefault("YIZHAN_SECRET_KEY", "bench-only-secret-key-0123456789abcdef")
    env.setdefault("YIZHAN_PII_KEYS", "u3Y1Nn3Vv7m2i5Q8b0b2cQm0mXwqk0J8m4Yc1c8s5pU=")
    env.setdefault("YIZHAN_BLIND_INDEX_KEY", "bench-only-blind-index-key")
    env["YIZHAN_TASKS_BACKEND"] = "database"
    env["YIZHAN_PUBLIC_RATE_PER_SECOND"] = "100000"
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            db,
            "-n",
            str(args.n),
            "--rate",
            str(args.rate),
            "--seconds",
            str(args.seconds),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        raise SystemExit(f"{db} run failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("-n", type=int, default=2000, help="matters per path")
    parser.add_argument("--rate", type=int, default=100, help="HTTP requests per second")
    parser.add_argument("--seconds", type=int, default=20, help="duration of the HTTP run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(args.worker, args.n, args.rate, args.seconds)))
        return
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for db in databases:
        if db == "postgres" and not postgres_available():
            print("postgres skipped: no server at 127.0.0.1:5432")
            continue
        result = run_in_subprocess(db, args)
        results.append(result)
        for key, value in result.items():
            if key != "database":
                print(f"{db} {key} {value:.3f}" if isinstance(value, float) else f"{db} {key} {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "intake.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {RESULTS / 'intake.json'}")


if __name__ == "__main__":
    main()
