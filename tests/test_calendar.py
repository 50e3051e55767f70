"""The deadline calculator every clock uses, the yearly notice the system administrator enters, and the
banner that says when next year's notice is missing (民法典第二百零一条、第二百零三条)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yizhan.accounts.testing import login_with_second_factor
from yizhan.audit.models import AuditLog
from yizhan.core import services
from yizhan.core.calendar import deadline, missing_schedule_year
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.core.models import CalendarOverride, HolidayNotice

D = datetime.date
NOTICE_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知（测试用）
2027-01-01 休 元旦
2027-02-05 休 春节
2027-02-06 休 春节
2027-02-07 休 春节
2027-02-08 休 春节
2027-02-09 休 春节
2027-02-10 休 春节
2027-02-11 休 春节
2027-02-20 班 春节调休
"""


def notice(actor, text=NOTICE_2027, year=2027):
    return services.do_record_holiday_notice(
        services.NoticeData(
            year=year,
            title="国务院办公厅关于2027年部分节假日安排的通知",
            document_number="国办发明电〔2026〕X号",
            days=services.parse_notice_days(text, year),
        ),
        actor=actor,
    )


# --- the calculator ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_period_ending_on_new_years_day_2027_ends_on_the_fourth_and_is_provisional():
    result = deadline(D(2026, 12, 25), 7, "day")
    assert result.due == D(2027, 1, 4)
    assert result.provisional
    assert any("民法典第二百零三条" in line for line in result.basis)
    assert any("2027" in line and "全国年节及纪念日放假办法" in line for line in result.basis)


@pytest.mark.django_db
def test_working_days_count_only_working_days():
    result = deadline(D(2026, 11, 20), 3, "workday")
    assert result.due == D(2026, 11, 25)
    assert not result.provisional
    assert not any("全国年节" in line for line in result.basis)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "unit", "field"),
    [
        (D(1999, 12, 31), 1, "day", "start"),
        (D(2026, 1, 1), -1, "day", "days"),
        (D(2026, 1, 1), 5000, "day", "days"),
        (D(2026, 1, 1), 1, "month", "unit"),
    ],
)
def test_bad_arguments_name_their_field(start, days, unit, field):
    with pytest.raises(InvalidInput) as error:
        deadline(start, days, unit)
    assert field in error.value.fields


@pytest.mark.django_db
def test_the_public_api_answers_the_contract(client):
    response = client.get("/api/v1/calendar/deadline", {"start": "2026-12-25", "days": 7, "unit": "day"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due"] == "2027-01-04"
    assert body["provisional"] is True
    assert body["start"] == "2026-12-25" and body["days"] == 7 and body["unit"] == "day"
    assert body["basis"]
    default_unit = client.get("/api/v1/calendar/deadline", {"start": "2026-12-25", "days": 7})
    assert default_unit.json()["unit"] == "day"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01", "days": 7}, "start"),
        ({"start": "2026-12-25", "days": -2}, "days"),
        ({"start": "2026-12-25", "days": 7, "unit": "week"}, "unit"),
        ({"days": 7}, "start"),
        ({"start": "1800-01-01", "days": 1}, "start"),
    ],
)
def test_the_public_api_refuses_bad_input_by_field(client, params, field):
    response = client.get("/api/v1/calendar/deadline", params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_the_calculator_is_in_the_openapi_document_with_an_example(client, db):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/calendar/deadline"]["get"]
    assert "security" not in operation  # anonymous
    schema = document["components"]["schemas"]["DeadlineOut"]
    assert schema["examples"][0]["due"] == "2027-01-04"


# --- the yearly notice -------------------------------------------------------------------------------


def test_the_notice_supersedes_the_fallback_and_is_audited(users):
    notice(users["sysadmin"])
    result = deadline(D(2027, 1, 29), 7, "day")
    assert result.due == D(2027, 2, 12)  # the notice gives 5–11 February off
    assert not result.provisional
    assert any("系统管理员录入" in line for line in result.basis)
    # the 调休 Saturday is a working day
    assert deadline(D(2027, 2, 19), 1, "workday").due == D(2027, 2, 20)
    entry = AuditLog.objects.get(object_type="core.holidaynotice")
    assert entry.action == "create" and entry.actor == users["sysadmin"]


def test_entering_the_notice_again_replaces_its_days(users):
    notice(users["sysadmin"])
    notice(users["sysadmin"], "2027-01-01 休 元旦\n2027-01-04 休 测试\n")
    assert CalendarOverride.objects.filter(date__year=2027).count() == 2
    assert deadline(D(2026, 12, 25), 7, "day").due == D(2027, 1, 5)
    assert AuditLog.objects.filter(object_type="core.holidaynotice", action="update").count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-13-01 休", "第1行"),
        ("2026-12-31 休", "不在2027年"),
        ("2027-01-01 休\n2027-01-01 休", "重复"),
        ("2027-01-01 放羊", "休"),
        ("2027-01-04 班", "本来就是工作日"),
        ("2027-02-20 班", "至少应有一个放假日"),
    ],
)
def test_a_bad_notice_is_refused_with_the_line_named(users, text, message):
    with pytest.raises(InvalidInput) as error:
        notice(users["sysadmin"], text)
    assert message in error.value.fields["days"]
    assert not HolidayNotice.objects.exists()


