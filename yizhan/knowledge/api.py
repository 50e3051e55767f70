"""Knowledge API: statute search (SPEC §8 contract), citation check and triage — public, rate-limited."""
# no `from __future__ import annotations`: the rate-limit decorator wraps the views, and ninja
# resolves string annotations in the wrapper's module, where these schemas do not exist.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from yizhan.core.errors import InvalidInput
from yizhan.core.ratelimit import public_limit
from yizhan.knowledge import selectors, services

public_router = Router(tags=["法律知识"])
staff_router = Router(tags=["法律知识"])


class SearchParams(Schema):
    q: str = Field(
        ..., description="关键词或口语化问题，如「老板拖欠工资怎么办」", examples=["老板拖欠工资怎么办"]
    )
    k: int = Field(10, description="返回条数（1–50）")
    law: str | None = Field(None, description="限定法律（全称或简称，如 民法典）")
    department: str | None = Field(None, description="限定法律部门，如 民法商法")
    include_repealed: bool = Field(
        False, description="包括已废止、历史版本和尚未生效的文本（默认只查今天有效的文本）"
    )


class StatuteOut(Schema):
    law_name: str = Field(..., examples=["中华人民共和国民法典"])
    article_no: int = Field(..., examples=[675])
    article_label: str = Field(..., examples=["第六百七十五条"])
    text: str
    score: float
    law_id: str = Field("", description="法律版本的标识（同一法律的不同版本各不相同）")
    status: str = Field("", description="该版本今天的时效性：现行有效、已被修改、尚未生效、历史版本、已废止")


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
    in_force: bool | None = Field(None, description="该条是否有现行有效的文本（未找到时为 null）")
    message: str = Field("", description="核对结论的中文说明")
    note: str = Field(
        "", description="需要注意的情况（非现行文本、已被修正案修改、修订文本已公布尚未施行），没有时为空"
    )
    source_id: int | None = Field(
        None, description="该条在法规库中的编号（/laws/article/<编号>/），未找到时为 null"
    )


class CitationsOut(Schema):
    citations: list[CitationOut]


class TriageOut(Schema):
    domain: str
    domain_scores: dict[str, float]
    service_type: str
    institution_type: str = Field(..., description="机构类型代码，如 legal_aid_center")
    institution_label: str = Field(..., examples=["法律援助中心"])
    external_department: str | None
    reasons: list[str]
    statutes: list[StatuteOut]
    legal_aid_hint: dict[str, Any] | None = Field(
        None, description="法律援助资格测算结果（与 /legal-aid/eligibility 相同的字段，另含所用事实）"
    )


STATUTE_EXAMPLE = {
    "law_name": "中华人民共和国劳动合同法",
    "article_no": 30,
    "article_label": "第三十条",
    "text": "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。……",
    "score": 0.2043,
}
ERROR_EXAMPLE = {
    "error": {
        "code": "invalid",
        "message": "查询参数有误。",
        "fields": {"k": "k 应在1到50之间。"},
    }
}


def _examples(ok: dict[str, Any], bad: dict[str, Any] | None = None) -> dict[str, Any]:
    """OpenAPI response examples: the 200 answer and, where it applies, the 422 error shape."""
    responses: dict[int, Any] = {200: {"description": "OK", "content": {"application/json": {"example": ok}}}}
    if bad is not None:
        responses[422] = {"description": "输入有误", "content": {"application/json": {"example": bad}}}
    return {"responses": responses}


@public_router.get(
    "/laws/search",
    response=SearchOut,
    summary="法律法规检索（关键词或口语化问题）",
    description=(
        "用关键词或群众的口语化问题查找法条，按相关度从高到低排列。默认只查现行有效（含已被修改）的"
        "法律法规。`q` 为空、`k` 不在 1–50 之间时返回 422，`fields` 指明字段。"
    ),
    openapi_extra=_examples({"results": [STATUTE_EXAMPLE]}, ERROR_EXAMPLE),
)
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


