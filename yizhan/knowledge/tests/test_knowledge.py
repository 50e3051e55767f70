"""The knowledge app: corpus import (idempotent), search relevance, citation check, triage, the
public pages and the API contract with its bad input."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from yizhan.knowledge import services
from yizhan.knowledge.models import Article, CorpusImport, Law
from yizhan.knowledge.tests.conftest import LAWS


def test_import_is_idempotent(corpus):
    assert corpus.laws == Law.objects.count() >= 5
    articles = Article.objects.count()
    assert articles == corpus.articles > 1500
    again = services.import_corpus(law_names=LAWS)
    assert again.skipped is True
    forced = services.import_corpus(law_names=LAWS, force=True)
    assert (forced.created, forced.updated) == (0, 0)
    assert Article.objects.count() == articles
    # a changed row in the database is put back by the next forced import
    article = Article.objects.get(law__name="中华人民共和国劳动合同法", number=30)
    Article.objects.filter(pk=article.pk).update(text="改坏了")
    repaired = services.import_corpus(law_names=LAWS, force=True)
    assert repaired.updated == 1
    assert "劳动报酬" in Article.objects.get(pk=article.pk).text
    assert CorpusImport.objects.count() == 3  # the skipped run records nothing


def test_the_command_runs_and_reports(corpus, capsys):
    args = [part for name in LAWS for part in ("--law", name)]
    call_command("laws_import", "--no-index", *args)
    assert "未变化" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("question", "law", "article"),
    [
        ("老板拖欠工资怎么办", "中华人民共和国劳动合同法", 30),
        ("离婚后孩子归谁抚养", "中华人民共和国民法典", 1084),
        ("醉酒驾驶机动车", "中华人民共和国刑法", 133),
        ("劳动合同 试用期", "中华人民共和国劳动合同法", 19),
    ],
)
def test_search_finds_the_article_in_the_top_five(corpus, question, law, article):
    hits = services.search(question, k=5)
    assert (law, article) in [(h["law_name"], h["article_no"]) for h in hits], [
        (h["law_name"], h["article_label"]) for h in hits
    ]


def test_search_filters_by_law(corpus):
    hits = services.search("工资", k=10, law="劳动法")
    assert hits and {h["law_name"] for h in hits} == {"中华人民共和国劳动法"}


def test_api_search_contract(client, corpus):
    response = client.get("/api/v1/laws/search", {"q": "老板拖欠工资怎么办", "k": 3})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3
    contract = {"law_name", "article_no", "article_label", "text", "score"}  # SPEC §8
    assert set(results[0]) == contract | {"law_id", "status"}  # plus which version of the law it is
    assert results[0]["score"] >= results[1]["score"] >= results[2]["score"]


@pytest.mark.parametrize(
    ("params", "field"), [({"q": ""}, "q"), ({"q": "工资", "k": 0}, "k"), ({"q": "工资", "k": 51}, "k")]
)
def test_api_search_bad_input(client, corpus, params, field):
    response = client.get("/api/v1/laws/search", params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_citation_check_with_tricky_numerals(client, corpus):
    text = (
        "依据《民法典》第一千二百五十四条和《民法典》第1254条，"
        "《刑法》第十条之一、《劳动法》第999条，《火星法》第3条。"
    )
    response = client.post(
        "/api/v1/citations/check", json.dumps({"text": text}), content_type="application/json"
    )
    assert response.status_code == 200
    found = [(c["raw"], c["article_label"], c["verdict"]) for c in response.json()["citations"]]
    assert found == [
        ("《民法典》第一千二百五十四条", "第一千二百五十四条", "exists"),
        ("《民法典》第1254条", "第一千二百五十四条", "exists"),
        ("《刑法》第十条之一", "第十条之一", "article_not_found"),
        ("《劳动法》第999条", "第九百九十九条", "article_not_found"),
        ("《火星法》第3条", "第三条", "law_not_in_corpus"),
    ]
    citations = response.json()["citations"]
    assert [c["in_force"] for c in citations] == [True, True, None, None, None]
    # an existing article links to its page; both spellings name the same article
    article = Article.objects.get(law__name="中华人民共和国民法典", label="第一千二百五十四条")
    assert [c["source_id"] for c in citations] == [article.source_id, article.source_id, None, None, None]
    page = client.post("/laws/check/", {"text": text}).content.decode()
    assert f'href="/laws/article/{article.source_id}/"' in page


def test_citation_check_bad_input(client, corpus):
    response = client.post(
        "/api/v1/citations/check", json.dumps({"text": "  "}), content_type="application/json"
    )
    assert response.status_code == 422
    assert "text" in response.json()["error"]["fields"]
    response = client.post("/api/v1/citations/check", json.dumps({}), content_type="application/json")
    assert response.status_code == 422


def test_triage_contract_with_legal_aid_hint(client, corpus):
    body = {"text": "在工地干了三个月，老板一直拖着不给工资"}
    response = client.post("/api/v1/triage", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["domain"] == "劳动纠纷"
    assert abs(sum(data["domain_scores"].values()) - 1) < 0.01
    assert data["statutes"] and set(data["statutes"][0]) >= {
        "law_name",
        "article_no",
        "article_label",
        "text",
        "score",
    }
    hint = data["legal_aid_hint"]
    assert hint["eligible"] is True
    assert hint["economic_condition"] == "exempt_from_verification"
    assert "法律援助法第三十一条第五项" in hint["grounds"]


def test_triage_bad_input(client, corpus):
    response = client.post("/api/v1/triage", json.dumps({"text": ""}), content_type="application/json")
    assert response.status_code == 422
    assert "text" in response.json()["error"]["fields"]


def test_public_pages(client, corpus):
    page = client.get("/laws/", {"q": "老板拖欠工资怎么办"})
    assert page.status_code == 200
    assert "劳动合同法" in page.content.decode()
    law = Law.objects.get(name="中华人民共和国法律援助法")
    assert "第三十一条" in client.get(f"/laws/law/{law.law_id}/").content.decode()
    article = Article.objects.get(law=law, number=31)
    body = client.get(f"/laws/article/{article.source_id}/").content.decode()
    assert "请求确认劳动关系或者支付劳动报酬" in body and "第三十二条" in body  # chapter context
    assert client.get("/laws/article/999999999/").status_code == 404
    assert client.get("/laws/law/nope/").status_code == 404
    assert client.get("/laws/all/", {"q": "劳动"}).status_code == 200
    checked = client.post("/laws/check/", {"text": "《民法典》第1254条"})
    assert "存在" in checked.content.decode()


def test_intake_triage_partial(client, corpus, district):
    client.login(username="clerk", password="Test-pass-2026")
    response = client.post(
        "/staff/knowledge/triage/", {"title": "讨薪", "facts": "在工地干了三个月，老板一直拖着不给工资"}
    )
    assert response.status_code == 200
    assert "劳动纠纷" in response.content.decode()
    assert "可能符合法律援助条件" in response.content.decode()
    assert "法律援助中心" in response.content.decode()  # the institution, in Chinese
    assert client.post("/staff/knowledge/triage/", {"facts": "短"}).content.decode().strip() == ""
    page = client.get("/staff/matters/new/").content.decode()
    assert "/staff/knowledge/triage/" in page


def test_intake_triage_needs_login(client, corpus):
    assert client.post("/staff/knowledge/triage/", {"facts": "在工地干了三个月"}).status_code == 302


def test_openapi_documents_the_contract_with_examples(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    search = paths["/api/v1/laws/search"]["get"]
    ok = search["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/SearchOut"}  # the example adds, never replaces
    example = ok["example"]
    assert set(example["results"][0]) == {"law_name", "article_no", "article_label", "text", "score"}
    assert "fields" in search["responses"]["422"]["content"]["application/json"]["example"]["error"]
    triage = paths["/api/v1/triage"]["post"]["responses"]["200"]["content"]["application/json"]["example"]
    assert {"domain", "domain_scores", "service_type", "statutes", "legal_aid_hint"} <= set(triage)
    assert (
        "example"
        in paths["/api/v1/citations/check"]["post"]["responses"]["200"]["content"]["application/json"]
    )


def test_search_page_links_a_named_law(client, corpus):
    page = client.get("/laws/", {"q": "劳动合同法"}).content.decode()
    law = Law.objects.get(name="中华人民共和国劳动合同法")
    assert f'href="/laws/law/{law.law_id}/"' in page and "法律全文" in page
    assert "第一条" in page
    assert "法律全文" not in client.get("/laws/", {"q": "拖欠工资"}).content.decode()


def test_public_search_guides_a_citizens_question(client, corpus):
    page = client.get("/laws/", {"q": "在工地打工，老板拖欠工资三个月不给"}).content.decode()
    assert "办事指引" in page and "劳动纠纷" in page
    # the links start from the hint's facts: a wage question of a migrant worker (issue 18)
    facts = "proceeding=civil&amp;claim=wages&amp;groups=migrant_worker"
    assert "在线申请法律援助" in page and f'href="/legal-aid/apply/?{facts}"' in page
    assert f'href="/legal-aid/check/?{facts}"' in page
    assert page.index("办事指引") < page.index("相关法条")
    # keywords and a law's name get no guide
    assert "办事指引" not in client.get("/laws/", {"q": "工资"}).content.decode()
    assert "办事指引" not in client.get("/laws/", {"q": "中华人民共和国劳动合同法"}).content.decode()


def test_citation_check_resolves_all_articles_in_one_query(corpus, django_assert_num_queries):
    text = (
        "《劳动法》第五十条、《劳动法》第五十一条、《劳动合同法》第三十条、"
        "《民法典》第1165条、《民法典》第9999条"
    )
    services.check_citations(text)  # warm the lookup tables
    with django_assert_num_queries(1):
        found = services.check_citations(text)
    assert [c["source_id"] is not None for c in found] == [True, True, True, True, False]


def test_sentence_similarity_follows_the_setting(corpus, settings):
    settings.STATUTE_SEARCH_DENSE = True
    services.reset()
    assert services.searcher().dense is not None  # the imported texts all have shipped vectors
    settings.STATUTE_SEARCH_DENSE = False
    services.reset()
    words_only = services.searcher()
    assert words_only.dense is None
    assert words_only.reranker is not None and "dense_cos" not in words_only.reranker.features
    hits = services.search("老板拖欠工资怎么办", k=5)
    assert ("中华人民共和国劳动合同法", 30) in [(h["law_name"], h["article_no"]) for h in hits]


def test_warming_builds_the_searcher_before_the_first_search(corpus, monkeypatch):
    services.reset()
    builds = []
    real_build = services.statutes._build
    monkeypatch.setattr(
        services.statutes, "_build", lambda *a, **kw: builds.append(1) or real_build(*a, **kw)
    )
    services.warm_search()
    services.search("老板拖欠工资怎么办", k=3)
    assert builds == [1]  # built once, by the warm-up; the search found it ready


def test_a_failed_warm_up_is_logged_and_the_first_search_tries_again(corpus, monkeypatch, caplog):
    services.reset()
    real_build = services.statutes._build

    def broken(*a, **kw):
        raise OSError("index directory not writable")

    monkeypatch.setattr(services.statutes, "_build", broken)
    services.warm_search()  # does not raise
    assert "could not be prepared" in caplog.text
    monkeypatch.setattr(services.statutes, "_build", real_build)
    hits = services.search("老板拖欠工资怎么办", k=3)
    assert hits
