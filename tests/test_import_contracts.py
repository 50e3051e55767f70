"""The project's own import-linter contract (tools/import_contracts.py): each rule can fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tools import import_contracts
from tools.import_contracts import PublicNamesContract

SOURCES = {
    "app.legalaid.api": "from app.matters.services import register\n",
    "app.legalaid.views": "from app.matters.services import _helper\n",
    "app.legalaid.forms": "from app.matters.forms import (\n    RegistrationForm,\n    _private,\n)\n",
    "app.legalaid.services": "from app.matters.api import schema\n",
    "app.api": "from app.matters.api import router\n",
    "app.legalaid.selectors": "from app.matters.internal import thing\n",
}
IMPORTS = [
    ("app.legalaid.api", "app.matters.services", 1),
    ("app.legalaid.views", "app.matters.services", 1),
    ("app.legalaid.forms", "app.matters.forms", 1),
    ("app.legalaid.services", "app.matters.api", 1),
    ("app.api", "app.matters.api", 1),
    ("app.legalaid.selectors", "app.matters.internal", 1),
]


@pytest.fixture
def checked(monkeypatch):
    monkeypatch.setattr(import_contracts, "_module_source", SOURCES.get)
    graph = grimp.ImportGraph()
    for importer, imported, line in IMPORTS:
        graph.add_import(importer=importer, imported=imported, line_number=line, line_contents="")
    contract = PublicNamesContract(
        name="public names",
        session_options={},
        contract_options={
            "apps": ["app.matters", "app.legalaid"],
            "public_modules": ["models", "services", "selectors", "forms"],
            "entry_modules": ["api", "urls"],
            "assemblers": ["app.api"],
        },
    )
    check = contract.check(graph, verbose=False)
    return check, {(i["importer"], i["why"]) for i in check.metadata["invalid"]}


def test_a_public_module_and_name_is_allowed(checked):
    check, invalid = checked
    assert not any(importer == "app.legalaid.api" for importer, _ in invalid)
    assert not check.kept


def test_a_private_name_is_refused_even_from_a_public_module(checked):
    _, invalid = checked
    assert ("app.legalaid.views", "private name _helper") in invalid
    assert ("app.legalaid.forms", "private name _private") in invalid  # on a later line of the import


def test_a_module_that_is_not_public_is_refused(checked):
    _, invalid = checked
    assert ("app.legalaid.selectors", "app.matters.internal is not a public module of app.matters") in invalid


def test_entry_points_are_for_the_assembling_modules_only(checked):
    _, invalid = checked
    assert (
        "app.legalaid.services",
        "app.matters.api is an entry point, for the assembling modules only",
    ) in invalid
    assert not any(importer == "app.api" for importer, _ in invalid)


def test_the_project_keeps_its_contracts():
    """The real code base, as make lint checks it."""
    root = Path(__file__).resolve().parent.parent
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
