"""The public operations are rate-limited per client address (SPEC §11); the staff ones are not."""

import json

from yizhan.accounts.models import ApiToken

LIMITED = {"error": {"code": "rate_limited", "message": "请求过于频繁，请稍后再试。", "fields": {}}}

# each public operation with input valid enough to reach the view (the limit wraps the view itself)
PUBLIC_CALLS = [
    ("get", "/api/v1/track/123456789015", None),
    ("post", "/api/v1/track/123456789015/rating", {"satisfaction": "satisfied"}),
    ("post", "/api/v1/legal-aid/eligibility", {}),
    ("get", "/api/v1/laws/search?q=拖欠工资", None),
    ("post", "/api/v1/citations/check", {"text": "《民法典》第一千零四十二条"}),
    ("post", "/api/v1/triage", {"text": "老板拖欠工资三个月"}),
    ("get", "/api/v1/cases", None),
    ("get", "/api/v1/faq", None),
]


def send(client, method, url, body, **extra):
    if method == "post":
        return client.post(url, json.dumps(body), content_type="application/json", **extra)
    return client.get(url, **extra)


def test_a_client_over_the_limit_gets_429_with_retry_after(client, district, settings):
    settings.PUBLIC_RATE_PER_SECOND = 1
    # three calls within a second of each other: at least two fall in the same one-second window
    responses = [client.get("/api/v1/faq") for _ in range(3)]
    assert responses[0].status_code == 200
    limited = [response for response in responses if response.status_code == 429]
    assert limited
    assert limited[0]["Retry-After"] == "1"
    assert limited[0].json() == LIMITED
    assert client.get("/api/v1/faq", REMOTE_ADDR="10.0.0.9").status_code == 200  # counted per client


def test_every_public_operation_is_limited(client, district, settings):
    from django.core.cache import cache

    settings.PUBLIC_RATE_PER_SECOND = 0  # no allowance: the limiter answers before the view runs
    for method, url, body in PUBLIC_CALLS:
        cache.clear()
        response = send(client, method, url, body)
        assert response.status_code == 429, (url, response.status_code)


def test_staff_operations_are_not_limited(client, users, district, settings):
    settings.PUBLIC_RATE_PER_SECOND = 0
    _, raw = ApiToken.issue(users["clerk"], "集成")
    for _ in range(3):
        assert client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
