"""Property-based fuzzing of the whole API (schemathesis): no input may answer 5xx, and every answer
must match the OpenAPI document (status code listed, content type, body schema).

One test per operation and audience (anonymous, and a clerk's Bearer token), derandomized and bounded,
so a failure names its operation and replays identically.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yizhan.accounts.models import ApiToken

MAX_EXAMPLES = 15
MAX_EXAMPLES_REFUSED = 5  # anonymous calls to an authenticated operation: all refused before the body is read
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
OPERATIONS = {
    f"{operation.method.upper()} {operation.path}": operation
    for operation in (result.ok() for result in SCHEMA.get_all_operations())
}


@pytest.fixture
def bearer(users: dict[str, Any]) -> dict[str, str]:
    _, raw = ApiToken.issue(users["clerk"], "fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("audience", ["anonymous", "clerk"])
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_no_input_answers_a_server_error(
    name: str, audience: str, district: Any, bearer: dict[str, str]
) -> None:
    operation = OPERATIONS[name]
    headers = bearer if audience == "clerk" else {}
    refused = audience == "anonymous" and bool(operation.definition.raw.get("security"))

    @settings(
        max_examples=MAX_EXAMPLES_REFUSED if refused else MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(case=operation.as_strategy(), _=st.just(None))
    def run(case: Any, _: None) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
