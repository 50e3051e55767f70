"""The bridge between the Django app and the pure eligibility engine (``yizhan.rules.legal_aid``).

The engine imports no Django; this module supplies it with the dated hardship standards and the
regional scope extensions from the database, and turns its fact errors into field errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.core.cache import cached
from yizhan.core.errors import InvalidInput
from yizhan.rules import legal_aid as engine

CACHE_NAMESPACE = "legalaid-config"


def _prefixes(region_code: str) -> list[str]:
    return [region_code[:n] for n in range(2, len(region_code) + 1)] if region_code else []


def standards_for(region_code: str) -> list[engine.Standard]:
    """Every hardship standard that could apply to ``region_code`` (any date; the engine picks)."""
    from yizhan.legalaid.models import HardshipStandard

    def load() -> list[engine.Standard]:
        rows = HardshipStandard.objects.filter(region_code__in=_prefixes(region_code))
        return [
            engine.Standard(
                region_code=r.region_code,
                effective_from=r.effective_from,
                kind=r.kind,
                source=r.source,
                amount=r.amount,
                multiple=r.multiple,
                minimum_living_standard=r.minimum_living_standard,
            )
            for r in rows
        ]

    return cached(CACHE_NAMESPACE, f"standards:{region_code}", load) if region_code else []


def extensions_for(region_code: str) -> list[engine.Extension]:
    from yizhan.legalaid.models import ScopeExtension

    def load() -> list[engine.Extension]:
        rows = ScopeExtension.objects.filter(region_code__in=_prefixes(region_code))
        return [
            engine.Extension(
                region_code=r.region_code,
                article=r.article,
                key=r.key,
                label=r.label,
                effective_from=r.effective_from,
                source=r.source,
            )
            for r in rows
        ]

    return cached(CACHE_NAMESPACE, f"extensions:{region_code}", load) if region_code else []


def decide(
    facts: dict[str, Any], *, region_code: str = "", on_date: dt.date | None = None, prefix: str = "facts."
) -> engine.Decision:
    """Run the engine; the facts' own ``region`` wins over ``region_code`` (the matter's region)."""
    region = facts.get("region") if isinstance(facts, dict) and isinstance(facts.get("region"), str) else ""
    region = region or region_code or ""
    data = {**facts, "region": region} if isinstance(facts, dict) and region else facts
    try:
        return engine.evaluate(
            data,
            standards=standards_for(region),
            extensions=extensions_for(region),
            on_date=on_date or timezone.localdate(),
        )
    except engine.FactsError as error:
        raise field_errors(error.fields, prefix) from None


def evaluate(facts: dict[str, Any], *, region_code: str = "", on_date: Any = None) -> dict[str, Any]:
    """The engine's decision as a JSON-able snapshot: the public contract's keys plus the internal ones."""
    return decide(facts, region_code=region_code, on_date=on_date).to_snapshot()


def public(facts: dict[str, Any], *, on_date: Any = None) -> dict[str, Any]:
    """Exactly the public contract of SPEC §5 (POST /api/v1/legal-aid/eligibility)."""
    return decide(facts, on_date=on_date, prefix="").to_public()


def field_errors(errors: dict[str, str], prefix: str = "facts.") -> InvalidInput:
    return InvalidInput(
        _("申请事实有误，请检查标出的项目。"), fields={prefix + k: v for k, v in errors.items()}
    )
