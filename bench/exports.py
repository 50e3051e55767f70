"""Ledger export benchmark: the background .xlsx export of one month and of all rows.

    .venv/bin/python bench/exports.py                      # 40,000 matters over 24 months
    .venv/bin/python bench/exports.py --months 1           # 40,000 matters in one month
    .venv/bin/python bench/exports.py -n 100000 --ledger visits

In a fresh SQLite database (a temporary directory) with the full demo district: N demo matters are
generated over the last M months (``yizhan.demo.matters.generate_matters``, as ``yizhan demo
--matters N`` does), then, as the district's widest account with the export right, for the last full
month and for all dates:

1. the request: ``GET /api/v1/ledgers/<ledger>/export?format=xlsx`` through Django's full request path
   with a token; with ``YIZHAN_LEDGER_EXPORT_INLINE_MAX_ROWS=0`` every export takes the background
   path and answers 202 (the figure is the request's latency: count, record, audit row, enqueue);
2. the job: the database task backend's worker (``db_worker --batch``, what ``yizhan worker`` runs)
   builds the file; the job's own time (``finished_at - started_at``), the wall and CPU time of the
   worker run and the end-to-end time from the request to the file being ready. The load average is
   printed too: on a shared machine the wall time is the CPU time stretched by the other processes.

Prints one line per figure and writes ``bench/results/exports.json``. Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def last_full_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month before ``today``'s (complete, so a month's ledger is a whole month's)."""
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end.replace(day=calendar.monthrange(end.year, end.month)[1])


# --- the worker: runs inside the fresh database -------------------------------------------------------


def worker(count: int, months: int, ledger: str) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "yizhan.settings"
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from yizhan.accounts import roles
    from yizhan.accounts.models import ApiToken
    from yizhan.demo.district import build_district
    from yizhan.demo.matters import generate_matters
    from yizhan.ledgers.models import LedgerExport
    from yizhan.ledgers.selectors import ledger_rows
    from yizhan.matters.models import Matter

    call_command("migrate", verbosity=0)
    district = build_district(small=False, password="Bench-pass-2026")
    started = time.perf_counter()
    for _total in generate_matters(count, months=months):
        pass
    generate_seconds = time.perf_counter() - started

    # the account that sees the most of the district and may export (the city's manager sees it all)
    candidates = [user for user in district.users.values() if user.has_perm(roles.EXPORT_LEDGERS)]
    user = max(candidates, key=lambda u: ledger_rows(u, ledger, {}).total)
    _, token = ApiToken.issue(user, "bench")
    client = Client()
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    first, last = last_full_month(timezone.localdate())
    result: dict[str, Any] = {
        "cpus": os.cpu_count() or 0,
        "load_average_1m": os.getloadavg()[0],
        "matters": Matter.objects.count(),
        "months": months,
        "ledger": ledger,
        "account": user.username,
        "generate_seconds": generate_seconds,
    }
    cases = {
        "month": {"date_from": first.isoformat(), "date_to": last.isoformat()},
        "all": {"date_from": "", "date_to": ""},
    }
    client.get("/api/v1/ledgers", **headers)  # warm-up: imports, caches, connection
    for name, dates in cases.items():
        began = time.perf_counter()
        response = client.get(f"/api/v1/ledgers/{ledger}/export", {"format": "xlsx", **dates}, **headers)
        request_seconds = time.perf_counter() - began
        if response.status_code != 202:
            raise RuntimeError(f"export answered {response.status_code}: {response.content[:300]!r}")
        export_id = response.json()["export"]["id"]
        began, began_cpu = time.perf_counter(), time.process_time()
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        worker_seconds = time.perf_counter() - began
        worker_cpu_seconds = time.process_time() - began_cpu
        record = LedgerExport.objects.get(pk=export_id)
        if record.status != "done" or record.started_at is None or record.finished_at is None:
            raise RuntimeError(f"export #{export_id} ended {record.status}: {record.error}")
        status = client.get(f"/api/v1/ledgers/exports/{export_id}", **headers).json()["export"]
        result.update(
            {
                f"{name}_period": f"{dates['date_from'] or '全部'}..{dates['date_to'] or '全部'}",
                f"{name}_rows": record.rows,
                f"{name}_request_ms": request_seconds * 1000,
                f"{name}_job_seconds": (record.finished_at - record.started_at).total_seconds(),
                f"{name}_worker_run_seconds": worker_seconds,
                f"{name}_worker_cpu_seconds": worker_cpu_seconds,
                f"{name}_end_to_end_seconds": (record.finished_at - record.exported_at).total_seconds(),
                f"{name}_rows_per_second": record.rows
                / max((record.finished_at - record.started_at).total_seconds(), 1e-6),
                f"{name}_file_mb": default_storage.size(record.file.name) / 1e6,
                f"{name}_status": status["status"],
            }
        )
    result["load_average_1m_after"] = os.getloadavg()[0]
    return result


# --- the driver ---------------------------------------------------------------------------------------


def run_in_subprocess(args: argparse.Namespace) -> dict[str, Any]:
    env = os.environ.copy()
    tmp = tempfile.mkdtemp(prefix="yizhan-bench-exports-")
    env["YIZHAN_DATA_DIR"] = tmp
    env["YIZHAN_ENV_FILE"] = "/nonexistent"
    env.setdefault("YIZHAN_SECRET_KEY", "bench-only-secret-key-0123456789abcdef")
    env.setdefault("YIZHAN_PII_KEYS", "u3Y1Nn3Vv7m2i5Q8b0b2cQm0mXwqk0J8m4Yc1c8s5pU=")
    env.setdefault("YIZHAN_BLIND_INDEX_KEY", "bench-only-blind-index-key")
    env["YIZHAN_TASKS_BACKEND"] = "database"
    env["YIZHAN_LEDGER_EXPORT_INLINE_MAX_ROWS"] = "0"  # every export through the background path
    env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    env["YIZHAN_LOG_LEVEL"] = "WARNING"
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            "-n",
            str(args.n),
            "--months",
            str(args.months),
            "--ledger",
            args.ledger,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{output.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", type=int, default=40_000, help="demo matters to generate")
    parser.add_argument("--months", type=int, default=24, help="months the matters are spread over")
    parser.add_argument("--ledger", default="visits", help="the ledger to export")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(args.n, args.months, args.ledger), ensure_ascii=False))
        return
    result = run_in_subprocess(args)
    for key, value in result.items():
        print(f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / ("exports.json" if args.months == 24 else f"exports-{args.months}m.json")
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
