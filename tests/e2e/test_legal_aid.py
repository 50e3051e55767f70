"""Legal aid in a real browser.

1. A migrant worker applies online for unpaid wages (exempt from the verification of economic
   hardship, 法律援助法第四十二条第三项); refreshing the confirmation files nothing new → the township
   station pre-checks and forwards → the centre receives and grants within the seven-day clock →
   assigns the lawyer the applicant chose from the roster → the lawyer reports progress in person
   (第四十六条) and closes → the citizen tracks the case with the query code: one stage, each step
   once with its article, the lawyer's name and office phone, the progress addressed to them, the
   statutory deadlines, and no personal data.
2. A walk-in 法律援助 matter registered at the township window becomes the case itself: the
   conversion form starts from what the matter says (劳动纠纷 about 工资, 农民工)."""

import re

from yizhan.legalaid.models import LegalAidCase
from yizhan.matters.models import Matter


def take_step(page, code, **fields):
    step = page.locator(f"#step-{code}")
    step.locator("summary").click()
    for name, value in fields.items():
        control = step.locator(f"[name$={name}]").first
        tag = control.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            control.select_option(value=str(value))
        elif tag.endswith(":checkbox"):
            control.check()
        else:
            control.fill(str(value))
    step.locator("button[type=submit]").click()


def test_online_application_to_closing(page, shot, live_server, e2e_district, login, logout):
    base = live_server.url
    station = e2e_district.stations[0]
    lawyer = e2e_district.lawyers[0]

    # 1. the citizen applies online
    page.goto(f"{base}/legal-aid/apply/")
    page.fill("#id_name", "马建军")
    page.fill("#id_phone", "13900001111")
    page.fill("#id_id_number", "11010119900307425" + "8")
    page.fill("#id_address", "西固区福利路街道某小区")
    page.select_option("#id_station", value=str(station.pk))
    page.fill("#id_title", "包工头拖欠工资两万元")
    page.fill("#id_story", "2026年在建筑工地务工五个月，包工头拖欠工资两万元，多次讨要未果。")
    page.select_option("#id_proceeding", value="non_litigation")
    page.select_option("#id_claim", value="wages")
    page.check("input[name=aid_groups][value=migrant_worker]")
    page.select_option("#id_preferred_person", value=str(lawyer.pk))  # 点援制: chosen from the roster
    page.check("#id_consent")
    shot("la-01-apply")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/legal-aid/apply/done/$"))
    page.wait_for_selector("text=查询码")
    shot("la-02-applied")
    code = re.sub(r"\s", "", page.locator(".code-big").inner_text())
    assert len(code) == 12
    assert "经济困难状况说明表" not in page.inner_text("main")  # 第四十二条: not asked of a wage claim
    # a refresh shows the same application; nothing is filed again
    page.reload()
    assert re.sub(r"\s", "", page.locator(".code-big").inner_text()) == code
    page.go_back()  # the form again, and the browser re-sends it
    page.go_forward()
    assert LegalAidCase.objects.count() == 1

    # 2. the township station pre-checks and forwards it to the centre
    login(page, base, "clerk2")
    page.click("nav >> text=法律援助")
    page.click("text=包工头拖欠工资两万元")
    page.wait_for_selector("text=免予核查经济困难状况")
    assert page.locator("text=法律援助法第四十二条第三项").count() >= 1
    take_step(page, "precheck_pass")
    page.wait_for_selector("text=已完成「初审通过并转交」")
    number = re.search(r"/staff/legal-aid/([^/]+)/", page.url).group(1)
    logout(page)

    # 3. the centre receives it (the seven-day clock starts), grants, and assigns the chosen lawyer
    login(page, base, "legalaid")
    page.goto(f"{base}/staff/legal-aid/{number}/")
    take_step(page, "receive")
    page.wait_for_selector("text=已完成「接收申请」")
    assert page.locator("text=计时中").count() >= 1
    take_step(page, "grant", note="进城务工人员请求支付劳动报酬，属于法律援助事项，免予核查经济困难状况。")
    page.wait_for_selector("text=已完成「决定给予法律援助」")
    assert page.locator("text=决定书（PDF）").count() == 1
    assert page.locator("text=受援人选择").count() == 1
    take_step(page, "assign")  # the applicant's choice is preselected
    page.wait_for_selector("text=已完成「指派承办人员」")
    assert page.locator("text=受援人自选").count() >= 1
    shot("la-03-assigned")
    logout(page)

    # 4. the lawyer reports progress in person (art. 46: no reason asked) and closes (art. 50)
    login(page, base, "lawyer")
    page.goto(f"{base}/staff/legal-aid/{number}/")
    progress = page.locator("#progress")
    assert progress.locator("[name=on_behalf_reason]").count() == 0  # the lawyer acts in person
    assert progress.locator("[name=for_recipient]").is_checked()  # addressed to the recipient
    progress.locator("textarea[name=content]").fill("已向劳动人事争议仲裁委员会提交仲裁申请，定于下周开庭。")
    shot("la-04-progress-form")
    progress.locator("button[type=submit]").click()
    page.wait_for_selector("text=已记录办理情况并通报受援人")
    page.wait_for_selector("text=已向劳动人事争议仲裁委员会提交仲裁申请，定于下周开庭。")
    step = page.locator("#step-close")
    step.locator("summary").click()
    assert step.locator("[name$=on_behalf_reason]").count() == 0
    step.locator("input[value=documents]").check()
    step.locator("input[value=report]").check()
    step.locator("textarea").first.fill("经仲裁调解，用工方当庭支付工资两万元。")
    step.locator("button[type=submit]").click()
    page.wait_for_selector("text=已完成「结案」")
    shot("la-05-closed")
    logout(page)

    # 5. the citizen tracks it by query code
    page.goto(f"{base}/t/{code}")
    body = page.inner_text("main")
    shot("la-06-track")
    assert body.count("已结案") >= 1 and "已转交" not in body and "预计办结" not in body  # one stage
    for step_label in ("提出申请", "初审通过并转交", "接收申请", "决定给予法律援助", "指派承办人员", "结案"):
        assert page.locator("ol.steps b", has_text=re.compile(f"^{step_label}$")).count() == 1, step_label
    assert "《中华人民共和国法律援助法》第四十三条第一款" in body
    assert lawyer.name in body and lawyer.org.phone in body  # the lawyer and the office phone
    assert "已向劳动人事争议仲裁委员会提交仲裁申请，定于下周开庭。" in body
    assert "审查并作出决定（七日）" in body and "已按期完成" in body
    assert "马建军" not in body and "13900001111" not in body


