"""The citizen's side of the closed loop in a real browser: the clerk types a wrong ID check digit and is
told at once → opens the transfer, takes the triage's suggestion (法律领域, 事项类型, unit) and finds a
unit by typing → the district manager arranges the week's roster and sees the gaps and 局长驻窗口 →
the citizen tracks the concluded matter and reads what was done and where to go next."""

import datetime
import re

from django.utils import timezone

LAWS = ["中华人民共和国劳动法", "中华人民共和国劳动合同法", "中华人民共和国法律援助法"]
GOOD_ID = "11010119900307425" + "8"
BAD_ID = "11010119900307425" + "9"


def test_transfer_roster_and_outcome(page, shot, live_server, e2e_district, login, logout):
    from yizhan.knowledge import services as knowledge

    knowledge.reset()
    knowledge.import_corpus(law_names=LAWS, force=True)
    knowledge.prepare_search()  # the index and the vectors, built now rather than in the first request
    base = live_server.url
    district = e2e_district

    # 1. the window clerk registers a wage claim; a wrong check digit is flagged while typing
    login(page, base, "clerk")
    page.click("text=登记事项")
    page.fill("#id_name", "王建军")
    page.fill("#id_phone", "13912345678")
    page.locator("#id_id_number").press_sequentially(BAD_ID, delay=20)
    page.wait_for_selector("#person-check >> text=校验位不正确")
    assert page.evaluate("document.activeElement.id") == "id_id_number"  # still typing: not left the field
    shot("cl-01-id-check")
    page.fill("#id_id_number", GOOD_ID)
    page.wait_for_selector("#person-check >> text=身份证号有效")
    page.select_option("#id_service_type", label="法律咨询")
    page.select_option("#id_domain", label="合同纠纷")
    page.fill("#id_title", "工地老板拖欠工资")
    page.fill("#id_facts", "在建筑工地干了三个月，老板一直拖欠工资一万二千元不给，家里困难，我是农民工。")
    page.click("text=登记并办理")
    page.wait_for_selector("text=已登记：受理编号")
    number = page.locator("dl.facts dd").first.inner_text().strip()
    code = page.locator(".code-big").inner_text().replace(" ", "")

    # 2. the transfer: the triage's suggestion fills the domain, the service type and the unit
    page.click("#action-transfer summary")
    page.wait_for_selector("#transfer-triage >> text=智能分流建议")
    page.click("#transfer-triage >> text=采用建议")
    page.wait_for_selector("text=已按建议填写")
    assert page.locator("#id_transfer-domain option:checked").inner_text() == "劳动纠纷"
    assert page.locator("#id_transfer-service_type option:checked").inner_text() == "法律援助"
    assert district.legal_aid_center.name in page.locator("#id_transfer-to_org option:checked").inner_text()
    shot("cl-02-transfer-suggested")
    # … the clerk looks the labour department up by its number instead, then goes with the suggestion
    page.fill("input[name=to_org_q]", "12333")
    page.wait_for_selector("#transfer-targets >> text=找到 1 个单位")
    assert page.locator("#id_transfer-to_org option").count() == 2  # the chosen unit stays, plus the match
    shot("cl-03-transfer-search")
    page.fill("#id_transfer-note", "农民工讨薪，经济困难，请审查是否给予法律援助。")
    page.click("#action-transfer button[type=submit]")
    page.wait_for_selector("text=已完成「分流」")
    assert page.locator("text=劳动纠纷").count() >= 1
    logout(page)

    # 3. the legal-aid centre accepts and concludes; the window feeds back
    login(page, base, "legalaid")
    page.goto(f"{base}/staff/matters/{number}/")
    page.click("#action-accept summary")
    page.click("#action-accept button[type=submit]")
    page.wait_for_selector("text=已完成「接收」")
    page.click("#action-conclude summary")
    page.select_option("#id_conclude-outcome", value="aid_granted")
    page.fill("#id_conclude-note", "王建军符合经济困难条件，指派律师代理劳动仲裁。")
    page.click("#action-conclude button[type=submit]")
    page.wait_for_selector("text=已完成「办结」")
    logout(page)

    # 4. the district manager arranges next week's roster of the 陈坪 station
    login(page, base, "manager")
    page.click("text=值班表")
    page.wait_for_selector("h1 >> text=值班表")
    assert page.locator("text=局长驻窗口 · 西固区司法局").count() == 1
    shot("cl-04-rosters-overview")
    station = district.stations[0]
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    next_monday = monday + datetime.timedelta(days=7)
    page.goto(f"{base}/staff/orgs/rosters/{station.pk}/?week={next_monday.isoformat()}")
    for day in range(5):
        page.fill("#id_day", (next_monday + datetime.timedelta(days=day)).isoformat())
        page.fill("#id_starts", "08:30")
        page.fill("#id_ends", "18:00" if day < 4 else "12:00")
        page.select_option("#id_person", index=1)
        page.click("#add-shift button[type=submit]")
        page.wait_for_selector("text=已添加值班安排")
    row = page.locator("table.roster tbody tr").nth(4)
    assert "缺岗 14:30–18:00" in row.inner_text()  # Friday afternoon: nobody
    shot("cl-05-roster-week")
    logout(page)

    # 5. the citizen tracks the matter: what was done and where to go next, nobody's personal data
    page.goto(f"{base}/t/{code}")
    page.wait_for_selector("#outcome")
    outcome = page.inner_text("#outcome")
    assert "给予法律援助" in outcome and "指派律师" in outcome
    body = page.inner_text("main")
    assert "王建军" not in body and "13912345678" not in body and "经济困难条件" not in body
    page.click("#large-text-toggle")
    shot("cl-06-tracking-outcome")
    assert re.search(r"西固区公共法律服务中心", outcome)
