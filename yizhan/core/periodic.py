"""Periodic jobs, declared by the app that owns them and discovered by the worker.

An app marks a task in its ``tasks.py`` as periodic::

    @periodic
    @task()
    def sweep_deadlines_task() -> dict: ...

and the worker's scheduler enqueues every periodic task of every installed app each
``YIZHAN_SWEEP_INTERVAL_MINUTES``. Periodic jobs must be idempotent: several workers may run them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.utils.module_loading import autodiscover_modules

T = TypeVar("T")

_PERIODIC: dict[str, Any] = {}


def periodic(task: T) -> T:
    """Register a Django task (``@task()``-decorated) to be enqueued by the worker's scheduler."""
    name = getattr(task, "module_path", None) or repr(task)
    _PERIODIC[name] = task
    return task


def periodic_tasks() -> list[Any]:
    """Every periodic task of the installed apps (their ``tasks`` modules are imported first)."""
    autodiscover_modules("tasks")
    return [_PERIODIC[name] for name in sorted(_PERIODIC)]


def enqueue_periodic_tasks() -> list[Any]:
    """Enqueue each periodic task once; returns their ``TaskResult``s."""
    return [task.enqueue() for task in periodic_tasks()]
