"""The knowledge module in a real browser: a mediator writes up a concluded neighbours' dispute with
the parties' personal data in it → it is anonymised on save and submitted → the district manager
corrects the related statutes (a wrong article is refused, field by field) and publishes, then writes
an FAQ entry → a citizen finds the case, the FAQ and the statutes from the portal's one search box
→ a citizen's question gets a guide (where to go, legal aid) → the citation check marks an article
that does not exist."""

import re

LAWS = ["中华人民共和国民法典", "中华人民共和国劳动法", "中华人民共和国劳动合同法"]
ID_NUMBER = "11010119900307425" + "8"
PHONE = "13900001111"


def test_case_library_and_public_search(page, shot, live_server, e2e_district, login, logout):
    from yizhan.knowledge import services

    services.reset()
    services.import_corpus(law_names=LAWS, force=True)
    base = live_server.url

    # 1. the mediator writes the case; the personal data is removed on save
    login(page, base, "mediator")
    page.goto(f"{base}/staff/knowledge/cases/new/")
    page.fill("#id_title", "楼上卫生间漏水纠纷调解成功")
    page.fill(
        "#id_body",
        f"申请人张建华（身份证号{ID_NUMBER}，电话{PHONE}）家中天花板因楼上卫生间漏水受损，"
        "与楼上住户协商未果。调解员查看现场后组织双方协商，楼上住户同意修复防水层并赔偿维修费三千元。",
    )
    shot("kn-01-write")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/knowledge/cases/\d+/"))
    case_url = page.url
    content = page.content()
    assert PHONE not in content and ID_NUMBER not in content and "张建华" not in content
    assert "漏水" in content
    shot("kn-02-anonymised")
    page.click("text=报送审核")
    page.wait_for_selector("text=审核通过并发布", state="detached")
    logout(page)

    # 2. the district manager corrects the statutes (a wrong article is refused) and publishes
    login(page, base, "manager")
    page.goto(case_url)
    page.fill("#id_statutes", "《民法典》第一千一百六十五条、《民法典》第9999条")
    page.click("form:has(#id_statutes) button[type=submit]")
    page.wait_for_selector("text=法规库中找不到")
    assert page.locator("#id_statutes").input_value().endswith("第9999条")  # nothing lost
    shot("kn-03-wrong-article")
    page.fill("#id_statutes", "《民法典》第一千一百六十五条、《民法典》第二百八十八条")
    page.click("form:has(#id_statutes) button[type=submit]")
    page.wait_for_selector("text=第二百八十八条")
    page.click("text=审核通过并发布")
    page.wait_for_selector("text=已发布")

    # ... and writes an FAQ entry from the knowledge page, its statutes typed as citations
    page.click("nav >> text=法律知识")
    page.click("text=常见问题管理")
    page.click("text=新增常见问题")
    page.fill("#id_question", "楼上漏水把我家淹了怎么办？")
    page.fill("#id_answer", "先与楼上住户协商修复并赔偿损失；协商不成可以申请人民调解，也可以向法院起诉。")
    page.fill("#id_statutes", "《民法典》第二百九十六条、《民法典》第一万条")
    page.check("#id_published")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=法规库中找不到")
    shot("kn-04-faq-error")
    page.fill("#id_statutes", "《民法典》第二百九十六条、《民法典》第一千一百六十五条")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已发布常见问题")
    shot("kn-05-faq-list")
    logout(page)

    # 3. a citizen searches the portal: statutes and the published case in one box
    page.goto(f"{base}/laws/")
    page.fill("input[name=q]", "楼上漏水")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=楼上卫生间漏水纠纷调解成功")
    page.wait_for_selector("text=楼上漏水把我家淹了怎么办？")
    assert page.locator("text=民法典").count() >= 1
    shot("kn-06-public-search")
    page.click("text=楼上卫生间漏水纠纷调解成功")
    page.wait_for_selector("text=第一千一百六十五条")
    assert PHONE not in page.content()
    shot("kn-07-public-case")

    # 4. a citizen's question gets a guide: what kind of matter, where to go, legal aid
    page.goto(f"{base}/laws/")
    page.fill("input[name=q]", "在工地打工，老板拖欠工资三个月不给怎么办")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=办事指引")
    assert page.locator("text=在线申请法律援助").count() == 1
    shot("kn-08-guide")

    # 5. the citation check
    page.goto(f"{base}/laws/check/")
    page.fill("textarea[name=text]", "依据《民法典》第1165条和《劳动法》第999条，被申请人应当赔偿。")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=该法没有这一条")
    assert page.locator("text=存在").count() >= 1
    shot("kn-09-citations")
