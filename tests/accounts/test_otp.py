"""Issue 14 point 8: two-factor login with TOTP, recovery codes, required for administrators."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import otp_device_pending, recovery_codes_make
from tests.accounts.conftest import post_login
from tests.factories import TEST_PASSWORD, UserFactory


def enrol(user):
    device = otp_device_pending(user)
    device.confirmed = True
    device.save()
    return device, recovery_codes_make(user)


@pytest.mark.django_db
def test_a_login_with_a_device_is_asked_for_its_code_after_the_password(township_a_user, settings):
    device, _ = enrol(township_a_user)
    client, response = post_login(township_a_user.username, TEST_PASSWORD)
    assert response["Location"] == "/accounts/login/otp/"
    assert client.get("/secretaries/").status_code == 302  # not logged in yet

    wrong = client.post("/accounts/login/otp/", {"token": "000000"})
    assert "验证码不正确或已过期" in wrong.content.decode()
    # Right after a failure the devices wait (django-otp's throttle), then accept.
    code = str(totp(device.bin_key)).zfill(6)
    assert "尝试过于频繁" in client.post("/accounts/login/otp/", {"token": code}).content.decode()
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    ok = client.post("/accounts/login/otp/", {"token": str(totp(device.bin_key)).zfill(6)})
    assert ok.status_code == 302
    assert client.get("/secretaries/").status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_logs_in_once(township_a_user, audit_actions):
    _, codes = enrol(township_a_user)
    client, _ = post_login(township_a_user.username, TEST_PASSWORD)
    response = client.post("/accounts/login/otp/", {"token": codes[0]}, follow=True)
    assert "您使用了一个恢复码，还剩 9 个" in response.content.decode()
    assert "account.recovery_code_used" in audit_actions
    assert StaticToken.objects.filter(device__user=township_a_user).count() == 9

    again, _ = post_login(township_a_user.username, TEST_PASSWORD, ip="10.9.9.7")
    response = again.post("/accounts/login/otp/", {"token": codes[0]})
    assert "验证码不正确或已过期" in response.content.decode()


@pytest.mark.django_db
def test_five_wrong_codes_send_the_user_back_to_the_password(township_a_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    enrol(township_a_user)
    client, _ = post_login(township_a_user.username, TEST_PASSWORD)
    for _ in range(4):
        assert client.post("/accounts/login/otp/", {"token": "123456"}).status_code == 200
    last = client.post("/accounts/login/otp/", {"token": "123456"}, follow=True)
    assert last.redirect_chain[-1][0] == "/accounts/login/"
    assert "验证码错误次数过多，请重新登录" in last.content.decode()


@pytest.mark.django_db
def test_a_superuser_must_enrol_before_using_anything(db):
    admin = UserFactory(username="root_admin", is_superuser=True, is_staff=True)
    client, _ = post_login(admin.username, TEST_PASSWORD)
    page = client.get("/secretaries/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/security/"
    assert "必须启用两步验证" in page.content.decode()
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/accounts/security/"


@pytest.mark.django_db
def test_the_department_must_enrol_only_when_the_setting_says_so(org_user, settings):
    client, _ = post_login(org_user.username, TEST_PASSWORD)
    assert client.get("/secretaries/").status_code == 200
    settings.OTP_REQUIRED_FOR_ORG = True
    client, _ = post_login(org_user.username, TEST_PASSWORD, ip="10.9.9.6")
    assert client.get("/secretaries/", follow=True).redirect_chain[-1][0] == "/accounts/security/"


@pytest.mark.django_db
def test_a_required_login_cannot_remove_its_device(org_user, settings, client_for):
    settings.OTP_REQUIRED_FOR_ORG = True
    enrol(org_user)
    response = client_for(org_user).post("/accounts/security/", {"action": "remove"}, follow=True)
    assert "不能停用" in response.content.decode()
    assert TOTPDevice.objects.filter(user=org_user, confirmed=True).exists()


@pytest.mark.django_db
def test_the_admin_login_page_sends_to_the_one_login_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"
