"""Legal aid in a real browser: a migrant worker applies online for unpaid wages (exempt from the
verification of economic hardship, 法律援助法第四十二条第三项) → the township station pre-checks and
forwards → the centre receives and grants within the seven-day clock → assigns the lawyer the
applicant chose from the roster → the lawyer reports progress and closes → the citizen tracks the
case with the query code, seeing stages and dates but no personal data."""

import re


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
    page.wait_for_selector("text=查询码")
    shot("la-02-applied")
    code = re.sub(r"\s", "", page.locator(".code-big").inner_text())
    assert len(code) == 12

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

    # 4. the lawyer reports progress (art. 46) and closes with the materials of art. 50
    login(page, base, "lawyer")
    page.goto(f"{base}/staff/legal-aid/{number}/")
    page.fill("textarea[name$=content]", "已向劳动人事争议仲裁委员会提交仲裁申请。")
    page.click("text=记录并通报")
    page.wait_for_selector("text=已向劳动人事争议仲裁委员会提交仲裁申请。")
    step = page.locator("#step-close")
    step.locator("summary").click()
    step.locator("input[value=documents]").check()
    step.locator("input[value=report]").check()
    step.locator("textarea").first.fill("经仲裁调解，用工方当庭支付工资两万元。")
    step.locator("button[type=submit]").click()
    page.wait_for_selector("text=已完成「结案」")
    shot("la-04-closed")
    logout(page)

    # 5. the citizen tracks it by query code: stages and dates, never personal data
    page.goto(f"{base}/t/{code}")
    body = page.inner_text("main")
    shot("la-05-track")
    for stage in ("初审通过并转交", "决定给予法律援助", "指派承办人员", "结案"):
        assert stage in body
    assert "法律援助法第四十三条第一款" in body
    assert "马建军" not in body and "13900001111" not in body and lawyer.name not in body
