"""The other routes and steps of the workflow over the API: notifications with the three-day clock
(art. 36) and the art. 26 experience check, detention transfers (art. 39), representatives (art. 40),
provisional aid (art. 44), termination (art. 48), objections decided in five days (art. 49), the
decision letter as a rendered PDF."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess

import pytest

from yizhan.accounts.models import ApiToken
from yizhan.legalaid import clocks
from yizhan.legalaid.models import LegalAidCase
from yizhan.legalaid.tests.test_api import APPLICATION
from yizhan.orgs.models import Person


@pytest.fixture
def api(client, users):
    tokens = {name: ApiToken.issue(users[name], "测试")[1] for name in ("legalaid", "manager", "clerk2")}

    def call(who, path, body=None):
        return client.post(
            "/api/v1" + path,
            json.dumps(body or {}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[who]}",
        )

    return call


NOTICE = {
    "matter": {
        "channel": "letter",
        "domain": "criminal_defense",
        "title": "通知辩护：故意杀人案",
        "requesters": [{"name": "李某某"}],
    },
    "authority": "court",
    "authority_name": "兰州市中级人民法院",
    "notice_number": "(2026)甘01刑初88号",
    "notified_at": "2026-11-24T09:00:00+08:00",
}


def _notice(api, person):
    body = {**NOTICE, "facts": {"proceeding": "criminal", "role": "suspect_or_defendant", "person": person}}
    response = api("legalaid", "/legal-aid/notifications", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_notification_is_granted_with_a_three_day_assignment_clock(api, district):
    case = _notice(api, ["minor"])
    assert case["stage"] == "granted" and case["route"] == "notification"
    assert case["eligibility"]["grounds"] == ["法律援助法第二十五条第一款第一项"]
    # 第三十六条: three days from the centre's receipt of the notice (here: when it is registered)
    received = datetime.datetime.fromisoformat(case["received_at"])
    assert case["assign_due"] == clocks.statutory_due(received, clocks.ASSIGN_DAYS).date.isoformat()


def test_a_notification_through_the_api_with_its_receipt_time(api, district):
    body = {
        **NOTICE,
        "received_at": "2026-11-25T08:30:00+08:00",
        "facts": {"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]},
    }
    response = api("legalaid", "/legal-aid/notifications", body)
    assert response.status_code == 201, response.content
    assert response.json()["assign_due"] == "2026-11-30"  # 28 November is a Saturday


def test_a_notice_that_is_not_a_mandatory_defence_is_refused(api, district):
    body = {**NOTICE, "facts": {"proceeding": "criminal", "role": "suspect_or_defendant"}}
    response = api("legalaid", "/legal-aid/notifications", body)
    assert response.status_code == 422
    assert LegalAidCase.objects.count() == 0


def test_death_penalty_defence_needs_three_years_of_practice(api, district):
    case = _notice(api, ["may_face_life_or_death_sentence"])
    assert any("三年以上" in r for r in case["eligibility"]["assignment_requirements"])
    junior = Person.objects.create(
        name="新律师", role="lawyer", org=district.firms[0], practice_since=datetime.date(2025, 6, 1)
    )
    refused = api("legalaid", f"/legal-aid/cases/{case['number']}/steps/assign", {"person_id": junior.pk})
    assert refused.status_code == 422
    assert "person" in refused.json()["error"]["fields"]
    senior = district.lawyers[0]
    assert senior.criminal_practice_years >= 3
    done = api("legalaid", f"/legal-aid/cases/{case['number']}/steps/assign", {"person_id": senior.pk})
    assert done.status_code == 200 and done.json()["stage"] == "assigned"


def test_detention_transfer_needs_the_time_of_the_request(api, district):
    body = {
        **APPLICATION,
        "facts": {"proceeding": "criminal", "role": "suspect_or_defendant", "economic_hardship": True},
        "source": "detention",
        "detention_place": "兰州市看守所",
    }
    missing = api("legalaid", "/legal-aid/cases", body)
    assert missing.status_code == 422
    assert "detention_submitted_at" in missing.json()["error"]["fields"]
    ok = api("legalaid", "/legal-aid/cases", {**body, "detention_submitted_at": "2026-11-24T08:00:00+08:00"})
    assert ok.status_code == 201, ok.content
    assert ok.json()["source"] == "detention"


def test_representative_needs_the_relation(api, district):
    body = {**APPLICATION, "source": "representative"}
    response = api("legalaid", "/legal-aid/cases", body)
    assert response.status_code == 422
    assert "applicant_relation" in response.json()["error"]["fields"]
    assert api("legalaid", "/legal-aid/cases", {**body, "applicant_relation": "父亲"}).status_code == 201


@pytest.fixture
def reviewing(api, district):
    response = api("legalaid", "/legal-aid/cases", APPLICATION)
    assert response.json()["stage"] == "under_review"
    return response.json()["number"]


def test_provisional_aid_sets_a_formalities_date(api, reviewing):
    bad = api("legalaid", f"/legal-aid/cases/{reviewing}/steps/provide_provisionally", {"reason": "9"})
    assert bad.status_code == 422 and "reason" in bad.json()["error"]["fields"]
    done = api("legalaid", f"/legal-aid/cases/{reviewing}/steps/provide_provisionally", {"reason": "1"})
    assert done.status_code == 200
    data = done.json()
    assert data["stage"] == "granted" and data["provisional"] is True
    assert data["formalities_due"] and data["assign_due"]


def test_refusal_objection_and_correction(api, reviewing):
    refused = api("legalaid", f"/legal-aid/cases/{reviewing}/steps/refuse", {"note": "不属于法律援助事项"})
    assert refused.json()["stage"] == "refused" and refused.json()["decision_number"].startswith("不援决")
    objected = api(
        "legalaid", f"/legal-aid/cases/{reviewing}/steps/object", {"note": "申请人认为属于讨薪事项"}
    )
    assert objected.json()["stage"] == "objection"
    case = LegalAidCase.objects.get(number=reviewing)
    objection = case.objections.get()
    assert objection.due == clocks.statutory_due(objection.filed_at, clocks.OBJECTION_DAYS).date
    # the centre cannot decide on an objection against itself
    assert api("legalaid", f"/legal-aid/cases/{reviewing}/steps/correct", {"note": "x"}).status_code == 403
    corrected = api(
        "manager", f"/legal-aid/cases/{reviewing}/steps/correct", {"note": "属于第三十一条第五项，重新审查"}
    )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["stage"] == "under_review"


def test_termination_needs_an_article_48_reason(api, reviewing, district):
    api("legalaid", f"/legal-aid/cases/{reviewing}/steps/grant")
    bad = api("legalaid", f"/legal-aid/cases/{reviewing}/steps/terminate", {"note": "x"})
    assert bad.status_code == 422 and "reason" in bad.json()["error"]["fields"]
    done = api(
        "legalaid",
        f"/legal-aid/cases/{reviewing}/steps/terminate",
        {"reason": "6", "note": "受援人自行委托律师"},
    )
    assert done.json()["stage"] == "terminated"


def test_decision_letter_renders(client, api, reviewing, tmp_path):
    api("legalaid", f"/legal-aid/cases/{reviewing}/steps/grant", {"note": "符合法律援助条件"})
    client.login(username="legalaid", password="Test-pass-2026")
    response = client.get(f"/staff/legal-aid/{reviewing}/decision.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes(response.content)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "给予法律援助" in text.replace(" ", "")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
        assert any(p.stat().st_size > 2000 for p in tmp_path.glob("page*.png"))


def test_closing_then_archive_with_quality_review(api, reviewing, district, client):
    api("legalaid", f"/legal-aid/cases/{reviewing}/steps/grant")
    worker = Person.objects.filter(org=district.legal_aid_center, role="legal_aid_worker").first()
    assert (
        api("legalaid", f"/legal-aid/cases/{reviewing}/steps/assign", {"person_id": worker.pk}).status_code
        == 200
    )
    closed = api(
        "legalaid",
        f"/legal-aid/cases/{reviewing}/steps/close",
        {"note": "调解结案", "materials": ["documents", "report", "recipient_opinion"]},
    )
    # the worker has no account: the centre closes for them, and says so
    assert closed.status_code == 422 and "on_behalf_reason" in closed.json()["error"]["fields"]
    closed = api(
        "legalaid",
        f"/legal-aid/cases/{reviewing}/steps/close",
        {
            "note": "调解结案",
            "materials": ["documents", "report", "recipient_opinion"],
            "on_behalf_reason": "承办人员无系统账号，依其提交的结案材料登记。",
        },
    )
    assert closed.json()["stage"] == "closed", closed.content
    bad = api("legalaid", f"/legal-aid/cases/{reviewing}/steps/archive", {"quality_score": 101})
    assert bad.status_code == 422
    archived = api(
        "legalaid", f"/legal-aid/cases/{reviewing}/steps/archive", {"quality_score": 92, "note": "材料齐全"}
    )
    assert archived.json()["stage"] == "archived"
    case = LegalAidCase.objects.get(number=reviewing)
    assert case.quality_score == 92 and case.archived_at


def test_station_forwarded_application_is_in_the_legal_aid_transfer_ledger(api, client, users):
    created = api("clerk2", "/legal-aid/cases", APPLICATION).json()
    api("clerk2", f"/legal-aid/cases/{created['number']}/steps/precheck_pass")
    token = ApiToken.issue(users["legalaid"], "台帐")[1]
    rows = client.get("/api/v1/ledgers/legal_aid_transfers", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert created["matter_number"] in json.dumps(rows, ensure_ascii=False)


def test_near_due_and_overdue_lists(api, reviewing, district, client):
    from yizhan.legalaid import selectors

    legalaid = district.users["legalaid"]
    case = LegalAidCase.objects.get(number=reviewing)
    today = datetime.date(2026, 11, 24)
    LegalAidCase.objects.filter(pk=case.pk).update(decision_due=today + datetime.timedelta(days=1))
    lists = selectors.clock_lists(legalaid, today=today)
    assert [c.number for c in lists["near"]] == [reviewing] and not lists["late"]
    LegalAidCase.objects.filter(pk=case.pk).update(decision_due=today - datetime.timedelta(days=1))
    lists = selectors.clock_lists(legalaid, today=today)
    assert [c.number for c in lists["late"]] == [reviewing]
    from yizhan.legalaid.selectors import overdue_cases

    assert (case.pk, "法律援助法第四十三条第一款") in [(c.pk, a) for c, a in overdue_cases(today)]


def test_simplified_procedure_forwards_at_intake(api, district):
    body = {
        **APPLICATION,
        "simplified": True,
        "home_visit": True,
        "accessibility_notes": "申请人行动不便，需上门",
    }
    case = api("clerk2", "/legal-aid/cases", body).json()
    assert case["stage"] == "forwarded"  # pre-checked at intake: one trip
    assert case["home_visit"] is True and case["accessibility_notes"] == "申请人行动不便，需上门"
    normal = api("clerk2", "/legal-aid/cases", APPLICATION).json()
    assert normal["stage"] == "applied"
