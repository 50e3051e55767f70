"""Background worker with a small scheduler for periodic jobs.

A scheduler thread enqueues the periodic jobs that the apps declare (``yizhan.core.periodic``) every
``YIZHAN_SWEEP_INTERVAL_MINUTES``; the main thread runs the configured backend's worker (``db_worker``
for the database backend, ``rqworker`` for Redis). The periodic jobs are idempotent, so several
workers may run side by side.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from yizhan.core.periodic import enqueue_periodic_tasks

logger = logging.getLogger("yizhan.worker")

# the job class of django-tasks' RQ backend: RQ's own runs a Task as if it were the function
# ("'Task' object is not callable")
RQ_JOB_CLASS = "django_tasks_rq.Job"


class Command(BaseCommand):
    help = "运行后台任务处理进程（含定时督办扫描）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-scheduler", action="store_true", help="只处理任务，不定时生成周期任务")
        parser.add_argument("--once", action="store_true", help="生成一次周期任务，处理完队列后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            results = enqueue_periodic_tasks()
            if settings.TASKS_BACKEND == "database":
                call_command("db_worker", batch=True, startup_delay=False, reload=False)
            elif settings.TASKS_BACKEND == "redis":
                call_command("rqworker", "default", burst=True, job_class=RQ_JOB_CLASS)
            for result in results:
                result.refresh()
                self.stdout.write(f"{result.task.module_path} {result.status}")
            return
        if not options["no_scheduler"]:
            stop = threading.Event()
            interval = settings.SWEEP_INTERVAL_MINUTES * 60

            def schedule() -> None:
                while not stop.is_set():
                    try:
                        enqueue_periodic_tasks()
                    except Exception:
                        logger.exception("could not enqueue periodic jobs")
                    stop.wait(interval)

            threading.Thread(target=schedule, name="yizhan-scheduler", daemon=True).start()
        if settings.TASKS_BACKEND == "redis":
            call_command("rqworker", "default", with_scheduler=True, job_class=RQ_JOB_CLASS)
        elif settings.TASKS_BACKEND == "database":
            call_command("db_worker", reload=False)
        else:
            self.stdout.write("YIZHAN_TASKS_BACKEND=immediate: tasks run inline, no worker needed.")
