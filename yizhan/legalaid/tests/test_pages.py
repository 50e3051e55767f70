"""The legal-aid pages: staff (list, case page, apply, notify, step forms, progress, formalities,
conversion, the htmx eligibility check) and public (self-check, online application). Bad input gives
field errors with what was typed kept (422), never a server error; each page answers only its users."""

from __future__ import annotations

import datetime

import pytest

from yizhan.legalaid.models import LegalAidCase, ProgressReport
from yizhan.legalaid.states import STEPS
from yizhan.matters.testing import VALID_ID, register

from .conftest import PASSWORD, S

LIST = "/staff/legal-aid/"


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def page(number):
    return f"/staff/legal-aid/{number}/"


def step_url(number, code):
    return f"/staff/legal-aid/{number}/step/{code}/"


# --- who sees what ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, flow):
    case = flow.to(S.UNDER_REVIEW)
    for url in (LIST, page(case.number), "/staff/legal-aid/apply/", "/staff/legal-aid/notify/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_list_shows_the_users_cases_and_the_clocks_with_articles(client, flow, clock):
    clock.day(2026, 11, 2)
    late = flow.step(flow.to(S.UNDER_REVIEW), "grant")  # assignment due 5 November
    waiting = flow.step(flow.to(S.UNDER_REVIEW), "request_materials")  # due 17 November
    clock.day(2026, 11, 16)
    html = login(client, "legalaid").get(LIST).content.decode()
    assert late.number in html and waiting.number in html
    late_panel, near_panel = html.split("即将到期")
    assert late.number in late_panel and "11-05" in late_panel and "法律援助法第四十三条第一款" in late_panel
    assert (
        waiting.number in near_panel and "11-17" in near_panel and "法律援助法第四十三条第二款" in near_panel
    )
    filtered = client.get(LIST, {"stage": "awaiting_materials"}).content.decode()
    table = filtered.split("<tbody>")[1]
    assert waiting.number in table and late.number not in table


def test_another_township_sees_neither_list_entry_nor_page(client, flow):
    case = flow.to(S.UNDER_REVIEW)
    login(client, "officer2")
    assert case.number not in client.get(LIST).content.decode()
    assert client.get(page(case.number)).status_code == 404
    assert client.post(step_url(case.number, "grant")).status_code == 404
    assert client.get(f"/staff/legal-aid/{case.number}/decision.pdf").status_code == 404
    case.refresh_from_db()
    assert case.stage == S.UNDER_REVIEW


def test_case_page_shows_clocks_articles_and_the_users_steps(client, flow, clock):
    clock.day(2026, 9, 28)
    case = flow.to(S.UNDER_REVIEW)
    html = login(client, "legalaid").get(page(case.number)).content.decode()
    assert "审查并作出决定（七日）" in html and "法律援助法第四十三条第一款" in html
    assert "2026-10-08" in html  # the decision is due after the National Day holiday
    for code in ("grant", "refuse", "request_materials", "provide_provisionally", "withdraw"):
        assert f'id="step-{code}"' in html and STEPS[code].article in html
    assert 'id="step-assign"' not in html
    assert "法律援助法第三十一条第五项" in html  # the engine's grounds
    # the bureau sees the case but has none of the centre's steps
    client.logout()
    html = login(client, "manager").get(page(case.number)).content.decode()
    assert 'id="step-grant"' not in html


def test_notification_page_names_the_art_36_clock(client, flow):
    case = flow.notify()
    html = login(client, "legalaid").get(page(case.number)).content.decode()
    assert "指派承办人员（三日）" in html and "法律援助法第三十六条" in html
    assert 'id="step-assign"' in html


# --- apply ---------------------------------------------------------------------------------------------


def application(district, **overrides):
    data = {
        "name": "马建军",
        "id_number": VALID_ID,
        "phone": "13900001111",
        "gender": "unknown",
        "address": "兰州市西固区陈坪街道1号",
        "channel": "window",
        "receiving_org": district.stations[0].pk,
        "domain": district_domain("labor"),
        "title": "讨要工资申请法律援助",
        "facts": "在建筑工地务工五个月，包工头拖欠工资两万元。",
        "source": "window",
        "proceeding": "non_litigation",
        "role": "applicant",
        "claim": "wages",
        "aid_groups": ["migrant_worker"],
        "economic_hardship": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def district_domain(code):
    from yizhan.matters.models import LegalDomain

    return LegalDomain.objects.get(code=code).pk


def test_apply_form_renders_for_the_front_desk_only(client, district):
    assert login(client, "clerk2").get("/staff/legal-aid/apply/").status_code == 200
    client.logout()
    assert login(client, "city").get("/staff/legal-aid/apply/").status_code == 403


def test_apply_creates_the_case_and_opens_it(client, district):
    response = login(client, "clerk2").post("/staff/legal-aid/apply/", application(district))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = LegalAidCase.objects.get()
    assert response["Location"] == page(case.number)
    assert case.stage == S.APPLIED and case.matter.receiving_org == district.stations[0]
    assert case.eligibility["economic_condition"] == "exempt_from_verification"
    assert case.matter.primary_requester.name == "马建军"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "110101199003074259"}, "id_number"),  # wrong check digit (GB 11643)
        ({"claim": "salary"}, "claim"),  # not a choice
        ({"title": ""}, "title"),
        ({"source": "detention"}, "detention_submitted_at"),  # 第三十九条
        ({"source": "representative"}, "applicant_relation"),  # 第四十条
        ({"household_size": "0"}, "household_size"),
        ({"claim": "other", "claim_detail": "unknown_extension", "economic_hardship": "yes"}, "claim_detail"),
    ],
)
def test_bad_application_keeps_what_was_typed_and_names_the_field(client, district, overrides, field):
    response = login(client, "clerk2").post("/staff/legal-aid/apply/", application(district, **overrides))
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    assert 'value="马建军"' in html and "包工头拖欠工资两万元" in html  # nothing lost
    assert LegalAidCase.objects.count() == 0


