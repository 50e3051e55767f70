"""Who reports progress (法律援助法第四十六条) and closes (第五十条): the assigned lawyer; the manager of
the lawyer's firm or the legal-aid centre may act for the lawyer only with a recorded reason; another
lawyer of the same firm may do neither."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from yizhan.accounts.models import User
from yizhan.audit.models import AuditLog
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.legalaid import selectors, services
from yizhan.legalaid.models import ProgressReport

from .conftest import PASSWORD, S

REASON = "承办律师住院治疗，由律所负责人代为报告。"


@pytest.fixture
def colleague(district):
    """Another lawyer of the assigned lawyer's firm, with an account of their own."""
    user = User(username="colleague", full_name="同所律师", unit=district.firms[0])
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="handler"))
    return user


def test_the_demo_firm_has_a_manager_who_supervises_it(district):
    manager = district.users["firm_manager"]
    assert manager.unit == district.firms[0] == district.lawyers[0].org
    assert manager.has_perm("matters.supervise_matters") and manager.has_perm("legalaid.handle_case")


def test_another_lawyer_of_the_firm_may_neither_report_nor_close(flow, colleague):
    case = flow.to(S.ASSIGNED)
    assert selectors.visible_to(colleague, case)  # the firm holds the matter: they see it
    assert selectors.acting_for_assignee(case, colleague) is None
    assert "close" not in [s.code for s in selectors.steps_for(case, colleague)]
    assert not selectors.can_report_progress(case, colleague)
    with pytest.raises(Forbidden):
        services.do_report_progress(case, "代为通报", actor=colleague, on_behalf_reason=REASON)
    with pytest.raises(Forbidden):
        services.do_advance_case(
            case,
            "close",
            actor=colleague,
            note="结案",
            materials=["documents", "report"],
            on_behalf_reason=REASON,
        )
    case.refresh_from_db()
    assert case.stage == S.ASSIGNED and ProgressReport.objects.count() == 0


def test_the_assigned_lawyer_reports_and_closes_without_a_reason(flow, users):
    case = flow.to(S.ASSIGNED)
    assert selectors.acting_for_assignee(case, users["lawyer"]) == selectors.SELF
    report = services.do_report_progress(case, "已提交仲裁申请。", actor=users["lawyer"])
    assert report.on_behalf_reason == "" and report.notified_recipient
    case = flow.step(case, "close")
    assert case.stage == S.CLOSED
    close = selectors.event_log(case)[-1]
    assert close.data["step"] == "close" and "on_behalf_of" not in close.data


def test_the_firm_manager_acts_for_the_lawyer_with_a_recorded_reason(flow, users, district):
    case = flow.to(S.ASSIGNED)
    manager = users["firm_manager"]
    assert selectors.acting_for_assignee(case, manager) == selectors.FIRM_MANAGER
    with pytest.raises(InvalidInput) as caught:
        services.do_report_progress(case, "仲裁已开庭。", actor=manager)
    assert "on_behalf_reason" in caught.value.fields
    report = services.do_report_progress(case, "仲裁已开庭。", actor=manager, on_behalf_reason=REASON)
    assert report.on_behalf_reason == REASON and report.author == manager
    event = selectors.event_log(case)[-1]
    assert (event.data["step"], event.data["on_behalf_of"], event.data["on_behalf_reason"]) == (
        "progress",
        flow.lawyer.name,
        REASON,
    )
    assert event.data["acting_as"] == "firm_manager"
    audit = AuditLog.objects.filter(object_type__icontains="progressreport").latest("id")
    assert audit.changes["on_behalf_reason"] == REASON and audit.actor_id == manager.pk
    with pytest.raises(InvalidInput) as caught:
        flow.step(case, "close", who="firm_manager")
    assert "on_behalf_reason" in caught.value.fields
    case = flow.step(case, "close", who="firm_manager", on_behalf_reason="承办律师调离本所。")
    assert case.stage == S.CLOSED
    close = selectors.event_log(case)[-1]
    assert close.data["on_behalf_of"] == flow.lawyer.name
    audit = AuditLog.objects.filter(changes__step="close").latest("id")
    assert audit.changes["on_behalf_reason"] == "承办律师调离本所。"


def test_the_manager_of_another_firm_is_not_the_lawyers_manager(flow, district):
    case = flow.to(S.ASSIGNED)
    other = User(username="other_manager", full_name="他所主任", unit=district.firms[1])
    other.set_password(PASSWORD)
    other.save()
    other.groups.add(Group.objects.get(name="firm_manager"))
    assert selectors.acting_for_assignee(case, other) is None


def test_the_centre_also_gives_a_reason(flow, users):
    case = flow.to(S.ASSIGNED)
    assert selectors.acting_for_assignee(case, users["legalaid"]) == selectors.CENTRE
    with pytest.raises(InvalidInput):
        services.do_report_progress(case, "已开庭。", actor=users["legalaid"])
    with pytest.raises(InvalidInput):
        flow.step(case, "close", who="legalaid")


def test_the_case_page_asks_a_reason_only_of_those_acting_for_the_lawyer(client, flow):
    case = flow.to(S.ASSIGNED)
    assert client.login(username="lawyer", password=PASSWORD)
    html = client.get(f"/staff/legal-aid/{case.number}/").content.decode()
    assert "通报办理情况" in html and 'id="step-close"' in html
    assert "on_behalf_reason" not in html
    client.logout()
    assert client.login(username="firm_manager", password=PASSWORD)
    html = client.get(f"/staff/legal-aid/{case.number}/").content.decode()
    assert 'name="on_behalf_reason"' in html and 'name="close-on_behalf_reason"' in html
    response = client.post(
        f"/staff/legal-aid/{case.number}/report/", {"content": "已开庭。", "for_recipient": "on"}
    )
    assert response.status_code == 422  # no 500: the reason is asked for by the field
    assert "on_behalf_reason" in response.context["progress_form"].errors
    assert ProgressReport.objects.count() == 0


def test_a_colleague_posting_the_form_gets_403_not_500(client, flow, colleague):
    case = flow.to(S.ASSIGNED)
    assert client.login(username="colleague", password=PASSWORD)
    html = client.get(f"/staff/legal-aid/{case.number}/").content.decode()
    assert f'action="/staff/legal-aid/{case.number}/report/"' not in html
    response = client.post(
        f"/staff/legal-aid/{case.number}/report/", {"content": "代为通报", "on_behalf_reason": REASON}
    )
    assert response.status_code == 403
    response = client.post(
        f"/staff/legal-aid/{case.number}/step/close/",
        {"close-note": "结案", "close-materials": ["documents", "report"], "close-on_behalf_reason": REASON},
    )
    assert response.status_code in (403, 302)
    case.refresh_from_db()
    assert case.stage == S.ASSIGNED


def test_progress_through_the_api_for_the_lawyer(client, flow, users):
    from yizhan.accounts.models import ApiToken

    case = flow.to(S.ASSIGNED)
    token = ApiToken.issue(users["firm_manager"], "测试")[1]
    url = f"/api/v1/legal-aid/cases/{case.number}/progress"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(url, {"content": "已开庭。"}, content_type="application/json", **headers)
    assert response.status_code == 422 and "on_behalf_reason" in response.json()["error"]["fields"]
    response = client.post(
        url,
        {"content": "已开庭。", "on_behalf_reason": REASON, "for_recipient": False},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get()
    assert report.on_behalf_reason == REASON and not report.notified_recipient
