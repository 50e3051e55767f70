"""Knowledge API: statute search (SPEC §8 contract), citation check and triage — public, rate-limited."""
# no `from __future__ import annotations`: the rate-limit decorator wraps the views, and ninja
# resolves string annotations in the wrapper's module, where these schemas do not exist.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from yizhan.api.auth import STAFF_AUTH
from yizhan.core.errors import InvalidInput
from yizhan.core.ratelimit import public_limit
from yizhan.knowledge import cases, services

router = Router(tags=["法律知识"], auth=None)


class SearchParams(Schema):
    q: str = Field(
        ..., description="关键词或口语化问题，如「老板拖欠工资怎么办」", examples=["老板拖欠工资怎么办"]
    )
    k: int = Field(10, description="返回条数（1–50）")
    law: str | None = Field(None, description="限定法律（全称或简称，如 民法典）")
    department: str | None = Field(None, description="限定法律部门，如 民法商法")
    include_repealed: bool = Field(False, description="包括已废止、历史版本")


class StatuteOut(Schema):
    law_name: str = Field(..., examples=["中华人民共和国民法典"])
    article_no: int = Field(..., examples=[675])
    article_label: str = Field(..., examples=["第六百七十五条"])
    text: str
    score: float


class SearchOut(Schema):
    results: list[StatuteOut]


class TextIn(Schema):
    text: str = Field(..., max_length=services.MAX_TEXT, examples=["在工地干了三个月，老板一直拖着不给工资"])


class CitationOut(Schema):
    raw: str
    start: int
    end: int
    law: str
    law_name: str | None
    article: int
    article_label: str
    verdict: str = Field(..., description="exists | article_not_found | law_not_in_corpus")
    max_article: int | None


class CitationsOut(Schema):
    citations: list[CitationOut]


class TriageOut(Schema):
    domain: str
    domain_scores: dict[str, float]
    service_type: str
    institution_type: str
    external_department: str | None
    reasons: list[str]
    statutes: list[StatuteOut]
    legal_aid_hint: dict[str, Any] | None = Field(
        None, description="法律援助资格测算结果（与 /legal-aid/eligibility 相同的字段，另含所用事实）"
    )


@router.get("/laws/search", response=SearchOut, summary="法律法规检索（关键词或口语化问题）")
@public_limit
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    return {
        "results": services.search(
            params.q,
            k=params.k,
            law=params.law,
            department=params.department,
            include_repealed=params.include_repealed,
        )
    }


@router.post("/citations/check", response=CitationsOut, summary="核对引用的法条是否存在")
@public_limit
def check_citations(request: HttpRequest, payload: TextIn) -> dict[str, Any]:
    return {"citations": services.check_citations(payload.text)}


@router.post("/triage", response=TriageOut, summary="智能分流：法律领域、服务类型、相关法条、法律援助提示")
@public_limit
def triage(request: HttpRequest, payload: TextIn) -> dict[str, Any]:
    return services.triage(payload.text)


class CaseOut(Schema):
    id: int
    title: str
    body: str
    domain: str | None
    published_at: Any
    statutes: list[str]


class FaqOut(Schema):
    id: int
    question: str
    answer: str
    statutes: list[str]


class MonthlyRow(Schema):
    unit_id: int
    unit: str
    submitted: int
    published: int


class MonthlyOut(Schema):
    month: str
    units: list[MonthlyRow]


@router.get("/cases", response=list[CaseOut], summary="已发布的典型案例（可按关键词查找）")
@public_limit
def list_cases(request: HttpRequest, q: str = "", limit: int = 20) -> list[dict[str, Any]]:
    limit = max(1, min(limit, 100))
    return [
        {
            "id": c.pk,
            "title": c.title,
            "body": c.body,
            "domain": c.domain.name if c.domain else None,
            "published_at": c.published_at,
            "statutes": [str(a) for a in c.statutes.all()],
        }
        for c in cases.published_cases(q[:200]).prefetch_related("statutes__law")[:limit]
    ]


@router.get("/faq", response=list[FaqOut], summary="常见问题（可按关键词查找）")
@public_limit
def list_faq(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "question": f.question,
            "answer": f.answer,
            "statutes": [str(a) for a in f.statutes.all()],
        }
        for f in cases.published_faqs(q[:200]).prefetch_related("statutes__law")[:50]
    ]


@router.get(
    "/cases/monthly", response=MonthlyOut, auth=STAFF_AUTH, summary="典型案例月度报送统计（本单位及下级）"
)
def monthly(request: HttpRequest, month: str) -> dict[str, Any]:
    import datetime

    try:
        year, mon = (int(part) for part in month.split("-"))
        start = datetime.date(year, mon, 1)
    except ValueError:
        raise InvalidInput(
            gettext("月份格式应为 YYYY-MM。"), fields={"month": gettext("月份格式应为 YYYY-MM，如 2026-11。")}
        ) from None
    return {"month": start.strftime("%Y-%m"), "units": cases.monthly_counts(request.user, start)}  # type: ignore[arg-type]
