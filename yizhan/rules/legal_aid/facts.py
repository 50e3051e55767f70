"""The applicant's facts, validated. Every problem is reported against the field it concerns, so a
client (or a form) can show it where it belongs; nothing is guessed silently."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from gettext import gettext as _
from typing import Any

from . import vocabulary as v
from .standards import Extension

#: the public contract's fields (SPEC §5)
CONTRACT_FIELDS = (
    "proceeding",
    "role",
    "claim",
    "retrial",
    "has_counsel",
    "circumstances",
    "person",
    "groups",
    "economic_hardship",
    "household_size",
    "household_monthly_income",
    "region",
)
#: optional additions, documented in the OpenAPI schema: a regional item of art. 31(9), urgency for
#: provisional aid (art. 44) and the materials already supplied (for the one-time list, art. 43)
OPTIONAL_FIELDS = ("claim_detail", "urgency", "materials_supplied")
REGION_RE = re.compile(r"^\d{2,12}$")
MAX_HOUSEHOLD = 50


class FactsError(ValueError):
    """Invalid facts: ``fields`` maps each field to what is wrong with it."""

    def __init__(self, fields: Mapping[str, str]):
        self.fields = dict(fields)
        super().__init__("; ".join(f"{k}: {m}" for k, m in self.fields.items()))


@dataclass(frozen=True)
class Facts:
    proceeding: str
    role: str = "applicant"
    claim: str = "other"
    retrial: bool = False
    has_counsel: bool = False
    circumstances: frozenset[str] = frozenset()
    person: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    economic_hardship: bool | None = None
    household_size: int | None = None
    household_monthly_income: Decimal | None = None
    region: str = ""
    claim_detail: str = ""
    urgency: frozenset[str] = frozenset()
    materials_supplied: frozenset[str] = field(default_factory=frozenset)

    @property
    def criminal(self) -> bool:
        return self.proceeding == v.CRIMINAL

    @property
    def claim_is_alias(self) -> bool:
        """The claim is one of the first contract's merged codes (``vocabulary.CLAIM_ALIASES``)."""
        return self.claim in v.CLAIM_ALIASES

    @classmethod
    def from_dict(cls, data: Any, *, extensions: Iterable[Extension] = ()) -> Facts:
        """Validate a JSON object. Codes of the region's extensions (art. 31(9), 32(5), 42(4)) are
        accepted besides the statute's own codes."""
        if not isinstance(data, Mapping):
            raise FactsError({"facts": _("应为一个对象（JSON object）。")})
        ext = list(extensions)
        errors: dict[str, str] = {}
        for key in data:
            if key not in CONTRACT_FIELDS and key not in OPTIONAL_FIELDS:
                errors[str(key)] = _("未知字段。")

        def choice(name: str, options: Iterable[str], default: str | None) -> str:
            value = data.get(name)
            if value is None or value == "":
                if default is None:
                    errors[name] = _("必填。")
                    return ""
                return default
            if not isinstance(value, str) or value not in options:
                errors[name] = _("未知代码：%(value)s。") % {"value": value}
                return ""
            return value

        def flag(name: str) -> bool:
            value = data.get(name, False)
            if value is None:
                return False
            if not isinstance(value, bool):
                errors[name] = _("应为 true 或 false。")
                return False
            return value

        def codes(name: str, options: Iterable[str]) -> frozenset[str]:
            value = data.get(name)
            if value is None:
                return frozenset()
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                errors[name] = _("应为代码列表。")
                return frozenset()
            allowed = set(options)
            unknown = [x for x in value if x not in allowed]
            if unknown:
                errors[name] = _("未知代码：%(codes)s。") % {"codes": "、".join(unknown)}
                return frozenset()
            return frozenset(value)

        proceeding = choice("proceeding", v.PROCEEDINGS, None)
        criminal = proceeding == v.CRIMINAL
        role = choice("role", v.ROLES, None if criminal else "applicant")
        if proceeding and role and "role" not in errors:
            if criminal and role not in v.CRIMINAL_ROLES:
                errors["role"] = _("刑事案件请选择犯罪嫌疑人、被告人、被害人、自诉人等诉讼身份。")
            elif not criminal and role in v.CRIMINAL_ROLES:
                errors["role"] = _("该身份只适用于刑事案件。")
        # the merged codes of the first contract are still accepted (the answer asks for the precise one)
        claim = choice("claim", [*v.CLAIMS, *v.CLAIM_ALIASES], "other")
        claim_detail = data.get("claim_detail") or ""
        if not isinstance(claim_detail, str):
            errors["claim_detail"] = _("应为事项代码。")
            claim_detail = ""
        elif claim_detail:
            known = {e.key for e in ext if e.article == "31.9"}
            if claim_detail not in known:
                errors["claim_detail"] = _("本地区没有规定该法律援助事项：%(value)s。") % {
                    "value": claim_detail
                }
        economic = data.get("economic_hardship")
        if economic is not None and not isinstance(economic, bool):
            errors["economic_hardship"] = _("应为 true、false 或 null。")
            economic = None
        size = data.get("household_size")
        if size is not None and (
            isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_HOUSEHOLD
        ):
            errors["household_size"] = _("家庭人口应为 1 至 %(n)d 之间的整数。") % {"n": MAX_HOUSEHOLD}
            size = None
        income_raw = data.get("household_monthly_income")
        income: Decimal | None = None
        if income_raw is not None:
            try:
                if isinstance(income_raw, bool) or not isinstance(income_raw, int | float | str):
                    raise InvalidOperation
                income = Decimal(str(income_raw))
                if not income.is_finite() or income < 0:
                    raise InvalidOperation
            except InvalidOperation:
                errors["household_monthly_income"] = _("家庭月收入应为不小于 0 的数字（元）。")
                income = None
        if income is not None and size is None and "household_size" not in errors:
            errors["household_size"] = _("填写家庭月收入时，请同时填写家庭人口。")
        region = data.get("region") or ""
        if not isinstance(region, str) or (region and not REGION_RE.match(region)):
            errors["region"] = _("行政区划代码应为 2 至 12 位数字。")
            region = ""
        facts = cls(
            proceeding=proceeding,
            role=role,
            claim=claim,
            retrial=flag("retrial"),
            has_counsel=flag("has_counsel"),
            circumstances=codes(
                "circumstances", [*v.CIRCUMSTANCES, *(e.key for e in ext if e.article == "32.5")]
            ),
            person=codes("person", v.PERSON),
            groups=codes("groups", [*v.GROUPS, *(e.key for e in ext if e.article == "42.4")]),
            economic_hardship=economic,
            household_size=size,
            household_monthly_income=income,
            region=region,
            claim_detail=claim_detail,
            urgency=codes("urgency", v.URGENCY),
            materials_supplied=codes("materials_supplied", v.MATERIALS),
        )
        if errors:
            raise FactsError(errors)
        return facts
