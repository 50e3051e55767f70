"""The closed loop in a real browser: window intake → transfer to a mediation committee → the
committee accepts and concludes → the window feeds the result back → the citizen rates it with the
query code → the ledgers show it."""


def test_the_closed_loop(page, shot, live_server, e2e_district, login, logout):
    base = live_server.url
    committee = e2e_district.committees[0]

    # 1. the window clerk registers a walk-in matter
    login(page, base, "clerk")
    page.click("text=登记事项")
    page.fill("#id_name", "刘大爷")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_id_number", "11010119500307425X")
    page.locator("#id_id_number").blur()
    page.wait_for_selector("#person-check >> text=身份证号有效")
    page.check("input[name=groups][value=elderly]")
    page.select_option("#id_service_type", label="人民调解")
    page.select_option("#id_domain", label="房产纠纷")
    page.fill("#id_title", "邻居装修导致房屋漏水")
    page.fill("#id_facts", "楼上邻居装修后卫生间漏水，多次协商未果，请求调解。")
    shot("01-intake")
    page.click("text=登记并办理")
    page.wait_for_selector("text=已登记：受理编号")
    number = page.locator("dl.facts dd").first.inner_text().strip()
    assert page.locator("text=139****5678").count() == 1
    code = page.locator(".code-big").inner_text().replace(" ", "")
    assert len(code) == 12

    # 2. … and transfers it to the township mediation committee
    page.click("#action-transfer summary")
    page.select_option("#id_transfer-to_org", value=str(committee.pk))
    page.select_option("#id_transfer-service_type", label="人民调解")
    page.fill("#id_transfer-note", "老年人，请优先安排调解。")
    shot("02-transfer")
    page.click("#action-transfer button[type=submit]")
    page.wait_for_selector("text=已完成「分流」")
    assert page.locator(".pill.transferred").count() >= 1
    logout(page)

    # 3. the committee's mediator accepts and concludes it
    login(page, base, "mediator")
    page.goto(f"{base}/staff/matters/{number}/")
    page.click("#action-accept summary")
    page.click("#action-accept button[type=submit]")
    page.wait_for_selector("text=已完成「接收」")
    page.click("#action-conclude summary")
    page.select_option("#id_conclude-outcome", value="mediated")
    page.fill("#id_conclude-note", "经调解，楼上住户负责维修并赔偿2000元，双方签订调解协议。")
    page.click("#action-conclude button[type=submit]")
    page.wait_for_selector("text=已完成「办结」")
    shot("03-concluded")
    logout(page)

    # 4. the window feeds the result back to the requester
    login(page, base, "clerk")
    page.goto(f"{base}/staff/matters/{number}/")
    page.click("#action-feed_back summary")
    page.select_option("#id_feed_back-method", value="phone")
    page.fill("#id_feed_back-note", "已电话告知刘大爷调解结果。")
    page.click("#action-feed_back button[type=submit]")
    page.wait_for_selector("text=已完成「结果反馈」")
    logout(page)

    # 5. the citizen tracks the matter with the query code and rates it
    page.goto(f"{base}/")
    page.fill("#id_code", code[:4] + " " + code[4:8] + " " + code[8:])
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已反馈办理结果")
    body = page.inner_text("main")
    assert "刘大爷" not in body and "13912345678" not in body  # no personal data in public
    page.check("input[name=satisfaction][value=very_satisfied]")
    page.check("input[name=advice_adopted][value=yes]")
    page.fill("#id_comment", "调解员很耐心，谢谢！")
    shot("04-rating")
    page.click("text=提交评价")
    page.wait_for_selector("text=感谢您的评价")
    shot("05-rated")

    # 6. the ledgers show it
    login(page, base, "clerk")
    page.goto(f"{base}/staff/ledgers/mediation_transfers/")
    assert page.locator(f"text={number}").count() >= 1
    shot("06-mediation-ledger")
    page.goto(f"{base}/staff/ledgers/visits/")
    assert page.locator(f"text={number}").count() >= 1
    page.goto(f"{base}/staff/matters/{number}/")
    assert page.locator("text=非常满意").count() >= 1
    shot("07-matter")