def test_a_walk_in_legal_aid_matter_becomes_the_case(page, shot, live_server, e2e_district, login, logout):
    from yizhan.matters.testing import register

    base = live_server.url
    matter = register(
        e2e_district.users["clerk2"],
        service_type="legal_aid",
        domain="labor",
        groups=["migrant_worker"],
        title="工地老板拖欠工资八千元",
        facts="在工地干了四个月，老板拖欠工资八千元。",
        receiving_org=e2e_district.stations[0],
    )

    # the township window opens the matter: it can become the legal-aid application itself
    login(page, base, "clerk2")
    page.goto(f"{base}/staff/matters/{matter.number}/")
    page.click("text=转为法律援助申请")
    page.wait_for_url(re.compile(r"/staff/legal-aid/from-matter/"))
    # every known fact is carried: 劳动纠纷 about 工资 → 请求支付劳动报酬; 农民工 → 进城务工人员
    assert page.locator("#id_claim").input_value() == "wages"
    assert page.locator("input[name=aid_groups][value=migrant_worker]").is_checked()
    page.select_option("#id_proceeding", value="non_litigation")
    page.wait_for_selector("#eligibility >> text=免予核查经济困难状况")
    shot("la-07-walk-in-conversion")
    page.click("text=生成法律援助申请")
    page.wait_for_selector("text=已转为法律援助申请")
    shot("la-08-walk-in-case")
    case = LegalAidCase.objects.get()
    assert case.matter_id == matter.pk and Matter.objects.count() == 1  # the same matter, same query code
    take_step(page, "precheck_pass")
    page.wait_for_selector("text=已完成「初审通过并转交」")
    logout(page)

    # the centre receives and decides it like any application
    login(page, base, "legalaid")
    page.goto(f"{base}/staff/legal-aid/{case.number}/")
    take_step(page, "receive")
    page.wait_for_selector("text=已完成「接收申请」")
    take_step(page, "request_materials", items="工资欠条或者考勤记录")
    page.wait_for_selector("text=已完成「一次性告知补充材料」")
    assert page.locator("text=暂停（待补充材料）").count() >= 1  # 第四十三条第二款: the clock stands still
    shot("la-09-paused-clock")
    logout(page)

    page.goto(f"{base}/t/{matter.query_code}")
    body = page.inner_text("main")
    shot("la-10-track-paused")
    assert "待补充材料" in body and "暂停计算" in body and "工资欠条或者考勤记录" in body
