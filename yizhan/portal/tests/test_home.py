"""The public home page and the large-text mode (适老化): no login, the nearest service points."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from yizhan.matters.testing import drive


def test_it_opens_without_login_and_offers_the_tracking_form(client, district):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{reverse("portal:track")}"' in page
    assert 'name="code"' in page and 'inputmode="numeric"' in page


def test_it_lists_public_active_service_points_with_address_and_phone(client, district):
    center, station = district.center, district.stations[1]
    station.is_public = False
    station.save()
    district.rooms[0].is_active = False
    district.rooms[0].save()
    points = list(client.get(reverse("portal:home")).context["points"])
    assert center in points and district.stations[0] in points
    assert station not in points  # not public
    assert district.rooms[0] not in points  # no longer active
    assert district.notary not in points and district.firms[0] not in points  # institutions are not points
    page = client.get(reverse("portal:home")).content.decode()
    assert "兰州市西固区政务服务中心一楼" in page and "09317556100" in page


def test_every_public_page_offers_the_large_text_toggle(client, district):
    matter = drive(district, "registered")
    for url in (
        reverse("portal:home"),
        reverse("portal:track"),
        reverse("portal:status", args=[matter.query_code]),
        reverse("portal:status", args=["123456789015"]),  # even the "not found" answer
    ):
        page = client.get(url).content.decode()
        assert 'id="large-text-toggle"' in page, url
        assert 'src="/static/yizhan/site.js"' in page, url
    # the script that applies it (remembered per browser) and the style it switches on
    script = Path(finders.find("yizhan/site.js")).read_text(encoding="utf-8")
    style = Path(finders.find("yizhan/site.css")).read_text(encoding="utf-8")
    assert 'getElementById("large-text-toggle")' in script
    assert 'classList.toggle("large-text")' in script
    assert "localStorage" in script  # remembered per browser
    assert "body.large-text" in style