@public_router.post(
    "/citations/check",
    response=CitationsOut,
    summary="核对引用的法条是否存在",
    description=(
        "找出文本中的《某某法》第N条（汉字或阿拉伯数字、之一），逐一核对法律是否在法规库中、该条是否存在。"
    ),
    openapi_extra=_examples(
        {
            "citations": [
                {
                    "raw": "《民法典》第1254条",
                    "start": 2,
                    "end": 13,
                    "law": "民法典",
                    "law_name": "中华人民共和国民法典",
                    "article": 1254,
                    "article_label": "第一千二百五十四条",
                    "verdict": "exists",
                    "max_article": 1260,
                    "in_force": True,
                    "message": "《民法典》第一千二百五十四条存在",
                    "note": "",
                    "source_id": 14293,
                },
                {
                    "raw": "《劳动法》第999条",
                    "start": 14,
                    "end": 24,
                    "law": "劳动法",
                    "law_name": "中华人民共和国劳动法",
                    "article": 999,
                    "article_label": "第九百九十九条",
                    "verdict": "article_not_found",
                    "max_article": 107,
                    "in_force": None,
                    "message": "《劳动法》没有第九百九十九条（该法共107条）",
                    "note": "",
                    "source_id": None,
                },
            ]
        }
    ),
)
@public_limit
def check_citations(request: HttpRequest, payload: TextIn) -> dict[str, Any]:
    return {"citations": services.check_citations(payload.text)}


@public_router.post(
    "/triage",
    response=TriageOut,
    summary="智能分流：法律领域、服务类型、相关法条、法律援助提示",
    description=(
        "根据群众的描述给出法律领域（及各领域的概率）、建议的服务类型和机构、相关法条；事项属于法律援助法"
        "第三十一条的范围时，`legal_aid_hint` 给出资格测算结果（字段同 /legal-aid/eligibility，另含所依据的"
        "事实 `facts`），否则为 null。"
    ),
    openapi_extra=_examples(
        {
            "domain": "劳动纠纷",
            "domain_scores": {"劳动纠纷": 0.91, "建设工程": 0.03, "债权债务": 0.02},
            "service_type": "法律援助",
            "institution_type": "legal_aid_center",
            "institution_label": "法律援助中心",
            "external_department": "12333 人力资源和社会保障部门（劳动保障监察）",
            "reasons": ["拖欠劳动报酬：可向劳动保障监察投诉（12333），或申请劳动仲裁、法律援助"],
            "statutes": [STATUTE_EXAMPLE],
            "legal_aid_hint": {
                "facts": {
                    "proceeding": "civil",
                    "claim": "wages",
                    "groups": ["migrant_worker"],
                },
                "eligible": True,
                "outcome": "eligible",
                "route": "application",
                "economic_condition": "exempt_from_verification",
                "grounds": ["法律援助法第三十一条第五项", "法律援助法第四十二条第三项"],
                "missing": ["法律援助申请表", "申请人身份证明"],
                "explanation": "结论：符合法律援助条件，可以申请法律援助。……",
            },
        },
        {"error": {"code": "invalid", "message": "请输入事项描述。", "fields": {"text": "请输入事项描述。"}}},
    ),
)
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


@public_router.get("/cases", response=list[CaseOut], summary="已发布的典型案例（可按关键词查找）")
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
        for c in selectors.published_cases(q[:200]).prefetch_related("statutes__law")[:limit]
    ]


@public_router.get("/faq", response=list[FaqOut], summary="常见问题（可按关键词查找）")
@public_limit
def list_faq(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "question": f.question,
            "answer": f.answer,
            "statutes": [str(a) for a in f.statutes.all()],
        }
        for f in selectors.published_faqs(q[:200]).prefetch_related("statutes__law")[:50]
    ]


@staff_router.get("/cases/monthly", response=MonthlyOut, summary="典型案例月度报送统计（本单位及下级）")
def monthly(request: HttpRequest, month: str) -> dict[str, Any]:
    import datetime

    try:
        year, mon = (int(part) for part in month.split("-"))
        start = datetime.date(year, mon, 1)
    except ValueError:
        raise InvalidInput(
            gettext("月份格式应为 YYYY-MM。"), fields={"month": gettext("月份格式应为 YYYY-MM，如 2026-11。")}
        ) from None
    return {"month": start.strftime("%Y-%m"), "units": selectors.monthly_counts(request.user, start)}  # type: ignore[arg-type]
