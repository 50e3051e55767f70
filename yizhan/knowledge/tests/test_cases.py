"""Typical-case library and FAQ: automatic anonymisation, review workflow, scoping, monthly counts,
and the one search box across statutes, FAQ and cases."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from yizhan.accounts.models import ApiToken
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.knowledge import selectors, services
from yizhan.knowledge.models import Article, CaseStatus, TypicalCase
from yizhan.matters.testing import VALID_ID, drive

# cases are written with the statute corpus in place: saving one suggests its statutes
pytestmark = pytest.mark.usefixtures("corpus")

PASSWORD = "Test-pass-2026"
PLANTED = (
    "申请人王建国（身份证号110101199003074258，电话13912345678，住甘肃省兰州市西固区福利西路100号3单元501室）"
    "在工地务工三个月，被拖欠工资一万二千元，经调解，用工方当场支付全部工资。"
)


def test_personal_data_is_removed_when_the_case_is_saved(district):
    case = services.do_create_case(title="王建国讨薪案", body=PLANTED, actor=district.users["clerk"])
    for secret in ("王建国", "110101199003074258", "13912345678", "福利西路100号"):
        assert secret not in case.body and secret not in case.title
    assert "拖欠工资" in case.body
    assert sum(case.removed.values()) >= 4
    assert case.status == CaseStatus.DRAFT


def test_review_workflow_and_illegal_steps(district):
    clerk, manager = district.users["clerk"], district.users["manager"]
    case = services.do_create_case(title="讨薪调解案", body=PLANTED, actor=clerk)
    with pytest.raises(IllegalTransition):
        services.do_publish_case(case, actor=manager)  # not submitted yet
    with pytest.raises(Forbidden):  # the author may not publish
        services.do_publish_case(services.do_submit_case(case, actor=clerk), actor=clerk)
    with pytest.raises(InvalidInput) as caught:
        services.do_return_case(case, "", actor=manager)
    assert "reason" in caught.value.fields
    services.do_return_case(case, "请补充调解依据", actor=manager)
    assert case.status == CaseStatus.RETURNED
    # the author puts a phone number back in while editing: it is removed again
    services.do_edit_case(case, title="讨薪调解案", body=case.body + " 联系电话13800001111。", actor=clerk)
    assert "13800001111" not in case.body
    services.do_submit_case(case, actor=clerk)
    services.do_publish_case(case, actor=manager)
    assert case.status == CaseStatus.PUBLISHED and case.published_at
    with pytest.raises(IllegalTransition):
        services.do_edit_case(case, title="改", body=case.body, actor=manager)


def test_case_from_a_concluded_matter_only(district):
    clerk = district.users["clerk"]
    open_matter = drive(district, "transferred")
    with pytest.raises(IllegalTransition):
        services.do_create_case_from_matter(open_matter.number, actor=clerk)
    done = drive(district, "fed_back")
    case = services.do_create_case_from_matter(done.number, actor=clerk)
    assert case.source_matter_id == done.pk and case.domain_id == done.domain_id
    assert VALID_ID not in case.body
    with pytest.raises(IllegalTransition):
        services.do_create_case_from_matter(done.number, actor=clerk)  # once per matter


def test_scoping_other_township_gets_404_until_published(client, district):
    clerk2, officer2 = district.users["clerk2"], district.users["officer2"]
    case = services.do_create_case(title="邻里纠纷调解案", body=PLANTED, actor=clerk2)
    with pytest.raises(NotFound):
        selectors.access_case(officer2, case.pk)
    client.login(username="officer2", password=PASSWORD)
    assert client.get(f"/staff/knowledge/cases/{case.pk}/").status_code == 404
    assert client.get(f"/laws/cases/{case.pk}/").status_code == 404  # not public yet
    services.do_submit_case(case, actor=clerk2)
    services.do_publish_case(case, actor=district.users["manager"])
    assert client.get(f"/laws/cases/{case.pk}/").status_code == 200
    assert selectors.access_case(officer2, case.pk) == case


def test_monthly_counts_api(client, district):
    clerk = district.users["clerk"]
    for n in range(2):
        services.do_submit_case(
            services.do_create_case(title=f"案例{n}", body=PLANTED, actor=clerk), actor=clerk
        )
    month = timezone.localdate().strftime("%Y-%m")
    token = ApiToken.issue(district.users["manager"], "测试")[1]
    response = client.get("/api/v1/cases/monthly", {"month": month}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    units = response.json()["units"]
    assert [(u["unit"], u["submitted"], u["published"]) for u in units] == [(clerk.unit.name, 2, 0)]
    bad = client.get("/api/v1/cases/monthly", {"month": "2026-13"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 422 and "month" in bad.json()["error"]["fields"]
    assert client.get("/api/v1/cases/monthly", {"month": month}).status_code == 401


def test_staff_pages(client, district):
    client.login(username="clerk", password=PASSWORD)
    bad = client.post("/staff/knowledge/cases/new/", {"title": "", "body": "短"})
    assert bad.status_code == 422
    response = client.post("/staff/knowledge/cases/new/", {"title": "讨薪调解案", "body": PLANTED})
    assert response.status_code == 302
    case = TypicalCase.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "13912345678" not in page and "已自动去除" in page and "手机号 1 处" in page
    assert client.post(f"/staff/knowledge/cases/{case.pk}/", {"action": "submit"}).status_code == 302
    assert TypicalCase.objects.get().status == CaseStatus.SUBMITTED
    assert client.get("/staff/knowledge/cases/").status_code == 200
    assert client.get("/staff/knowledge/cases/monthly/").status_code == 200


def test_faq_needs_statutes_to_publish_and_one_box_finds_all(client, district, corpus):
    manager = district.users["manager"]
    with pytest.raises(Forbidden):
        services.do_save_faq(
            question="q", answer="a", statute_ids=[], published=True, actor=district.users["clerk"]
        )
    with pytest.raises(InvalidInput) as caught:
        services.do_save_faq(
            question="被拖欠工资怎么办？",
            answer="可以申请支付令。",
            statute_ids=[],
            published=True,
            actor=manager,
        )
    assert "statutes" in caught.value.fields
    article = Article.objects.get(law__name="中华人民共和国劳动合同法", number=30)
    services.do_save_faq(
        question="被拖欠工资怎么办？",
        answer="可以向法院申请支付令。",
        statute_ids=[article.source_id],
        published=True,
        actor=manager,
    )
    clerk = district.users["clerk"]
    case = services.do_create_case(title="讨要工资调解成功", body=PLANTED, actor=clerk)
    services.do_publish_case(services.do_submit_case(case, actor=clerk), actor=manager)
    page = client.get("/laws/", {"q": "拖欠工资怎么办"}).content.decode()
    assert "被拖欠工资怎么办？" in page and "讨要工资调解成功" in page and "劳动合同法" in page
    faq = client.get("/api/v1/faq", {"q": "工资"}).json()
    assert faq[0]["statutes"] == [str(article)]
    listed = client.get("/api/v1/cases", {"q": "工资"}).json()
    assert [c["title"] for c in listed] == ["讨要工资调解成功"]
    assert json.dumps(listed, ensure_ascii=False).count("13912345678") == 0


def test_a_reviewer_of_another_township_cannot_act_on_a_case(district):
    clerk2 = district.users["clerk2"]
    case = services.do_submit_case(
        services.do_create_case(title="邻里纠纷调解案", body=PLANTED, actor=clerk2), actor=clerk2
    )
    with pytest.raises(NotFound):
        services.do_publish_case(case, actor=district.users["officer2"])
    with pytest.raises(NotFound):
        services.do_return_case(case, "不行", actor=district.users["officer2"])
    services.do_publish_case(case, actor=district.users["officer"])  # the township of the submitting station
    assert case.status == CaseStatus.PUBLISHED and case.reviewed_by == district.users["officer"]


def test_every_step_is_audited(district):
    from yizhan.audit.models import AuditLog

    clerk, manager = district.users["clerk"], district.users["manager"]
    case = services.do_create_case(title="讨薪调解案", body=PLANTED, actor=clerk)
    services.do_submit_case(case, actor=clerk)
    services.do_return_case(case, "请补充调解依据", actor=manager)
    entries = list(
        AuditLog.objects.filter(object_id=str(case.pk), object_type__icontains="typicalcase").order_by("pk")
    )
    assert [e.changes.get("status") for e in entries] == [
        None,
        ["draft", "submitted"],
        ["submitted", "returned"],
    ]
    assert entries[-1].changes["return_reason"] == "请补充调解依据"
    assert all("13912345678" not in json.dumps(e.changes, ensure_ascii=False) for e in entries)


def test_a_resubmitted_case_counts_in_the_month_of_its_first_submission(district):
    clerk, manager = district.users["clerk"], district.users["manager"]
    case = services.do_submit_case(
        services.do_create_case(title="讨薪调解案", body=PLANTED, actor=clerk), actor=clerk
    )
    earlier = timezone.now() - timezone.timedelta(days=40)
    TypicalCase.objects.filter(pk=case.pk).update(submitted_at=earlier)
    services.do_return_case(case, "请补充调解依据", actor=manager)
    services.do_submit_case(case, actor=clerk)
    assert case.submitted_at == earlier
    assert selectors.monthly_counts(manager, timezone.localdate()) == []
    counted = selectors.monthly_counts(manager, timezone.localtime(earlier).date())
    assert [(row["unit"], row["submitted"]) for row in counted] == [(clerk.unit.name, 1)]


def test_the_staff_search_box_finds_statutes_and_the_units_cases(client, district, corpus):
    clerk2 = district.users["clerk2"]
    services.do_create_case(title="讨要工资调解案", body=PLANTED, actor=clerk2)
    client.login(username="officer", password=PASSWORD)  # the station's township: sees the draft
    page = client.get("/staff/knowledge/", {"q": "拖欠工资怎么办"}).content.decode()
    assert "劳动合同法" in page and "讨要工资调解案" in page and "草稿" in page
    client.login(username="officer2", password=PASSWORD)  # another township: does not
    page = client.get("/staff/knowledge/", {"q": "拖欠工资怎么办"}).content.decode()
    assert "劳动合同法" in page and "讨要工资调解案" not in page
    client.logout()
    assert client.get("/staff/knowledge/").status_code == 302  # login first


def test_statutes_are_suggested_from_the_case_and_corrected_by_the_reviewer(district, corpus):
    clerk, manager = district.users["clerk"], district.users["manager"]
    case = services.do_create_case(
        title="离婚后抚养费纠纷",
        body="【基本案情】王某与刘某离婚后，孩子随王某生活，刘某两年未支付抚养费。"
        "【处理结果】经人民调解委员会调解，刘某一次性补付抚养费并按月支付。",
        actor=clerk,
    )
    suggested = {(a.law.short_name, a.number) for a in case.statutes.select_related("law")}
    assert suggested & {("民法典", 1085), ("民法典", 1067)}, suggested
    services.do_submit_case(case, actor=clerk)
    with pytest.raises(InvalidInput) as caught:
        services.do_edit_case(
            case, title=case.title, body=case.body, statutes="《火星法》第3条", actor=manager
        )
    assert "statutes" in caught.value.fields
    services.do_edit_case(
        case, title=case.title, body=case.body, statutes="《劳动合同法》第三十条、劳动法第50条", actor=manager
    )
    assert selectors.statute_citations(case) == "《劳动合同法》第三十条、《劳动法》第五十条"


def test_writing_a_case_without_the_permission_is_refused_not_ignored(client, district):
    client.force_login(district.users["volunteer"])
    response = client.post(
        "/staff/knowledge/cases/new/", {"title": "邻里纠纷", "body": "双方因漏水发生纠纷，经调解和解。"}
    )
    assert response.status_code == 403
    assert not TypicalCase.objects.exists()
