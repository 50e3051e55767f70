"""The API documentation page renders (Swagger UI from our own static files, under the strict CSP)."""

from __future__ import annotations


def test_the_api_docs_page_renders_under_the_strict_csp(page, shot, live_server, transactional_db):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security" in message.text else None,
    )
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None and response.ok
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "cdn" not in csp
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Yizhan" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")
    shot("api-docs")
    assert not violations, violations
