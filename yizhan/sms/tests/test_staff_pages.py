"""The system administrator's SMS pages: templates with validated placeholders, the signature, the send
log with masked phones, opt-outs; every edit audited; other roles get 403."""

from __future__ import annotations

import pytest

from yizhan.accounts.testing import login_with_second_factor
from yizhan.audit.models import AuditLog
from yizhan.sms import services
from yizhan.sms.models import SmsOptOut, SmsSettings, SmsTemplate
from yizhan.sms.tests.conftest import PHONE

URLS = [
    "/staff/sms/",
    "/staff/sms/templates/matter_registered/",
    "/staff/sms/signature/",
    "/staff/sms/log/",
    "/staff/sms/opt-outs/",
]


def _form(template: SmsTemplate, **overrides) -> dict:
    data = {
        "name": template.name,
        "text": template.text,
        "provider_template_id": template.provider_template_id,
        "active": "on" if template.active else "",
        "approved": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", URLS)
def test_a_clerk_gets_403_and_a_visitor_the_login_page(client, users, url):
    assert client.get(url).status_code == 302
    client.force_login(users["clerk"])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_the_system_administrator_sees_every_page(client, users, url):
    assert users["sysadmin"].has_perm(services.MANAGE_SMS)
    login_with_second_factor(client, users["sysadmin"])
    response = client.get(url)
    assert response.status_code == 200
    assert "短信" in response.content.decode()


def test_the_index_previews_each_message_with_the_signature(client, users):
    login_with_second_factor(client, users["sysadmin"])
    page = client.get("/staff/sms/").content.decode()
    assert "【一站】您的事项已登记，查询码3141-5926-5358" in page
    assert page.count('href="/staff/sms/templates/') == 4


def test_editing_a_template_records_the_approval_and_is_audited(client, users):
    admin = users["sysadmin"]
    login_with_second_factor(client, admin)
    template = SmsTemplate.objects.get(code="matter_concluded")
    text = (
        "您的事项已办结，请凭查询码{code}在https://gg.example.gov.cn查看办理结果，咨询请拨{hotline}。退订回TD"
    )
    response = client.post(
        "/staff/sms/templates/matter_concluded/",
        _form(template, text=text, provider_template_id="SMS_478215036", approved="on"),
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.text == text and template.provider_template_id == "SMS_478215036"
    assert template.approved_by == admin and template.approved_at and template.updated_by == admin
    log = AuditLog.objects.get(object_type="sms.smstemplate", object_id=str(template.pk))
    assert log.actor == admin and log.changes["provider_template_id"] == ["", "SMS_478215036"]

    # a new text withdraws the approval unless it is confirmed again
    client.post("/staff/sms/templates/matter_concluded/", _form(template, text=text + "谢谢。", approved=""))
    template.refresh_from_db()
    assert template.approved_at is None and template.approved_by is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": "您的事项已登记，申请人{name}。"}, "无法识别的占位符 {name}"),
        ({"text": "查询码{code"}, "花括号须成对"),
        ({"text": "查询码{code!r}"}, "无法识别的占位符"),
        ({"text": "【一站】查询码{code}"}, "不要包含【签名】"),
        ({"text": "字" * 501}, "500"),
        ({"approved": "on", "provider_template_id": ""}, "请填写服务商给出的短信模板ID"),
    ],
)
def test_a_bad_template_is_refused_on_its_field(client, users, overrides, message):
    login_with_second_factor(client, users["sysadmin"])
    template = SmsTemplate.objects.get(code="matter_registered")
    response = client.post("/staff/sms/templates/matter_registered/", _form(template, **overrides))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and 'class="error"' in page
    assert SmsTemplate.objects.get(pk=template.pk).text == template.text
    assert not AuditLog.objects.filter(object_type="sms.smstemplate").exists()


def test_the_signature_is_validated_and_audited(client, users):
    login_with_second_factor(client, users["sysadmin"])
    response = client.post("/staff/sms/signature/", {"sign_name": "城关,司法所"})
    assert response.status_code == 422 and "2至12个汉字" in response.content.decode()
    assert client.post("/staff/sms/signature/", {"sign_name": "【城关司法所】"}).status_code == 302
    assert SmsSettings.load().sign_name == "城关司法所"
    log = AuditLog.objects.get(object_type="sms.smssettings")
    assert log.changes == {"sign_name": ["一站", "城关司法所"]}


def test_the_log_shows_masked_phones_and_filters_by_status(
    client, users, django_capture_on_commit_callbacks, scripted
):
    from yizhan.sms.backends import PermanentSmsError

    scripted.script = ["ok-1", PermanentSmsError("isv.MOBILE_NUMBER_ILLEGAL", "手机号码格式错误")]
    with django_capture_on_commit_callbacks(execute=True):
        services.do_queue_sms(
            PHONE, "matter_registered", {"code": "3141-5926-5358"}, related="HG-2026-000001"
        )
        services.do_queue_sms(
            "13900001111", "matter_concluded", {"code": "2718-2818-2845"}, related="HG-2026-000002"
        )
    login_with_second_factor(client, users["sysadmin"])
    page = client.get("/staff/sms/log/").content.decode()
    assert "138****5678" in page and "139****1111" in page
    assert PHONE not in page and "13900001111" not in page
    failed = client.get("/staff/sms/log/", {"status": "failed"}).content.decode()
    assert "139****1111" in failed and "138****5678" not in failed and "isv.MOBILE_NUMBER_ILLEGAL" in failed
    by_matter = client.get("/staff/sms/log/", {"related": "HG-2026-000001"}).content.decode()
    assert "138****5678" in by_matter and "139****1111" not in by_matter


def test_recording_and_removing_an_opt_out_in_the_page(client, users):
    admin = users["sysadmin"]
    login_with_second_factor(client, admin)
    response = client.post("/staff/sms/opt-outs/", {"phone": "0931-1234567", "source": "citizen_request"})
    assert response.status_code == 422 and "11位手机号码" in response.content.decode()
    response = client.post(
        "/staff/sms/opt-outs/", {"phone": PHONE, "source": "citizen_request", "note": "来电要求不再接收"}
    )
    assert response.status_code == 302
    opt_out = SmsOptOut.objects.get()
    assert opt_out.recorded_by == admin and opt_out.phone_mask == "138****5678"
    page = client.get("/staff/sms/opt-outs/").content.decode()
    assert "138****5678" in page and PHONE not in page and "来电要求不再接收" in page
    assert client.get(f"/staff/sms/opt-outs/{opt_out.pk}/remove/").status_code == 405
    client.force_login(users["clerk"])
    assert client.post(f"/staff/sms/opt-outs/{opt_out.pk}/remove/").status_code == 403
    login_with_second_factor(client, admin)
    assert client.post(f"/staff/sms/opt-outs/{opt_out.pk}/remove/").status_code == 302
    assert not SmsOptOut.objects.exists()
    assert AuditLog.objects.filter(object_type="sms.smsoptout").count() == 2
