"""Serve the site (gunicorn) with a background worker — what `make run` starts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站（gunicorn）和后台任务进程"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        web = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [
                python,
                "-m",
                "gunicorn",
                "yizhan.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--timeout",
                "120",
                "--config",
                "python:yizhan.gunicorn_conf",
            ]
        )
        worker = subprocess.Popen([python, "-m", "yizhan.cli", "worker"])  # noqa: S603
        self.stdout.write(f"Yizhan 一站: http://{options['bind']}/  (Ctrl+C 停止)")

        def stop(*_: Any) -> None:
            for process in (web, worker):
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while web.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in (web, worker):
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
