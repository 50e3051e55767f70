"""Reference codes (legal domains, service types) by code, cached; see yizhan.core.cache."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yizhan.core.cache import cached
from yizhan.core.errors import InvalidInput
from yizhan.matters.models import LegalDomain, ServiceType


def _domains() -> dict[str, LegalDomain]:
    return {d.code: d for d in LegalDomain.objects.all()}


def _service_types() -> dict[str, ServiceType]:
    return {s.code: s for s in ServiceType.objects.all()}


def domain_by_code(code: str, field: str = "domain") -> LegalDomain:
    domain = cached("reference", "domains", _domains).get(code)
    if domain is None:
        raise InvalidInput(
            _("代码无效。"), fields={field: _("未知的法律领域代码：%(code)s") % {"code": code}}
        )
    return domain


def service_type_by_code(code: str, field: str = "service_type") -> ServiceType:
    service_type = cached("reference", "service_types", _service_types).get(code)
    if service_type is None:
        raise InvalidInput(
            _("代码无效。"), fields={field: _("未知的服务类型代码：%(code)s") % {"code": code}}
        )
    return service_type
