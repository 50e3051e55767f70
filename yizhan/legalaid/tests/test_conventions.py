"""The legal-aid services' conventions (STYLE.md §2), checked on the source: every public write is
``do_<verb>_<noun>(…, *, actor)`` and runs in a transaction or through another such write."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from yizhan.legalaid import services

PACKAGE = Path(services.__file__).parent
#: the periodic job acts for each case as that case's centre (selectors.first_decider)
NO_ACTOR = {"do_sweep_materials"}


def _public_functions() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found.append((path.name, node))
    return found


WRITES = [(module, node) for module, node in _public_functions() if node.name.startswith("do_")]


def test_the_package_exports_its_writes() -> None:
    assert {node.name for _module, node in WRITES} <= set(services.__all__)


@pytest.mark.parametrize(("module", "node"), WRITES, ids=[node.name for _m, node in WRITES])
def test_a_write_is_named_and_called_alike(module: str, node: ast.FunctionDef) -> None:
    assert node.name.count("_") >= 2, f"{module}: {node.name} is not do_<verb>_<noun>"
    if node.name not in NO_ACTOR:
        assert "actor" in [a.arg for a in node.args.kwonlyargs], f"{module}: {node.name} needs *, actor"
    calls = {ast.unparse(n.func).rsplit(".", 1)[-1] for n in ast.walk(node) if isinstance(n, ast.Call)}
    assert "atomic" in calls or any(c.startswith("do_") for c in calls), f"{node.name}: no transaction"


def test_only_writes_are_public_in_the_services() -> None:
    """Reads live in selectors; what else is public here is the machinery of the step table."""
    others = {node.name for _module, node in _public_functions() if not node.name.startswith("do_")}
    assert others == {"effect", "check_effects", "step_label", "online_application"}
