"""Gunicorn settings of ``yizhan serve`` (``--config python:yizhan.gunicorn_conf``)."""

from __future__ import annotations

import threading
from typing import Any


def _warm() -> None:
    from django.db import connection

    from yizhan.knowledge import services

    try:
        services.warm_search()
    finally:
        connection.close()  # the connection this thread opened


def post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the site, prepare statute search in the background, so that the
    first citizen or clerk who searches does not wait for it (a fresh worker's first search took
    ~7 s with the full corpus; requests that need search meanwhile wait for the same build)."""
    threading.Thread(target=_warm, name="warm-search", daemon=True).start()