def test_only_a_calendar_administrator_enters_a_notice(users):
    with pytest.raises(Forbidden):
        notice(users["clerk"])
    assert not HolidayNotice.objects.exists()


# --- the staff pages and the banner ---------------------------------------------------------------------


def test_the_staff_page_calculates_and_lists_the_sources(client, users):
    client.force_login(users["clerk"])
    page = client.get(
        "/staff/calendar/", {"start": "2026-12-25", "days": "7", "unit": "day"}
    ).content.decode()
    assert "2027-01-04" in page
    assert "暂定" in page
    assert "民法典第二百零三条" in page
    assert "录入年度安排" not in page  # a clerk cannot enter the notice
    bad = client.get("/staff/calendar/", {"start": "2026-12-25", "days": "-1", "unit": "day"})
    assert bad.status_code == 200
    assert "has-error" in bad.content.decode()


def test_the_system_administrator_enters_the_notice_in_the_staff_ui(client, users):
    login_with_second_factor(client, users["sysadmin"])
    form = client.get("/staff/calendar/2027/").content.decode()
    assert "2027-02-05 休 春节" in form  # pre-filled with the holidays fixed by law
    response = client.post(
        "/staff/calendar/2027/",
        {"year": "2027", "title": "国务院办公厅关于2027年部分节假日安排的通知", "days": NOTICE_2027},
    )
    assert response.status_code == 302
    assert HolidayNotice.objects.get(year=2027).days.count() == 9
    refused = client.post("/staff/calendar/2027/", {"year": "2027", "title": "x", "days": "2027-01-04 班"})
    assert refused.status_code == 200
    assert "本来就是工作日" in refused.content.decode()
    client.force_login(users["clerk"])
    assert client.get("/staff/calendar/2027/").status_code == 403


def test_from_november_a_banner_says_next_years_notice_is_missing(client, users, monkeypatch):
    assert missing_schedule_year(D(2026, 10, 31)) is None
    assert missing_schedule_year(D(2026, 11, 1)) == 2027
    assert missing_schedule_year(D(2025, 11, 1)) is None  # the package knows 2026
    monkeypatch.setattr(timezone, "localdate", lambda *args: D(2026, 12, 4))
    client.force_login(users["clerk"])
    assert "尚未录入国务院2027年节假日安排" in client.get("/staff/calendar/").content.decode()
    notice(users["sysadmin"])
    assert "尚未录入国务院2027年节假日安排" not in client.get("/staff/calendar/").content.decode()


def test_legal_aid_dates_in_an_unpublished_year_are_marked_provisional_in_lists(client, users):
    from django.template import Context, Template

    template = Template("{% load yizhan %}{% provisional due %}")
    assert "暂定" in template.render(Context({"due": D(2027, 1, 4)}))
    assert "暂定" not in template.render(Context({"due": D(2026, 12, 4)}))
    notice(users["sysadmin"])
    assert "暂定" not in template.render(Context({"due": D(2027, 1, 4)}))
