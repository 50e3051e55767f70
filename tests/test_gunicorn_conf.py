"""The gunicorn configuration of ``yizhan serve``."""

from yizhan.knowledge import services


def test_each_web_worker_warms_search_in_the_background(monkeypatch):
    import threading

    from yizhan import gunicorn_conf

    called = threading.Event()
    monkeypatch.setattr(services, "warm_search", called.set)
    gunicorn_conf.post_worker_init(None)
    assert called.wait(5)
