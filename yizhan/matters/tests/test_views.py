"""The staff pages: intake, matter page actions, lists; what a clerk does at the window."""

import pytest
from django.urls import reverse

from yizhan.matters.models import Matter, ServiceType
from yizhan.matters.testing import VALID_ID, drive, register

PASSWORD = "Test-pass-2026"


@pytest.fixture
def clerk_client(client, users):
    client.force_login(users["clerk"])
    return client


def intake(**overrides):
    data = {
        "name": "李四",
        "phone": "13912345678",
        "id_number": VALID_ID,
        "gender": "unknown",
        "channel": "window",
        "domain": "",
        "service_type": "",
        "title": "邻里纠纷",
        "facts": "邻居装修漏水，协商不成。",
    }
    data.update(overrides)
    return data


def test_login_page_and_wrong_password_message(client, users):
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302


def test_repeated_failures_lock_the_account(client, users, settings):
    settings.LOCKOUT_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 200  # locked: even the right password is refused for now
    users["clerk"].refresh_from_db()
    assert users["clerk"].is_locked


def test_staff_pages_need_login(client, district):
    response = client.get(reverse("matters:queue"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_intake_registers_and_shows_the_matter(clerk_client, district):
    mediation = ServiceType.objects.get(code="mediation")
    from yizhan.matters.models import LegalDomain

    domain = LegalDomain.objects.get(code="real_estate")
    response = clerk_client.post(
        reverse("matters:new"), intake(domain=domain.pk, service_type=mediation.pk, groups=["elderly"])
    )
    matter = Matter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matters:detail", args=[matter.number])
    page = clerk_client.get(response["Location"]).content.decode()
    assert "邻里纠纷" in page and "139****5678" in page
    assert VALID_ID not in page  # masked until revealed
    assert "分流" in page  # the transfer action is offered


def test_intake_errors_are_shown_per_field_and_the_input_is_kept(clerk_client, district):
    response = clerk_client.post(reverse("matters:new"), intake(id_number="110101199003074259", title=""))
    assert response.status_code == 422
    page = response.content.decode()
    assert "校验位" in page
    assert "李四" in page  # nothing typed is lost
    assert Matter.objects.count() == 0


def test_the_matter_page_actions_move_the_matter(client, district, users):
    matter = drive(district, "registered")
    client.force_login(users["clerk"])
    url = reverse("matters:act", args=[matter.number, "transfer"])
    response = client.post(
        url, {"transfer-to_org": district.committees[0].pk, "transfer-service_type": matter.service_type.pk}
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.state == "transferred"
    client.force_login(users["mediator"])
    assert client.post(reverse("matters:act", args=[matter.number, "accept"])).status_code == 302
    response = client.post(reverse("matters:act", args=[matter.number, "conclude"]), {"conclude-note": ""})
    assert response.status_code == 422
    assert 'id="action-conclude"' in response.content.decode()
    matter.refresh_from_db()
    assert matter.state == "accepted"
    response = client.post(
        reverse("matters:act", args=[matter.number, "conclude"]),
        {"conclude-note": "调解成功", "conclude-outcome": "mediated"},
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.state == "concluded"


def test_an_illegal_action_shows_a_message_not_an_error_page(clerk_client, district):
    matter = drive(district, "answered")
    response = clerk_client.post(
        reverse("matters:act", args=[matter.number, "withdraw"]), {"withdraw-note": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "不能执行「撤回」" in response.content.decode()


def test_reveal_shows_full_data_and_records_it(clerk_client, district, users):
    from yizhan.audit.models import AuditLog

    matter = register(users["clerk"])
    requester = matter.requesters.get()
    response = clerk_client.post(reverse("matters:reveal", args=[matter.number, requester.pk]))
    assert VALID_ID in response.content.decode()
    assert AuditLog.objects.filter(action="reveal").exists()


def test_a_volunteer_cannot_reveal(client, district, users):
    matter = register(users["clerk"])
    client.force_login(users["volunteer"])
    response = client.post(reverse("matters:reveal", args=[matter.number, matter.requesters.get().pk]))
    assert response.status_code == 403


def test_receipt_has_the_query_code_and_a_qr_code_but_no_id_number(clerk_client, district, users):
    matter = drive(district, "transferred")
    page = clerk_client.get(reverse("matters:receipt", args=[matter.number])).content.decode()
    assert "<svg" in page
    assert matter.query_code[:4] in page
    assert district.committees[0].name in page
    assert VALID_ID not in page


def test_lists_filters_and_pages_render(clerk_client, district, users):
    register(users["clerk"])
    for name in ("matters:queue", "matters:list", "matters:overdue", "matters:history", "orgs:directory"):
        assert clerk_client.get(reverse(name)).status_code == 200
    assert clerk_client.get(reverse("matters:list"), {"state": "registered", "q": "工资"}).status_code == 200
    assert clerk_client.get(reverse("matters:history"), {"q": "123"}).status_code == 200
    assert clerk_client.get(reverse("orgs:detail", args=[district.center.pk])).status_code == 200


def test_person_check_validates_as_the_clerk_types(clerk_client, district, users):
    register(users["clerk"])
    response = clerk_client.post(reverse("matters:check_person"), {"id_number": VALID_ID})
    page = response.content.decode()
    assert "身份证号有效" in page and "已有事项" in page
    response = clerk_client.post(reverse("matters:check_person"), {"id_number": "123"})
    assert "18位" in response.content.decode()


def test_attachments_upload_and_type_check(clerk_client, district, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    matter = register(users["clerk"])
    url = reverse("matters:upload", args=[matter.number])
    clerk_client.post(
        url, {"file": SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test", content_type="application/pdf")}
    )
    assert matter.attachments.count() == 1
    response = clerk_client.post(
        url,
        {"file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")},
        follow=True,
    )
    assert "只能上传" in response.content.decode()
    assert matter.attachments.count() == 1


def test_public_tracking_shows_stage_and_dates_but_no_personal_data(client, district, users):
    matter = drive(district, "fed_back")
    response = client.get(reverse("portal:status", args=[matter.query_code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "已反馈办理结果" in page and district.committees[0].name in page
    for secret in ("张三", "138****1234", VALID_ID, users["clerk"].display_name):
        assert secret not in page
    response = client.post(
        reverse("portal:rate", args=[matter.query_code]),
        {"satisfaction": "very_satisfied", "advice_adopted": "yes"},
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.satisfaction == "very_satisfied" and matter.advice_adopted is True


def test_public_tracking_with_a_mistyped_code(client, district):
    response = client.get(reverse("portal:track"), {"code": "1234 5678 9012"})
    assert response.status_code in (200, 422)
    assert "查询码有误" in response.content.decode() or response.status_code == 302
    response = client.get(reverse("portal:status", args=["000000000000"]))
    assert response.status_code == 404


def test_a_bad_date_in_the_list_filters_is_a_message_not_a_500(clerk_client, district):
    response = clerk_client.get(reverse("matters:list"), {"date_from": "2026-02-30"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()
