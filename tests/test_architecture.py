"""Architecture rules (STYLE.md §2–4), checked on the source: they fail the build when broken."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "yizhan"
DOMAIN_MODELS = {"Matter", "Requester", "Transfer", "MatterEvent", "RequesterGroup"}
SERVICES = ROOT / "matters" / "services"  # the package of every write, one module per seam


def python_files():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_only_the_transition_function_changes_the_state():
    """``matter.state = …`` appears only in matters/services/transitions.py (and the bulk demo generator)."""
    allowed = {SERVICES / "transitions.py", ROOT / "demo" / "matters.py"}
    assert all(path.is_file() for path in allowed), allowed
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
    """Every public ``do_*`` service in the modules of matters/services/ opens a transaction or delegates
    to one."""
    modules = sorted(SERVICES.glob("*.py"))
    assert SERVICES / "__init__.py" in modules and SERVICES / "transitions.py" in modules, modules
    checked = []
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("do_"):
                source = ast.unparse(node)
                assert "transaction.atomic" in source or "transition(" in source or "reveal" in node.name, (
                    f"{path.name}: {node.name}"
                )
                checked.append(node.name)
    assert "do_register_matter" in checked, checked


def test_matter_selectors_never_call_services():
    """Reads never write: matters/selectors.py imports nothing from matters.services (services may use
    selectors, not the other way round)."""
    tree = ast.parse((ROOT / "matters" / "selectors.py").read_text(encoding="utf-8"))
    offenders = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        if any(m == "yizhan.matters.services" or m.startswith("yizhan.matters.services.") for m in modules):
            offenders.append(node.lineno)
    assert not offenders, offenders