# --- notify -------------------------------------------------------------------------------------------


def notice(district, **overrides):
    data = {
        "authority": "court",
        "authority_name": "兰州市西固区人民法院",
        "notice_number": "(2026)甘0104刑初9号",
        "notified_at": "2026-11-24T09:00",
        "name": "李某某",
        "gender": "male",
        "channel": "letter",
        "domain": district_domain("criminal_defense"),
        "title": "通知辩护",
        "proceeding": "criminal",
        "role": "suspect_or_defendant",
        "claim": "other",
        "person": ["minor"],
    }
    data.update(overrides)
    return data


def test_notify_form_for_the_centre_only(client, district):
    assert login(client, "clerk").get("/staff/legal-aid/notify/").status_code == 403
    client.logout()
    assert login(client, "legalaid").get("/staff/legal-aid/notify/").status_code == 200


def test_notify_registers_and_refuses_a_second_time(client, district, clock):
    clock.day(2026, 11, 24, 11)
    login(client, "legalaid")
    response = client.post("/staff/legal-aid/notify/", notice(district))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = LegalAidCase.objects.get()
    assert case.stage == S.GRANTED and case.assign_due == datetime.date(2026, 11, 27)
    again = client.post("/staff/legal-aid/notify/", notice(district))
    assert again.status_code == 422
    assert "notice_number" in again.context["form"].errors
    assert LegalAidCase.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"person": []}, "claim"),  # not a mandatory defence: the engine's answer on the facts
        ({"notified_at": "2026-12-24T09:00"}, "notified_at"),  # in the future
        ({"authority_name": ""}, "authority_name"),
    ],
)
def test_bad_notice_names_the_field(client, district, clock, overrides, field):
    clock.day(2026, 11, 24, 11)
    response = login(client, "legalaid").post("/staff/legal-aid/notify/", notice(district, **overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert LegalAidCase.objects.count() == 0


# --- step forms ----------------------------------------------------------------------------------------


def test_steps_through_the_forms(client, flow, district):
    case = flow.to(S.FORWARDED)
    login(client, "legalaid")
    response = client.post(step_url(case.number, "receive"))
    assert response.status_code == 302 and response["Location"] == page(case.number)
    assert client.post(step_url(case.number, "grant"), {"grant-note": ""}).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.GRANTED and case.decision_reasons  # the engine's explanation by default
    response = client.post(
        step_url(case.number, "assign"),
        {"assign-person": district.lawyers[1].pk, "assign-chosen_by_applicant": "on"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == S.ASSIGNED and case.assignee == district.lawyers[1] and case.chosen_by_applicant
    # the lawyer of a firm without accounts reports on paper: the centre records it, saying so
    behalf = "律师所在律所未开通账号，依纸质报告登记。"
    response = client.post(
        f"/staff/legal-aid/{case.number}/report/",
        {"content": "已立案。", "for_recipient": "on", "on_behalf_reason": behalf},
    )
    assert response.status_code == 302 and ProgressReport.objects.get().content == "已立案。"
    response = client.post(
        step_url(case.number, "close"),
        {
            "close-note": "胜诉结案。",
            "close-materials": ["documents", "report"],
            "close-on_behalf_reason": behalf,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == S.CLOSED
    assert client.post(step_url(case.number, "archive"), {"archive-quality_score": "95"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.ARCHIVED and case.quality_score == 95


@pytest.mark.parametrize(
    ("stage", "code", "data", "field"),
    [
        (S.UNDER_REVIEW, "refuse", {"refuse-note": ""}, "note"),
        (S.UNDER_REVIEW, "request_materials", {"request_materials-items": ""}, "items"),
        (S.UNDER_REVIEW, "provide_provisionally", {"provide_provisionally-reason": "9"}, "reason"),
        (S.GRANTED, "terminate", {"terminate-note": "x"}, "reason"),
        (S.ASSIGNED, "close", {"close-note": "结案", "close-materials": ["documents"]}, "materials"),
        (S.ARCHIVED, "archive", {}, None),  # illegal: a message and back to the page
    ],
)
def test_a_bad_step_form_shows_the_field_error(client, flow, stage, code, data, field):
    case = flow.to(stage)
    response = login(client, "legalaid").post(step_url(case.number, code), data)
    case.refresh_from_db()
    assert case.stage == stage
    if field is None:
        assert response.status_code == 302
        follow = client.get(response["Location"]).content.decode()
        assert "不能执行" in follow
        return
    assert response.status_code == 422
    (bound,) = [f for s, f in response.context["steps"] if s.code == code]
    assert field in bound.errors, bound.errors
    assert f'id="step-{code}"' in response.content.decode()
    assert response.context["open_step"] == code


def test_art_26_refusal_shows_on_the_assign_form(client, flow, district):
    from yizhan.orgs.models import Person

    case = flow.notify(
        facts={
            "proceeding": "criminal",
            "role": "suspect_or_defendant",
            "person": ["may_face_life_or_death_sentence"],
        }
    )
    junior = Person.objects.create(
        name="新律师", role="lawyer", org=district.firms[1], criminal_practice_years=1
    )
    response = login(client, "legalaid").post(step_url(case.number, "assign"), {"assign-person": junior.pk})
    assert response.status_code == 422
    (bound,) = [f for s, f in response.context["steps"] if s.code == "assign"]
    assert "三年" in " ".join(bound.errors["person"])
    assert "第二十六条" in response.content.decode()


def test_step_permission_and_unknown_step(client, flow):
    case = flow.to(S.UNDER_REVIEW)
    login(client, "manager")
    assert client.post(step_url(case.number, "grant")).status_code == 403
    assert client.post(step_url(case.number, "teleport")).status_code == 404
    case.refresh_from_db()
    assert case.stage == S.UNDER_REVIEW


def test_formalities_through_the_page(client, flow):
    case = flow.step(flow.to(S.UNDER_REVIEW), "provide_provisionally", reason="1")
    login(client, "legalaid")
    html = client.get(page(case.number)).content.decode()
    assert "先行提供后补办手续" in html and "法律援助法第四十四条第二款" in html
    assert client.post(f"/staff/legal-aid/{case.number}/formalities/", {"note": "已补交"}).status_code == 302
    case.refresh_from_db()
    assert case.materials_supplied_at is not None and case.decision_number
    assert "登记已补办手续" not in client.get(page(case.number)).content.decode()
    # a second time: a message, nothing changes
    assert client.post(f"/staff/legal-aid/{case.number}/formalities/").status_code == 302


# --- conversion and the htmx check ---------------------------------------------------------------------


def test_conversion_page_once(client, district):
    matter = register(district.users["hotline"], channel="hotline", service_type="consultation")
    login(client, "hotline")
    url = f"/staff/legal-aid/from-matter/{matter.number}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"proceeding": "civil", "role": "applicant", "claim": "nonsense"})
    assert bad.status_code == 422 and "claim" in bad.context["form"].errors
    facts = {
        "proceeding": "civil",
        "role": "applicant",
        "claim": "wages",
        "aid_groups": ["migrant_worker"],
    }
    first = client.post(url, facts)
    case = LegalAidCase.objects.get()
    assert first.status_code == 302 and first["Location"] == page(case.number)
    second = client.post(url, facts)
    assert second.status_code == 302 and second["Location"] == page(case.number)
    assert LegalAidCase.objects.count() == 1


def test_htmx_check_returns_the_engines_answer(client, district):
    login(client, "clerk2")
    response = client.post(
        "/staff/legal-aid/check/",
        {
            "proceeding": "non_litigation",
            "role": "applicant",
            "claim": "wages",
            "aid_groups": ["migrant_worker"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "符合法律援助条件" in html
    assert "法律援助法第三十一条第五项" in html and "法律援助法第四十二条第三项" in html
    assert "<html" not in html  # a partial
    refused = client.post(
        "/staff/legal-aid/check/",
        {
            "proceeding": "civil",
            "role": "applicant",
            "claim": "support_payment",
            "household_size": "2",
            "household_monthly_income": "90000",
        },
    ).content.decode()
    assert "暂不符合法律援助条件" in refused and "法律援助法第三十四条" in refused
    bad = client.post("/staff/legal-aid/check/", {"proceeding": "court"}).content.decode()
    assert 'role="alert"' in bad and "符合法律援助条件" not in bad
    assert client.get("/staff/legal-aid/check/").status_code == 405


# --- public ---------------------------------------------------------------------------------------------


def test_public_self_check(client, district):
    assert client.get("/legal-aid/check/").status_code == 200
    good = client.post(
        "/legal-aid/check/",
        {"proceeding": "criminal", "role": "suspect_or_defendant", "claim": "other", "person": ["minor"]},
    )
    assert good.status_code == 200
    html = good.content.decode()
    assert "应当由办案机关通知指派" in html and "法律援助法第二十五条第一款第一项" in html
    bad = client.post(
        "/legal-aid/check/", {"proceeding": "civil", "claim": "divorce", "household_size": "-2"}
    )
    assert bad.status_code == 422
    assert {"claim", "household_size"} <= set(bad.context["form"].errors)


def public_form(district, **overrides):
    data = {
        "name": "马建军",
        "phone": "13900001111",
        "id_number": VALID_ID,
        "station": district.stations[0].pk,
        "title": "讨薪",
        "story": "工地务工被拖欠工资。",
        "proceeding": "civil",
        "role": "applicant",
        "claim": "wages",
        "aid_groups": ["migrant_worker", "elderly_no_fixed_income"],
        "consent": "on",
        "form_token": "test-token-" + "x" * 20,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_public_application(client, district):
    assert client.get("/legal-aid/apply/").status_code == 200
    response = client.post("/legal-aid/apply/", public_form(district))
    assert response.status_code == 302 and response["Location"] == "/legal-aid/apply/done/"
    case = LegalAidCase.objects.get()
    html = client.get(response["Location"]).content.decode()
    code = case.matter.query_code
    assert f"/track/{code}/" in html
    assert (case.stage, case.source, case.matter.channel) == (S.APPLIED, "online", "website")
    assert case.matter.receiving_org == district.stations[0]
    assert sorted(case.matter.primary_requester.group_codes) == ["elderly", "migrant_worker"]
    assert "马建军" not in html and "13900001111" not in html


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"id_number": "110101199003074259"}, {"id_number"}),
        ({"phone": "12"}, {"phone"}),
        ({"consent": None, "name": ""}, {"consent", "name"}),
        ({"claim": "divorce"}, {"claim"}),
        ({"station": "999999"}, {"station"}),
        (
            {
                "proceeding": "civil",
                "claim": "other",
                "claim_detail": "nonexistent",
                "economic_hardship": "yes",
            },
            set(),
        ),
    ],
)
def test_a_bad_public_application_gives_field_errors(client, district, overrides, fields):
    response = client.post("/legal-aid/apply/", public_form(district, **overrides))
    assert response.status_code == 422, response.content.decode()[:500]
    errors = response.context["form"].errors
    assert fields <= set(errors) and errors
    assert LegalAidCase.objects.count() == 0


def test_the_assigned_lawyer_works_from_the_case_page(client, flow):
    case = flow.to(S.ASSIGNED)
    html = login(client, "lawyer").get(page(case.number)).content.decode()
    assert 'id="step-close"' in html and "法律援助法第五十条" in html
    assert f'action="/staff/legal-aid/{case.number}/report/"' in html
    assert 'id="step-terminate"' not in html  # the centre's decision (第四十八条)
    assert client.post(step_url(case.number, "terminate"), {"terminate-reason": "6"}).status_code == 403
    case.refresh_from_db()
    assert case.stage == S.ASSIGNED


def test_the_receiving_station_follows_its_application(client, flow):
    case = flow.to(S.GRANTED)
    html = login(client, "clerk2").get(page(case.number)).content.decode()
    assert case.get_stage_display() in html
    assert 'id="step-assign"' not in html and "当前没有您可以执行的操作" in html


def test_conversion_by_an_account_that_may_not_register_is_403(client, district):
    matter = register(district.users["hotline"], channel="hotline", service_type="consultation")
    response = login(client, "city").post(
        f"/staff/legal-aid/from-matter/{matter.number}/",
        {"proceeding": "civil", "role": "applicant", "claim": "wages"},
    )
    assert response.status_code == 403  # the city sees the matter but does not register (not a 500)
    assert LegalAidCase.objects.count() == 0


# --- the online application is filed once (redirect after post, one-time form token) ---------------


def _token(html: str) -> str:
    import re

    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_refreshing_the_confirmation_files_nothing_new(client, district):
    """The form carries a one-time token and the answer is a redirect: reloading the confirmation page
    (or sending the same form again with the back button, or a second click) shows the same query
    code and files no second application."""
    token = _token(client.get("/legal-aid/apply/").content.decode())
    data = public_form(district, form_token=token)
    first = client.post("/legal-aid/apply/", data)
    assert first.status_code == 302
    done = client.get(first["Location"]).content.decode()
    case = LegalAidCase.objects.get()
    assert case.form_token == token and "查询码" in done
    assert client.get(first["Location"]).content.decode() == done  # a refresh shows the same page
    again = client.post("/legal-aid/apply/", data)  # the browser sends the form again
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert LegalAidCase.objects.count() == 1
    from yizhan.lib import querycode

    assert querycode.display(case.matter.query_code) in client.get(again["Location"]).content.decode()


def test_each_visit_of_the_form_gets_its_own_token(client, district):
    first = _token(client.get("/legal-aid/apply/").content.decode())
    second = _token(client.get("/legal-aid/apply/").content.decode())
    assert first != second
    client.post("/legal-aid/apply/", public_form(district, form_token=first))
    client.post("/legal-aid/apply/", public_form(district, form_token=second, title="另一件事"))
    assert LegalAidCase.objects.count() == 2


def test_a_form_without_its_token_is_refused_with_a_fresh_one_not_a_500(client, district):
    response = client.post("/legal-aid/apply/", public_form(district, form_token=None))
    assert response.status_code == 422
    html = response.content.decode()
    assert "页面已过期" in html and _token(html)
    assert LegalAidCase.objects.count() == 0
    response = client.post("/legal-aid/apply/", public_form(district, form_token=_token(html)))
    assert response.status_code == 302 and LegalAidCase.objects.count() == 1


def test_the_confirmation_page_without_an_application_goes_to_the_form(client, db):
    response = client.get("/legal-aid/apply/done/")
    assert response.status_code == 302 and response["Location"] == "/legal-aid/apply/"


def test_a_second_filing_with_the_same_token_is_refused_by_the_service(district):
    from yizhan.core.errors import Conflict
    from yizhan.legalaid import services

    def apply():
        return services.do_register_application(
            services.online_application(
                name="马建军",
                phone="13900001111",
                id_number=VALID_ID,
                address="",
                station=district.stations[0],
                title="讨薪",
                story="工地务工被拖欠工资。",
                facts={"proceeding": "civil", "claim": "wages"},
                aid_groups=[],
                form_token="t" * 32,
            ),
            actor=None,
        )

    case = apply()
    with pytest.raises(Conflict) as caught:
        apply()
    assert caught.value.fields["form_token"] == case.number
    assert LegalAidCase.objects.count() == 1


# --- the self-check: the region of the standard, and the facts a link carries ------------------------


def test_the_self_check_asks_the_region_so_income_is_measured_by_the_local_standard(client, district):
    html = client.get("/legal-aid/check/").content.decode()
    assert 'name="region"' in html and district.region.name in html
    body = {
        "proceeding": "civil",
        "role": "applicant",
        "claim": "support_payment",
        "household_size": "3",
        "household_monthly_income": "1500",
        "region": district.region.code,
    }
    response = client.post("/legal-aid/check/", body)
    assert response.status_code == 200
    result = response.context["result"]
    assert "没有找到行政区划" not in result["explanation"]
    assert result["standard"] is not None and "法律援助法第三十四条" in result["grounds"]
    # income without a region is asked for, not silently ignored
    response = client.post("/legal-aid/check/", {**body, "region": ""})
    assert response.status_code == 422 and "region" in response.context["form"].errors


def test_a_link_from_a_wage_question_opens_the_self_check_at_wages(client, db):
    response = client.get("/legal-aid/check/?proceeding=civil&claim=wages&groups=migrant_worker")
    form = response.context["form"]
    assert form.initial["claim"] == "wages" and form.initial["aid_groups"] == ["migrant_worker"]
    html = response.content.decode()
    assert 'value="wages" selected' in html
    # unknown codes in a link are dropped, not a 500
    response = client.get("/legal-aid/check/?claim=divorce&groups=farmer")
    assert response.status_code == 200 and "claim" not in response.context["form"].initial


def test_the_triage_guide_links_carry_the_hints_facts(db):
    from django.template.loader import render_to_string

    hint = {
        "facts": {"proceeding": "civil", "claim": "wages", "groups": ["migrant_worker"]},
        "eligible": True,
    }
    guide = {"domain": "劳动纠纷", "service_type": "法律援助", "institution_label": "法律援助中心"}
    html = render_to_string("knowledge/_guide.html", {"guide": {**guide, "legal_aid_hint": hint}})
    assert "/legal-aid/check/?proceeding=civil&amp;claim=wages&amp;groups=migrant_worker" in html
    assert "/legal-aid/apply/?proceeding=civil&amp;claim=wages&amp;groups=migrant_worker" in html


def test_the_eligibility_panel_tells_needs_verification_apart(client, district):
    response = login(client, "clerk2").post(
        "/staff/legal-aid/check/", {"proceeding": "civil", "role": "applicant", "claim": "labor_relation"}
    )
    html = response.content.decode()
    assert "可以申请法律援助，待法律援助机构核查" in html
