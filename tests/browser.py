"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, for page tests.

Use with pytest-django's live_server:

    @pytest.mark.browser
    def test_x(live_server, page, secretary_user):
        login(page, live_server, secretary_user.username)
"""

import os
import time

import pytest

from tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"浏览器测试需要 {CHROMIUM}：apt-get install -y chromium fonts-wqy-microhei（make test 会自动安装）"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def login(page, live_server, username, password=TEST_PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"登录失败：{username}"


def wait_for(page, expression, timeout=15):
    """Wait until `expression` (JavaScript) is true in the page. Playwright's wait_for_function
    evaluates a string with eval() in the page, which the Content-Security-Policy refuses
    (script-src 'self', no 'unsafe-eval'); page.evaluate goes through the debugger protocol."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        assert time.monotonic() < deadline, f"等待超时：{expression}"
        page.wait_for_timeout(100)
