"""Rating the service by query code: once, and only when the matter has been answered or fed back."""

from django.test import Client
from django.urls import reverse

from yizhan.matters.models import EventCode, Matter
from yizhan.matters.testing import drive

UNKNOWN_CODE = "123456789015"


def rate(client, matter, **data):
    form = {"satisfaction": "satisfied", "advice_adopted": "yes", "comment": "调解员很耐心。"} | data
    return client.post(reverse("portal:rate", args=[matter.query_code]), form)


def rated_events(matter):
    return matter.events.filter(code=EventCode.RATE).count()


def test_the_status_page_offers_the_rating_form_when_the_matter_allows_it(client, district):
    for state in ("fed_back", "answered"):
        matter = drive(district, state)
        page = client.get(reverse("portal:status", args=[matter.query_code])).content.decode()
        assert f'action="{reverse("portal:rate", args=[matter.query_code])}"' in page, state
        assert 'name="satisfaction"' in page, state


def test_a_rating_is_recorded_and_thanked_for(client, district):
    matter = drive(district, "fed_back")
    response = rate(client, matter, satisfaction="very_satisfied")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:status", args=[matter.query_code])
    matter.refresh_from_db()
    assert (matter.state, matter.satisfaction, matter.advice_adopted) == (
        "followed_up",
        "very_satisfied",
        True,
    )
    assert rated_events(matter) == 1
    page = client.get(response["Location"]).content.decode()
    assert "感谢您的评价！" in page
    assert "您已评价：非常满意" in page
    assert 'name="satisfaction"' not in page  # the form is gone


def test_a_matter_can_be_rated_only_once(client, district):
    matter = drive(district, "fed_back")
    rate(client, matter, satisfaction="satisfied")
    again = rate(client, matter, satisfaction="dissatisfied")
    assert again.status_code == 200
    assert "该事项已评价，感谢您的反馈。" in again.content.decode()
    matter.refresh_from_db()
    assert matter.satisfaction == "satisfied"
    assert rated_events(matter) == 1


def test_an_unfinished_matter_cannot_be_rated_yet(client, district):
    for state in ("registered", "in_progress", "concluded"):
        matter = drive(district, state)
        page = client.get(reverse("portal:status", args=[matter.query_code])).content.decode()
        assert 'name="satisfaction"' not in page, state
        response = rate(client, matter)
        assert "事项办理完成并反馈后才能评价。" in response.content.decode(), state
        matter.refresh_from_db()
        assert matter.state == state and matter.satisfaction == ""


def test_an_unknown_choice_is_a_form_error_and_nothing_is_recorded(client, district):
    matter = drive(district, "fed_back")
    response = rate(client, matter, satisfaction="so-so")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()
    assert Matter.objects.get(pk=matter.pk).state == "fed_back"


def test_rating_an_unknown_code_is_a_clear_404(client, db):
    response = client.post(reverse("portal:rate", args=[UNKNOWN_CODE]), {"satisfaction": "satisfied"})
    assert response.status_code == 404
    assert "没有找到该查询码对应的事项" in response.content.decode()


def test_rating_takes_a_post_with_the_pages_csrf_token(district):
    matter = drive(district, "fed_back")
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("portal:rate", args=[matter.query_code])).status_code == 405
    assert rate(client, matter).status_code == 403  # no token: a cross-site form cannot rate
    page = client.get(reverse("portal:status", args=[matter.query_code]))
    token = page.context["csrf_token"]
    response = rate(client, matter, csrfmiddlewaretoken=str(token))
    assert response.status_code == 302
    assert rated_events(matter) == 1
