"""The API documentation page: Swagger UI from our own static files, under the site's strict CSP,
reading a document in which every status code appears once."""

from __future__ import annotations

import json

import pytest


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_static_files_under_the_strict_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui-init.js" in page
    assert "cdn" not in page.lower()
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self';" in csp
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert client.get(f"/static/ninja/{asset}").status_code == 200


@pytest.mark.django_db
def test_the_openapi_document_has_no_duplicated_keys(client):
    """Swagger UI (js-yaml) refuses a document with a key twice; the page stayed blank."""
    duplicated: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict:
        keys = [key for key, _ in items]
        duplicated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert duplicated == []
