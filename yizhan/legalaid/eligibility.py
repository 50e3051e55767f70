"""The bridge between the Django app and the pure eligibility engine (yizhan.rules.legal_aid).

The engine imports no Django; this module supplies it with the dated hardship standards and the
regional scope extensions from the database, and turns its fact errors into field errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yizhan.core.errors import InvalidInput


def evaluate(facts: dict[str, Any], *, region_code: str = "", on_date: Any = None) -> dict[str, Any]:
    """The engine's decision as a JSON-able snapshot: the public contract's keys plus the internal ones."""
    from yizhan.legalaid import engine_adapter

    return engine_adapter.evaluate(facts, region_code=region_code, on_date=on_date)


def public(facts: dict[str, Any], *, on_date: Any = None) -> dict[str, Any]:
    """Exactly the public contract of SPEC §5 (POST /api/v1/legal-aid/eligibility)."""
    from yizhan.legalaid import engine_adapter

    return engine_adapter.public(facts, on_date=on_date)


def field_errors(errors: dict[str, str], prefix: str = "facts.") -> InvalidInput:
    return InvalidInput(
        _("申请事实有误，请检查标出的项目。"), fields={prefix + k: v for k, v in errors.items()}
    )
