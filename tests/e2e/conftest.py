"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's live server.

Skipped, with the reason, where no chromium is installed (``apt-get install chromium``); never
downloads a browser.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("YIZHAN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"

# Playwright's sync API runs an event loop in this thread; the ORM calls the test makes are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def shot(page):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def e2e_district(transactional_db):
    from yizhan.demo.district import build_district
    from yizhan.demo.reference import ensure_reference_data

    # a transactional test flushes every table afterwards, data-migration rows included (and, after a
    # serialized-rollback test, without re-creating the roles): put them back for this browser test
    ensure_reference_data()

    return build_district(small=True, password=PASSWORD)


PASSWORD = "Test-pass-2026"


@pytest.fixture
def login():
    """Sign in through the login page as one of the demo district's accounts."""

    def sign_in(page, base, username):
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/staff/"))

    return sign_in


@pytest.fixture
def logout():
    def sign_out(page):
        page.click("header form button")
        page.wait_for_url(re.compile(r"/accounts/login/"))

    return sign_out
