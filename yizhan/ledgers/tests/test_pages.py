"""The ledger pages: the overview with counts, one ledger with filters, pages and export buttons."""

import pytest
from django.urls import reverse

from yizhan.matters.testing import register


@pytest.fixture
def clerk_client(client, users):
    client.force_login(users["clerk"])
    return client


def test_the_overview_counts_this_months_rows_of_each_ledger(book, clerk_client):
    response = clerk_client.get(reverse("ledgers:index"))
    assert response.status_code == 200
    counts = {row["ledger"].key: row["count"] for row in response.context["rows"]}
    assert counts == {
        "visits": 7,
        "mediation_transfers": 1,
        "legal_aid_transfers": 1,
        "appointments": 1,
        "business_transfers": 1,
        "complaints": 1,
    }
    page = response.content.decode()
    assert "公共法律服务来访登记台帐" in page and "导出Excel" in page


def test_the_overview_counts_for_another_period(book, clerk_client):
    response = clerk_client.get(
        reverse("ledgers:index"), {"date_from": "2020-01-01", "date_to": "2020-12-31"}
    )
    assert {row["count"] for row in response.context["rows"]} == {0}
    assert "date_from=2020-01-01" in response.context["query"]


def test_a_ledger_page_lists_rows_linked_to_the_matter(book, clerk_client):
    response = clerk_client.get(reverse("ledgers:ledger", args=["visits"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("matters:detail", args=[book.window.number])}"' in page
    assert "138****1234" in page and "13812341234" not in page
    assert "共 7 条" in page
    assert "首问责任人（签字）" in page


def test_a_ledger_page_offers_the_exports_with_the_same_filters(book, clerk_client):
    page = clerk_client.get(
        reverse("ledgers:ledger", args=["visits"]), {"channel": "hotline"}
    ).content.decode()
    assert "export.xlsx?" in page and "export.pdf?" in page
    assert "channel=hotline" in page


def test_a_volunteer_sees_no_export_buttons(book, client, users):
    client.force_login(users["volunteer"])
    page = client.get(reverse("ledgers:ledger", args=["visits"])).content.decode()
    assert "export.xlsx" not in page


def test_the_filter_form_swaps_only_the_table_under_htmx(book, clerk_client):
    response = clerk_client.get(
        reverse("ledgers:ledger", args=["visits"]), {"channel": "hotline"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" not in page and "<form" not in page
    assert book.hotline.number in page and book.window.number not in page


def test_bad_filters_show_field_errors(book, clerk_client):
    response = clerk_client.get(
        reverse("ledgers:ledger", args=["visits"]), {"date_from": "2026-02-30", "channel": "pigeon"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "日期格式应为“年-月-日”，如 2026-01-31。" in page
    assert "未知的渠道：pigeon" in page
    assert 'aria-invalid="true"' in page
    assert "export.xlsx" not in page  # nothing to export until the filters are right


def test_bad_filters_under_htmx_are_shown_in_the_table_area(book, clerk_client):
    response = clerk_client.get(
        reverse("ledgers:ledger", args=["visits"]), {"date_to": "soon"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "结束日期" in response.content.decode()


def test_fifty_rows_a_page(district, users, clerk_client):
    for _ in range(53):
        register(users["clerk"])
    first = clerk_client.get(reverse("ledgers:ledger", args=["visits"]))
    assert len(first.context["page"].object_list) == 50
    assert "第 1 页 / 共 2 页" in first.content.decode()
    second = clerk_client.get(reverse("ledgers:ledger", args=["visits"]), {"page": "2"})
    rows = second.context["page"].object_list
    assert [row[0]["text"] for row in rows] == ["51", "52", "53"]


def test_clearing_the_dates_shows_all_dates(book, clerk_client):
    response = clerk_client.get(reverse("ledgers:ledger", args=["visits"]), {"date_from": "", "date_to": ""})
    assert "登记日期：全部" in response.content.decode()
    assert "date_from=&amp;date_to=" in response.content.decode()


def test_every_ledger_page_renders(book, clerk_client):
    for key in ("visits", "mediation_transfers", "legal_aid_transfers", "appointments", "business_transfers"):
        assert clerk_client.get(reverse("ledgers:ledger", args=[key])).status_code == 200
    assert clerk_client.get(reverse("ledgers:ledger", args=["complaints"])).status_code == 200


def test_an_empty_period_says_so(book, clerk_client):
    response = clerk_client.get(
        reverse("ledgers:ledger", args=["complaints"]), {"date_from": "2020-01-01", "date_to": "2020-01-31"}
    )
    page = response.content.decode()
    assert "共 0 条" in page and "没有符合条件的记录" in page


def test_an_unknown_ledger_is_404(clerk_client, district):
    assert clerk_client.get(reverse("ledgers:ledger", args=["diary"])).status_code == 404


def test_the_pages_need_a_login(client, district):
    response = client.get(reverse("ledgers:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_account_without_the_ledger_right_gets_a_403_page(client, users):
    client.force_login(users["hotline"])
    for url in (reverse("ledgers:index"), reverse("ledgers:ledger", args=["visits"])):
        response = client.get(url)
        assert response.status_code == 403
        assert "没有查看台帐的权限" in response.content.decode()


def test_a_station_clerk_cannot_pick_another_township_as_unit(district, users, client):
    client.force_login(users["clerk2"])
    response = client.get(reverse("ledgers:ledger", args=["visits"]), {"org": str(district.center.pk)})
    assert "该单位不存在或不在您的管辖范围内。" in response.content.decode()
    options = response.context["fields"][2]["choices"]
    assert [label.strip("　") for _, label in options] == [
        "陈坪街道公共法律服务站",
        *(room.name for room in district.rooms if room.parent_id == district.stations[0].pk),
    ]
