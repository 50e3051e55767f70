"""Gunicorn settings of ``yizhan serve`` (``--config python:yizhan.gunicorn_conf``)."""

from __future__ import annotations

import threading
from typing import Any

from gunicorn.http import wsgi as _gunicorn_wsgi

# No ``Server`` banner: gunicorn has no setting for it, so its response drops the line it would
# write (the configuration module is loaded by the master before it forks the workers).
_default_headers = _gunicorn_wsgi.Response.default_headers


def _headers_without_server(self: Any) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


_gunicorn_wsgi.Response.default_headers = _headers_without_server  # type: ignore[method-assign]


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
