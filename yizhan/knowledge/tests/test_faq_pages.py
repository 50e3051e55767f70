"""The staff FAQ pages: the district manager writes an entry with its statutes as citations; a wrong
citation is refused on its field and nothing typed is lost; others may not edit; published entries
appear in the public search."""

from __future__ import annotations

import pytest

from yizhan.audit.models import AuditLog
from yizhan.knowledge.models import Faq


def _form(**overrides):
    data = {
        "question": "老板拖欠工资怎么办？",
        "answer": "可以先与用人单位协商，也可以向劳动保障监察部门投诉或者申请劳动仲裁。",
        "statutes": "《劳动合同法》第三十条、劳动法第50条",
        "published": "on",
    }
    data.update(overrides)
    return data


def test_manager_publishes_an_entry_with_cited_statutes(client, corpus, district):
    manager = district.users["manager"]
    client.force_login(manager)
    response = client.post("/staff/knowledge/faq/new/", _form())
    assert response.status_code == 302
    faq = Faq.objects.get()
    assert faq.published and faq.updated_by == manager
    assert sorted(a.label for a in faq.statutes.all()) == ["第三十条", "第五十条"]
    assert AuditLog.objects.filter(object_type__icontains="faq", object_id=str(faq.pk)).exists()
    listing = client.get("/staff/knowledge/faq/").content.decode()
    assert "老板拖欠工资怎么办？" in listing and "已发布" in listing
    edit = client.get(f"/staff/knowledge/faq/{faq.pk}/").content.decode()
    assert "《劳动合同法》第三十条" in edit
    client.logout()
    public = client.get("/laws/", {"q": "拖欠工资"}).content.decode()
    assert "老板拖欠工资怎么办？" in public
    assert public.index("老板拖欠工资怎么办？") < public.index("相关法条")  # curated answers first


@pytest.mark.parametrize(
    ("statutes", "published", "message"),
    [
        ("《劳动合同法》第三百条", "on", "法规库中找不到"),
        ("劳动合同法三十", "on", "没有识别出法条"),
        ("", "on", "须注明所依据的法条"),
    ],
)
def test_bad_statutes_are_refused_on_their_field(client, corpus, district, statutes, published, message):
    client.force_login(district.users["manager"])
    response = client.post("/staff/knowledge/faq/new/", _form(statutes=statutes, published=published))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "可以先与用人单位协商" in page  # nothing typed is lost
    assert not Faq.objects.exists()


def test_a_draft_needs_no_statutes_and_edits_keep_the_entry(client, corpus, district):
    client.force_login(district.users["manager"])
    client.post("/staff/knowledge/faq/new/", _form(statutes="", published=""))
    faq = Faq.objects.get()
    assert not faq.published
    response = client.post(f"/staff/knowledge/faq/{faq.pk}/", _form(question="被拖欠工资怎么办？"))
    assert response.status_code == 302
    faq.refresh_from_db()
    assert faq.question == "被拖欠工资怎么办？" and faq.published and Faq.objects.count() == 1


def test_overlong_question_is_a_field_error(client, corpus, district):
    client.force_login(district.users["manager"])
    response = client.post("/staff/knowledge/faq/new/", _form(question="问" * 201))
    assert response.status_code == 422
    assert not Faq.objects.exists()


@pytest.mark.parametrize("username", ["clerk", "mediator", "city"])
def test_others_may_not_edit(client, corpus, district, username):
    client.force_login(district.users[username])
    assert client.get("/staff/knowledge/faq/").status_code == 403
    assert client.post("/staff/knowledge/faq/new/", _form()).status_code == 403
    assert not Faq.objects.exists()


def test_unknown_entry_is_404(client, corpus, district):
    client.force_login(district.users["manager"])
    assert client.get("/staff/knowledge/faq/999999/").status_code == 404


def test_question_words_like_zenmeban_do_not_match_unrelated_entries(client, corpus, district):
    client.force_login(district.users["manager"])
    client.post(
        "/staff/knowledge/faq/new/", _form(question="楼上漏水怎么办？", answer="先协商，不成可以申请调解。")
    )
    client.post("/staff/knowledge/faq/new/", _form())
    client.logout()
    page = client.get("/laws/", {"q": "公司拖欠工资怎么办"}).content.decode()
    assert "老板拖欠工资怎么办？" in page
    assert "楼上漏水怎么办？" not in page


def test_the_entry_matching_more_of_the_question_comes_first(client, corpus, district):
    client.force_login(district.users["manager"])
    client.post("/staff/knowledge/faq/new/", _form(question="工资怎么算？", answer="按劳动合同约定。"))
    client.post("/staff/knowledge/faq/new/", _form(question="老板拖欠工资怎么办？"))
    client.logout()
    page = client.get("/laws/", {"q": "老板拖欠工资怎么办"}).content.decode()
    assert page.index("老板拖欠工资怎么办？") < page.index("工资怎么算？")
    response = client.get("/api/v1/faq", {"q": "老板拖欠工资"})
    assert [f["question"] for f in response.json()] == ["老板拖欠工资怎么办？", "工资怎么算？"]
    assert client.get("/api/v1/faq", {"q": "怎么办"}).json() == []  # stopwords only: nothing
