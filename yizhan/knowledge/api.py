"""Knowledge API: statute search (SPEC §8 contract), citation check and triage — public, rate-limited."""
# no `from __future__ import annotations`: the rate-limit decorator wraps the views, and ninja
# resolves string annotations in the wrapper's module, where these schemas do not exist.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from yizhan.core.ratelimit import public_limit
from yizhan.knowledge import services

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
