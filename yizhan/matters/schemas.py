"""Input schemas for registering a matter through the API, shared by every app that registers one
(the legal-aid application carries a matter), and their conversion into the service's data."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Schema

from yizhan.core.errors import InvalidInput
from yizhan.core.http.fields import ApiDateTime
from yizhan.matters import services
from yizhan.matters.models import Channel, Gender, PartyRole
from yizhan.matters.reference import domain_by_code, service_type_by_code
from yizhan.orgs.models import Organization, Region


class RequesterIn(Schema):
    name: str = Field(..., max_length=64, examples=["张三"])
    id_number: str = Field("", max_length=18, description="18位居民身份证号（校验GB 11643校验位）")
    phone: str = Field("", max_length=20, examples=["13812341234"])
    address: str = Field("", max_length=200)
    gender: Gender = Gender.UNKNOWN
    age: int | None = Field(None, ge=0, le=150)
    groups: list[str] = Field(default_factory=list, description="特殊群体代码，如 elderly、migrant_worker")
    role: PartyRole = PartyRole.REQUESTER
    is_primary: bool = False


class MatterIn(Schema):
    channel: Channel
    service_type: str = Field(..., description="服务类型代码，如 consultation、mediation、legal_aid")
    domain: str = Field(..., description="法律领域代码，如 labor、marriage_family")
    title: str = Field(..., max_length=100)
    facts: str = Field("", max_length=10000)
    requesters: list[RequesterIn] = Field(..., min_length=1)
    receiving_org_id: int | None = Field(None, description="受理单位；默认为令牌账号的所在单位")
    region: str | None = Field(None, description="所属区划代码（村/社区）；默认为受理单位的区划")
    urgent: bool = False
    risk_escalation: bool = False
    risk_group: bool = False
    risk_stability: bool = False
    by_proxy: bool = False
    home_service: bool = False
    appointment_at: ApiDateTime | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "channel": "hotline",
                    "service_type": "consultation",
                    "domain": "labor",
                    "title": "拖欠工资咨询",
                    "facts": "在工地务工三个月，老板拖欠工资。",
                    "requesters": [
                        {"name": "张三", "phone": "13812341234", "groups": ["migrant_worker"]},
                    ],
                }
            ]
        }
    }


def org_by_id(org_id: int | None, field: str) -> Organization | None:
    if org_id is None:
        return None
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        raise InvalidInput(_("单位不存在。"), fields={field: _("单位不存在：%(id)s") % {"id": org_id}})
    return org


def registration_data(payload: MatterIn) -> services.RegistrationData:
    region = None
    if payload.region:
        region = Region.objects.filter(code=payload.region).first()
        if region is None:
            raise InvalidInput(
                _("区划代码无效。"), fields={"region": _("未知的区划代码：%(c)s") % {"c": payload.region}}
            )
    return services.RegistrationData(
        channel=payload.channel,
        domain=domain_by_code(payload.domain),
        service_type=service_type_by_code(payload.service_type),
        title=payload.title,
        facts=payload.facts,
        region=region,
        receiving_org=org_by_id(payload.receiving_org_id, "receiving_org_id"),
        requesters=[
            services.RequesterData(
                name=r.name,
                id_number=r.id_number,
                phone=r.phone,
                address=r.address,
                gender=r.gender,
                age=r.age,
                groups=list(r.groups),
                role=r.role,
                is_primary=r.is_primary,
            )
            for r in payload.requesters
        ],
        urgent=payload.urgent,
        risk_escalation=payload.risk_escalation,
        risk_group=payload.risk_group,
        risk_stability=payload.risk_stability,
        by_proxy=payload.by_proxy,
        home_service=payload.home_service,
        appointment_at=payload.appointment_at,
    )
