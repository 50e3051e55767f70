"""The OpenAPI document is valid OpenAPI 3.1 and a client can be generated from it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from yizhan.api import api

    with django_db_blocker.unblock():
        return json.loads(json.dumps(api.get_openapi_schema(), default=str, ensure_ascii=False))


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on the first error
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    search = document["paths"]["/api/v1/laws/search"]["get"]
    query = next(p for p in search["parameters"] if p["name"] == "q")
    assert isinstance(query.get("examples", {}), dict)  # a map of Example objects, not a list


def test_a_python_client_is_generated_from_the_document(document, tmp_path):
    (tmp_path / "openapi.json").write_text(json.dumps(document, ensure_ascii=False))
    # the ledger files (.xlsx, PDF) are bytes to a client
    overrides = {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "application/octet-stream",
        "application/pdf": "application/octet-stream",
    }
    (tmp_path / "config.json").write_text(json.dumps({"content_type_overrides": overrides}))
    generator = Path(sys.executable).with_name("openapi-python-client")
    env = {**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            "openapi.json",
            "--output-path",
            "client",
            "--meta",
            "none",
            "--config",
            "config.json",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # the generator warns only that it has no model for binary downloads (the ledger files): every
    # other operation and response is generated
    output = run.stdout + run.stderr
    warnings = [line for line in output.splitlines() if line.startswith("Cannot parse")]
    assert all("Unsupported content_type application/vnd.openxmlformats" in w for w in warnings), output
    assert "Unable to" not in output and "skipped" not in output.lower(), output
    modules = {p.stem for p in (tmp_path / "client" / "api").rglob("*.py")}
    assert {
        "matters_create_matter",
        "matters_track",
        "core_calendar_deadline",
        "legalaid_list_cases",
    } <= modules, sorted(modules)
    shutil.rmtree(tmp_path / "client")


def test_every_operation_lists_its_errors_in_the_error_shape(document):
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"422", "429"} <= set(responses), (method, path)
            if operation.get("security"):
                assert {"401", "403", "404"} <= set(responses), (method, path)
            ref = responses["422"]["content"]["application/json"]["schema"]["$ref"]
            shape = document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]["error"]
            if "$ref" in shape:
                shape = document["components"]["schemas"][shape["$ref"].rsplit("/", 1)[1]]
            assert set(shape["properties"]) == {"code", "message", "fields"}
    listing = document["paths"]["/api/v1/matters"]["get"]["parameters"]
    limit = next(p for p in listing if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 200)
