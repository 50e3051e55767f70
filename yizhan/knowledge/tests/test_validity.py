"""A law's validity follows the calendar: a promulgated revision is 尚未生效 until its effective date
and the text it replaces is what search serves until then (立法法 第六十一条)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from yizhan.knowledge import services
from yizhan.knowledge.models import Law

TRADEMARK = "中华人民共和国商标法"
LAWS = [TRADEMARK, "中华人民共和国民法典"]
OLD, NEW = "64f08538f06b", "2e6489c7de9d"  # laws.db ids of the 2019 text and the 2026 revision
BEFORE, AFTER = datetime.date(2026, 12, 1), datetime.date(2027, 1, 2)


@pytest.fixture
def trademark(db, settings, monkeypatch):
    """A corpus of the 民法典 and both texts of the 商标法. The package's other shared laws are removed
    inside this test's transaction (they are back for the next test), and search is built per test
    (the date, and with it the text in force, changes within a test) in an index directory of its
    own, so that the shared index stays as it is."""
    today = {"date": BEFORE}
    monkeypatch.setattr(timezone, "localdate", lambda: today["date"])
    settings.STATUTE_INDEX_DIR = Path(settings.STATUTE_INDEX_DIR).with_name("statutes-validity")
    services.reset()
    Law.objects.exclude(name__in=LAWS).delete()
    services.import_corpus(law_names=LAWS, force=True)
    yield today
    services.reset()


def _status(law_id: str) -> str:
    return Law.objects.get(law_id=law_id).status


def test_import_keeps_the_source_label_and_sets_todays_validity(trademark):
    assert Law.objects.get(law_id=NEW).source_status == "现行有效"
    assert (_status(OLD), _status(NEW)) == ("现行有效", "尚未生效")
    assert services.refresh_statuses(BEFORE) == 0  # nothing to change on the same day
    assert services.refresh_statuses(AFTER) == 2
    assert (_status(OLD), _status(NEW)) == ("历史版本", "现行有效")


def test_search_serves_the_text_in_force_and_switches_when_the_revision_takes_effect(trademark):
    first = services.search("商标法第十一条", k=1)[0]
    assert (first["law_id"], first["article_no"]) == (OLD, 11)
    assert all(h["law_id"] != NEW for h in services.search("商标注册申请", k=10))
    assert {h["law_id"] for h in services.search("商标注册申请", k=5, include_repealed=True)} >= {NEW}
    trademark["date"] = AFTER  # a running process notices the new day at its next search
    first = services.search("商标法第十一条", k=1)[0]
    assert (first["law_id"], first["article_no"]) == (NEW, 11)
    assert _status(NEW) == "现行有效"


def test_a_process_notices_a_revision_another_process_already_recorded(trademark):
    assert services.search("商标法第十一条", k=1)[0]["law_id"] == OLD
    services.refresh_statuses(AFTER)  # another worker got to the new day first
    trademark["date"] = AFTER
    assert services.search("商标法第十一条", k=1)[0]["law_id"] == NEW


def test_the_law_pages_say_which_text_applies(client, trademark):
    old = client.get(f"/laws/law/{OLD}/").content.decode()
    assert "修订后的版本已于2026-06-26公布，自2027-01-01起施行" in old
    assert f"/laws/law/{NEW}/" in old  # the other version is linked
    new = client.get(f"/laws/law/{NEW}/").content.decode()
    assert "尚未生效" in new and "自2027-01-01起施行，此前仍适用现行有效的版本" in new
    civil = Law.objects.get(name="中华人民共和国民法典")
    assert "其他版本" not in client.get(f"/laws/law/{civil.law_id}/").content.decode()


def test_the_api_says_which_version_each_result_is(client, trademark):
    rows = client.get("/api/v1/laws/search", {"q": "商标法第十一条", "k": 5}).json()["results"]
    assert (rows[0]["law_id"], rows[0]["status"]) == (OLD, "现行有效")
    everything = client.get(
        "/api/v1/laws/search", {"q": "商标注册申请", "k": 20, "include_repealed": "true"}
    ).json()["results"]
    assert {r["status"] for r in everything if r["law_id"] == NEW} == {"尚未生效"}
