"""The gunicorn configuration of ``yizhan serve``."""

from yizhan.knowledge import services


def test_each_web_worker_warms_search_in_the_background(monkeypatch):
    import threading

    from yizhan import gunicorn_conf

    called = threading.Event()
    monkeypatch.setattr(services, "warm_search", called.set)
    gunicorn_conf.post_worker_init(None)
    assert called.wait(5)


def test_gunicorn_sends_no_server_banner():
    from types import SimpleNamespace

    from gunicorn.http.wsgi import Response

    from yizhan import gunicorn_conf  # noqa: F401 - patches gunicorn's response

    response = SimpleNamespace(
        upgrade=False,
        should_close=lambda: False,
        req=SimpleNamespace(version=(1, 1)),
        status="200 OK",
        version="gunicorn",
        chunked=False,
    )
    headers = Response.default_headers(response)  # type: ignore[arg-type]
    assert headers[0].startswith("HTTP/1.1 200")
    assert not any(line.lower().startswith("server:") for line in headers)
    assert any(line.startswith("Date:") for line in headers)
