"""Architecture rules (STYLE.md §2–4), checked on the source: they fail the build when broken."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "yizhan"
DOMAIN_MODELS = {"Matter", "Requester", "Transfer", "MatterEvent", "RequesterGroup"}


def python_files():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_only_the_transition_function_changes_the_state():
    """``matter.state = …`` appears only in matters/services.py (and the bulk demo generator)."""
    allowed = {ROOT / "matters" / "services.py", ROOT / "demo" / "matters.py"}
    offenders = []
    for path, tree in python_files():
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "state" and path not in allowed:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_views_and_api_handlers_read_matters_only_through_selectors():
    """No ``Matter.objects`` (or other matter tables) in views.py / api.py: scoping lives in selectors."""
    offenders = []
    for path, tree in python_files():
        if path.name not in ("views.py", "api.py"):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in DOMAIN_MODELS
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_services_write_inside_transactions():
    """Every public ``do_*`` service in matters/services.py opens a transaction or delegates to one."""
    tree = ast.parse((ROOT / "matters" / "services.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("do_"):
            source = ast.unparse(node)
            assert "transaction.atomic" in source or "transition(" in source or "reveal" in node.name, (
                node.name
            )


#: packages whose application code is free of ``assert`` (ratcheted one package at a time)
ASSERT_FREE = {"legalaid", "rules"}


def test_application_code_checks_explicitly_instead_of_asserting():
    """``assert`` vanishes under ``python -O``: a check that matters raises a proper exception."""
    offenders = []
    for path, tree in python_files():
        if path.relative_to(ROOT).parts[0] not in ASSERT_FREE:
            continue
        offenders += [
            f"{path.relative_to(ROOT)}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Assert)
        ]
    assert not offenders, offenders
