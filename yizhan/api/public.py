"""Anonymous endpoints: track and rate a matter by its query code (rate-limited)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from yizhan.core.ratelimit import public_limit
from yizhan.matters import selectors, services
from yizhan.matters.models import Satisfaction
from yizhan.matters.public import public_status

router = Router(tags=["公众查询"], auth=None)


class StepOut(Schema):
    label: str
    at: datetime.datetime | None
    detail: str
    done: bool


class TrackOut(Schema):
    query_code: str
    service_type: str
    state: str
    state_label: str
    registered_at: datetime.datetime
    receiving_org: str
    current_org: str
    due_date: datetime.date | None
    steps: list[StepOut]
    can_rate: bool
    rated: bool


class RatingIn(Schema):
    satisfaction: Satisfaction
    advice_adopted: bool | None = None
    comment: str = Field("", max_length=500)


@router.get("/track/{code}", response=TrackOut, summary="凭查询码查看办理进度（不含个人信息）")
@public_limit
def track(request: HttpRequest, code: str) -> dict[str, Any]:
    return public_status(selectors.matter_by_query_code(code)).as_dict()


@router.post("/track/{code}/rating", response=TrackOut, summary="凭查询码评价服务")
@public_limit
def rate(request: HttpRequest, code: str, payload: RatingIn) -> dict[str, Any]:
    matter = services.do_rate_by_query_code(
        code,
        satisfaction=payload.satisfaction,
        advice_adopted=payload.advice_adopted,
        comment=payload.comment,
    )
    return public_status(matter).as_dict()
