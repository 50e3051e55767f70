"""Legal-aid API: the public eligibility contract (SPEC §5), its bad input, the dated standards from
the database, and the staff case workflow over HTTP including every illegal step."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from yizhan.accounts.models import ApiToken
from yizhan.legalaid.models import HardshipStandard, LegalAidCase, ScopeExtension, StandardKind
from yizhan.legalaid.states import STEPS, CaseStage
from yizhan.matters.testing import VALID_ID
from yizhan.rules.legal_aid import PUBLIC_KEYS

URL = "/api/v1/legal-aid/eligibility"


def _post(client, path, body, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **headers)


# --- public contract -------------------------------------------------------------------------------


def test_migrant_worker_wages_is_exempt_from_verification(client, db):
    body = {
        "proceeding": "civil",
        "role": "applicant",
        "claim": "wages",
        "retrial": False,
        "has_counsel": False,
        "circumstances": [],
        "person": [],
        "groups": ["migrant_worker"],
        "economic_hardship": None,
        "household_size": 3,
        "household_monthly_income": 2400,
        "region": "620104",
    }
    response = _post(client, URL, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert tuple(data) == PUBLIC_KEYS
    assert data["eligible"] is True
    assert data["route"] == "application"
    assert data["economic_condition"] == "exempt_from_verification"
    assert data["grounds"] == ["法律援助法第三十一条第五项", "法律援助法第四十二条第三项"]
    assert "与所申请法律援助事项有关的材料" in data["missing"]
    assert data["explanation"].startswith("结论：")


def test_mandatory_defence_is_a_notification(client, db):
    data = _post(
        client, URL, {"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]}
    ).json()
    assert data["route"] == "notification"
    assert data["economic_condition"] == "not_applicable"
    assert data["grounds"] == ["法律援助法第二十五条第一款第一项"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"proceeding": "civil", "claim": "divorce"}, "claim"),
        ({"proceeding": "civil", "groups": ["farmer"]}, "groups"),
        ({"proceeding": "civil", "circumstances": ["brave"]}, "circumstances"),
        ({"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["juvenile"]}, "person"),
        ({"proceeding": "court"}, "proceeding"),
        ({"claim": "pension"}, "proceeding"),
        ({"proceeding": "criminal", "role": "witness"}, "role"),
        ({"proceeding": "civil", "household_size": "three"}, "household_size"),
        (
            {"proceeding": "civil", "household_size": 2, "household_monthly_income": -5},
            "household_monthly_income",
        ),
        ({"proceeding": "civil", "retrial": "no"}, "retrial"),
        ({"proceeding": "civil", "economic_hardship": "yes"}, "economic_hardship"),
        ({"proceeding": "civil", "region": "lanzhou"}, "region"),
        ({"proceeding": "civil", "househld_size": 2}, "househld_size"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, db, body, field):
    response = _post(client, URL, body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert error["fields"][field]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"civil"', "null"])
def test_a_body_that_is_not_an_object_is_422(client, db, raw):
    response = _post(client, URL, raw)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) <= {"body", "facts"}


def test_the_contract_is_documented_with_examples(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"][URL]["post"]
    body = op["requestBody"]["content"]["application/json"]
    props = body["schema"]["properties"]
    for name in (
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
    ):
        assert name in props
    assert "migrant_worker" in json.dumps(props["groups"])
    assert set(body["examples"]) >= {"migrant_worker", "minor_defendant"}
    # the split claims of 第三十一条第五、七项 are documented, the merged codes still accepted
    claims = json.dumps(props["claim"])
    for code in ("wages", "labor_relation", "work_injury_compensation", "labor_relation_or_wages"):
        assert code in claims
    answer = op["responses"]["200"]["content"]["application/json"]
    # one example answer per outcome, each with exactly the contract's keys
    examples = answer["examples"]
    assert {e["value"]["outcome"] for e in examples.values()} == {
        "eligible",
        "not_eligible",
        "needs_verification",
    }
    assert all(tuple(e["value"]) == PUBLIC_KEYS for e in examples.values())
    out = schema["components"]["schemas"]["EligibilityOut"]
    assert out["properties"]["outcome"]["enum"] == ["eligible", "not_eligible", "needs_verification"]
    assert "needs_verification" in out["properties"]["outcome"]["description"]
    assert "outcome" in out["required"]


@pytest.mark.parametrize(
    ("body", "eligible", "outcome"),
    [
        ({"proceeding": "civil", "claim": "wages", "groups": ["migrant_worker"]}, True, "eligible"),
        ({"proceeding": "civil", "claim": "traffic_accident_compensation"}, True, "needs_verification"),
        (
            {"proceeding": "civil", "claim": "support_payment", "economic_hardship": False},
            False,
            "not_eligible",
        ),
        ({"proceeding": "civil", "claim": "other"}, False, "not_eligible"),
    ],
)
def test_the_answer_tells_the_three_outcomes_apart(client, db, body, eligible, outcome):
    data = _post(client, URL, body).json()
    assert (data["eligible"], data["outcome"]) == (eligible, outcome)


def test_the_merged_claim_code_is_accepted_and_asks_for_the_precise_one(client, db):
    response = _post(
        client, URL, {"proceeding": "civil", "claim": "labor_relation_or_wages", "groups": ["migrant_worker"]}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    # no exemption on the merged code: a claim to confirm a labour relation is not exempt (第四十二条第三项)
    assert data["economic_condition"] == "required" and data["outcome"] == "needs_verification"
    assert "法律援助法第四十二条第三项" not in data["grounds"]
    assert "请求支付劳动报酬（wages）" in data["explanation"]


def test_the_region_standard_in_the_database_decides_at_the_boundary(client, district):
    # the demo district seeds 1.5 × 800 = 1,200 yuan per person per month for province 62 from 2026
    at_limit = {
        "proceeding": "civil",
        "claim": "support_payment",
        "household_size": 3,
        "household_monthly_income": 3600,
        "region": "620104",
    }
    assert _post(client, URL, at_limit).json()["eligible"] is True
    above = {**at_limit, "household_monthly_income": 3600.03}
    data = _post(client, URL, above).json()
    assert data["eligible"] is False
    assert "法律援助法第三十四条" in data["grounds"]
    # the administrator enters a stricter county standard: the next answer follows it at once
    HardshipStandard.objects.create(
        region_code="620104",
        effective_from=datetime.date(2026, 1, 1),
        kind=StandardKind.PER_CAPITA_INCOME_LIMIT,
        amount=Decimal("1000"),
        source="测试区标准",
    )
    data = _post(client, URL, at_limit).json()
    assert data["eligible"] is False
    assert "测试区标准" in data["explanation"]


def test_regional_extension_is_accepted_with_its_source(client, district):
    body = {
        "proceeding": "civil",
        "claim": "other",
        "claim_detail": "elderly_consumer",
        "region": "620104",
        "economic_hardship": True,
    }
    assert _post(client, URL, body).status_code == 422
    ScopeExtension.objects.create(
        region_code="6201",
        article="31.9",
        key="elderly_consumer",
        label="老年人消费纠纷",
        effective_from=datetime.date(2025, 1, 1),
        source="测试市规定",
    )
    data = _post(client, URL, body).json()
    assert data["eligible"] is True
    assert "法律援助法第三十一条第九项" in data["grounds"]
    assert "测试市规定" in data["explanation"]


# --- staff workflow over HTTP ---------------------------------------------------------------------


@pytest.fixture
def tokens(users):
    return {
        name: ApiToken.issue(users[name], "测试")[1]
        for name in ("clerk2", "legalaid", "lawyer", "manager", "officer2")
    }


APPLICATION = {
    "matter": {
        "channel": "window",
        "domain": "labor",
        "title": "讨要工资申请法律援助",
        "facts": "在建筑工地务工五个月，包工头拖欠工资两万元。",
        "requesters": [
            {"name": "马建军", "id_number": VALID_ID, "phone": "13900001111", "groups": ["migrant_worker"]}
        ],
    },
    "facts": {
        "proceeding": "non_litigation",
        "claim": "wages",
        "groups": ["migrant_worker"],
    },
    "source": "window",
    "case_cause": "追索劳动报酬",
}


def _step(client, token, number, code, body=None):
    return _post(client, f"/api/v1/legal-aid/cases/{number}/steps/{code}", body or {}, token)


def test_application_through_to_closing(client, district, tokens):
    created = _post(
        client, "/api/v1/legal-aid/cases", APPLICATION, tokens["clerk2"], HTTP_IDEMPOTENCY_KEY="la-1"
    )
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["stage"] == CaseStage.APPLIED
    assert case["eligibility"]["economic_condition"] == "exempt_from_verification"
    assert "precheck_pass" in case["allowed_steps"]
    again = _post(
        client, "/api/v1/legal-aid/cases", APPLICATION, tokens["clerk2"], HTTP_IDEMPOTENCY_KEY="la-1"
    )
    assert again.status_code == 200 and again.json()["number"] == case["number"]
    assert LegalAidCase.objects.count() == 1
    number = case["number"]

    assert _step(client, tokens["clerk2"], number, "precheck_pass").json()["stage"] == "forwarded"
    received = _step(client, tokens["legalaid"], number, "receive").json()
    assert received["stage"] == "under_review" and received["decision_due"]
    granted = _step(client, tokens["legalaid"], number, "grant", {"note": "符合条件，免予核查。"}).json()
    assert granted["stage"] == "granted" and granted["decision_number"] and granted["assign_due"]
    lawyer = district.lawyers[0]
    assigned = _step(
        client, tokens["legalaid"], number, "assign", {"person_id": lawyer.pk, "chosen_by_applicant": True}
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["assignee"] == lawyer.name and assigned.json()["chosen_by_applicant"] is True
    progress = _post(
        client,
        f"/api/v1/legal-aid/cases/{number}/progress",
        {"content": "已向劳动仲裁委提交仲裁申请。"},
        tokens["lawyer"],
    )
    assert progress.status_code == 201, progress.content
    closed = _step(
        client,
        tokens["lawyer"],
        number,
        "close",
        {"note": "调解结案，追回工资两万元。", "materials": ["documents", "report"]},
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["stage"] == "closed"
    listed = client.get(
        "/api/v1/legal-aid/cases", {"stage": "closed"}, HTTP_AUTHORIZATION=f"Bearer {tokens['legalaid']}"
    ).json()
    assert [c["number"] for c in listed["items"]] == [number]


def test_bad_application_facts_name_the_field(client, district, tokens):
    body = {**APPLICATION, "facts": {"proceeding": "civil", "claim": "salary"}}
    response = _post(client, "/api/v1/legal-aid/cases", body, tokens["clerk2"])
    assert response.status_code == 422
    assert "facts.claim" in response.json()["error"]["fields"]
    assert LegalAidCase.objects.count() == 0


@pytest.fixture
def under_review(client, tokens):
    response = _post(client, "/api/v1/legal-aid/cases", APPLICATION, tokens["legalaid"])
    assert response.status_code == 201, response.content
    assert response.json()["stage"] == "under_review"  # applied at the centre itself
    return response.json()["number"]


@pytest.mark.parametrize("code", [c for c, s in STEPS.items() if CaseStage.UNDER_REVIEW not in s.sources])
def test_every_illegal_step_is_refused_with_409(client, tokens, under_review, code):
    actor = "manager" if STEPS[code].permission == "legalaid.decide_objection" else "legalaid"
    response = _step(
        client, tokens[actor], under_review, code, {"note": "理由", "items": ["x"], "reason": "1"}
    )
    assert response.status_code == 409, (code, response.content)
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert "审查中" in error["message"]
    assert LegalAidCase.objects.get(number=under_review).stage == CaseStage.UNDER_REVIEW


def test_unknown_step_missing_permission_and_scope(client, tokens, under_review):
    assert _step(client, tokens["legalaid"], under_review, "teleport").status_code == 404
    forbidden = _step(client, tokens["manager"], under_review, "grant")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "forbidden"
    # a judicial office of another township cannot see the centre's case at all
    assert _step(client, tokens["officer2"], under_review, "grant").status_code == 404
    assert (
        client.get(
            f"/api/v1/legal-aid/cases/{under_review}", HTTP_AUTHORIZATION=f"Bearer {tokens['officer2']}"
        ).status_code
        == 404
    )


def test_step_with_bad_payload_is_422_and_changes_nothing(client, tokens, under_review):
    refused = _step(client, tokens["legalaid"], under_review, "refuse", {"note": ""})
    assert refused.status_code == 422
    assert "note" in refused.json()["error"]["fields"]
    assert (
        _step(client, tokens["legalaid"], under_review, "request_materials", {"items": []}).status_code == 422
    )
    assert LegalAidCase.objects.get(number=under_review).stage == CaseStage.UNDER_REVIEW


def test_assign_to_an_unknown_person_is_422(client, tokens, under_review):
    _step(client, tokens["legalaid"], under_review, "grant")
    response = _step(client, tokens["legalaid"], under_review, "assign", {"person_id": 999999})
    assert response.status_code == 422
    assert "person_id" in response.json()["error"]["fields"]


def test_anonymous_cannot_use_the_staff_endpoints(client, db):
    assert client.get("/api/v1/legal-aid/cases").status_code == 401
