"""import-linter contract types of our own (run by ``make lint`` through ``lint-imports``).

``public_names``: an app uses another app only through the modules that app offers to others — its
models, services, selectors, signals and the like — and never through a name that starts with an
underscore. The router, URL and task modules of an app are entry points: only the assembling modules
(the API, the URL configuration, the worker) may import them.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


@cache
def _module_source(module: str) -> str | None:
    """The source of ``module``, read from disk without importing it or its packages: finding a
    submodule's spec would run its package's ``__init__``, which may import models (and need settings)."""
    root, *rest = module.split(".")
    spec = importlib.util.find_spec(root)
    if spec is None:
        return None
    if not rest:
        origin = spec.origin
        return Path(origin).read_text(encoding="utf-8") if origin and origin.endswith(".py") else None
    for location in spec.submodule_search_locations or []:
        base = Path(location, *rest)
        for candidate in (base.parent / f"{base.name}.py", base / "__init__.py"):
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8")
    return None


def _private_names(importer: str, imported: str, line_number: int) -> list[str]:
    """Names starting with ``_`` that ``importer`` takes from ``imported`` on that line."""
    source = _module_source(importer)
    if source is None:
        return []
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.lineno <= line_number <= (node.end_lineno or 0):
            base = node.module or ""
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if alias.name.startswith("_") and (base == imported or target == imported):
                    names.append(alias.name)
    return names


class PublicNamesContract(Contract):
    """Imports between two of ``apps`` must target a public module and a public name."""

    # import-linter fills each field with the parsed list when the contract is built
    apps: list[str] = fields.ListField(subfield=fields.StringField())  # type: ignore[assignment]
    public_modules: list[str] = fields.ListField(subfield=fields.StringField())  # type: ignore[assignment]
    entry_modules: list[str] = fields.ListField(subfield=fields.StringField())  # type: ignore[assignment]
    assemblers: list[str] = fields.ListField(subfield=fields.StringField())  # type: ignore[assignment]

    def _app_of(self, module: str) -> str | None:
        for app in self.apps:
            if module == app or module.startswith(app + "."):
                return app
        return None

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        invalid: list[dict[str, Any]] = []
        assemblers = tuple(self.assemblers)
        for importer in sorted(graph.modules):
            importer_app = self._app_of(importer)
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = self._app_of(imported)
                if imported_app is None or imported_app == importer_app:
                    continue
                if importer_app is None and not importer.startswith(assemblers):
                    continue  # modules outside the apps (settings, lib, rules) are other contracts'
                rest = imported[len(imported_app) + 1 :].split(".")[0] if imported != imported_app else ""
                details = graph.get_import_details(importer=importer, imported=imported)
                reason = ""
                if rest in self.entry_modules:
                    if not importer.startswith(assemblers):
                        reason = f"{imported_app}.{rest} is an entry point, for the assembling modules only"
                elif rest and rest not in self.public_modules:
                    reason = f"{imported_app}.{rest} is not a public module of {imported_app}"
                for detail in details:
                    private = _private_names(importer, imported, detail["line_number"])
                    why = reason or (f"private name {', '.join(private)}" if private else "")
                    if why:
                        invalid.append({"importer": importer, "imported": imported, "why": why, **detail})
        return ContractCheck(kept=not invalid, metadata={"invalid": invalid})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["invalid"]:
            output.print_error(
                f"{item['importer']} -> {item['imported']} (l.{item['line_number']}): {item['why']}",
                bold=False,
            )
        output.new_line()
