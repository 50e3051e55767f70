"""The worker's periodic jobs include the legal-aid materials sweep (第四十三条第二款)."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from yizhan.accounts.models import ApiToken
from yizhan.core.periodic import enqueue_periodic_tasks
from yizhan.legalaid.models import LegalAidCase
from yizhan.legalaid.states import CaseStage
from yizhan.legalaid.tests.test_api import APPLICATION


def test_periodic_jobs_deem_an_application_withdrawn_after_the_materials_period(client, district):
    token = ApiToken.issue(district.users["legalaid"], "测试")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = client.post(
        "/api/v1/legal-aid/cases", json.dumps(APPLICATION), content_type="application/json", **auth
    )
    number = created.json()["number"]
    client.post(
        f"/api/v1/legal-aid/cases/{number}/steps/request_materials",
        json.dumps({"items": ["劳动合同或者工资欠条"]}),
        content_type="application/json",
        **auth,
    )
    case = LegalAidCase.objects.get(number=number)
    assert case.stage == CaseStage.AWAITING_MATERIALS
    enqueue_periodic_tasks()  # immediate backend in tests: runs now
    case.refresh_from_db()
    assert case.stage == CaseStage.AWAITING_MATERIALS  # the period has not run out
    LegalAidCase.objects.filter(pk=case.pk).update(
        materials_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    enqueue_periodic_tasks()
    case.refresh_from_db()
    assert case.stage == CaseStage.WITHDRAWN
    assert case.matter.state == "withdrawn"
