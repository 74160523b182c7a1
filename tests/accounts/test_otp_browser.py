"""Issue 14 point 8 in a real browser: a superuser is sent to set up two-factor login, scans (here:
reads) the key, confirms with a code, keeps the recovery codes, and logs in with password + code."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, UserFactory


def code(device, steps_ahead=0):
    """The authenticator's current code (or the next one: a code is accepted once only)."""
    return str(totp(device.bin_key, drift=steps_ahead)).zfill(6)


@pytest.mark.browser
def test_enrolment_and_login_with_an_authenticator(live_server, page, transactional_db):
    admin = UserFactory(username="root_admin", is_superuser=True, is_staff=True)
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/security/")
    assert "必须启用两步验证" in page.content()

    page.click("#otp-start")
    page.wait_for_selector(".qr svg")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    shown_secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    assert device.config_url.split("secret=")[1].split("&")[0] == shown_secret
    page.fill("#id_token", code(device))
    page.click("button:has-text('确认启用')")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    assert "两步验证已启用" in page.content()

    # Now everything opens; log out and in again: the password, then the next code.
    page.goto(f"{live_server.url}/secretaries/")
    assert "/secretaries/" in page.url
    page.click("a.dropdown-toggle:has-text('root_admin')")
    page.click("button:has-text('退出登录')")
    page.wait_for_url("**/accounts/login/")

    page.fill("#id_username", admin.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/otp/")
    device.refresh_from_db()
    page.fill("#id_token", code(device, steps_ahead=1))
    page.click("button:has-text('验证并登录')")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login" not in page.url
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/" in page.url and "管理后台" in page.content()
    assert script_errors == []
