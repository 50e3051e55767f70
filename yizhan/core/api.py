"""The public deadline calculator: the same count every clock of the system uses (anonymous,
rate-limited)."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from yizhan.core.calendar import MAX_DAYS, deadline
from yizhan.core.http.fields import ApiDate
from yizhan.core.ratelimit import public_limit

public_router = Router(tags=["期限计算"])


class DeadlineParams(Schema):
    start: ApiDate = Field(..., description="起算日（YYYY-MM-DD），当日不计入", examples=["2026-12-25"])
    days: int = Field(..., ge=0, le=MAX_DAYS, description="期间长度", examples=[7])
    unit: Literal["day", "workday"] = Field(
        "day", description="day：日（自然日，末日遇节假日顺延）；workday：工作日"
    )


class DeadlineOut(Schema):
    start: datetime.date
    days: int
    unit: Literal["day", "workday"]
    due: datetime.date = Field(..., description="期限届满日")
    provisional: bool = Field(
        ..., description="期间涉及国务院尚未公布节假日安排的年份：按法定节日推算，可能变动"
    )
    basis: list[str] = Field(..., description="计算依据")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "start": "2026-12-25",
                    "days": 7,
                    "unit": "day",
                    "due": "2027-01-04",
                    "provisional": True,
                    "basis": [
                        "民法典第二百零一条：开始的当日不计入，自下一日开始计算。",
                        "民法典第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。",
                        "国务院尚未公布2027年节假日安排：2027年节假日按《全国年节及纪念日放假办法》"
                        "（2024年修订）第二条、第六条推算，未计入调休，日期为暂定，公布后可能变动。",
                    ],
                }
            ]
        }
    }


@public_router.get(
    "/calendar/deadline",
    response=DeadlineOut,
    summary="期限计算（民法典第二百零一条、第二百零三条；节假日按国务院安排，未公布的年份按法定节日推算）",
)
@public_limit
def calendar_deadline(request: HttpRequest, params: Query[DeadlineParams]) -> dict[str, Any]:
    return deadline(params.start, params.days, params.unit).as_dict()
