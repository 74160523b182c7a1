"""Login lockout, idle expiry, CSRF."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import TEST_PASSWORD


def attempt(username, password, ip):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_repeated_failures_lock_out_that_username_from_that_address_only(township_a_user, township_b_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(township_a_user.username, "wrong-Password1", "10.1.1.1")
    locked = attempt(township_a_user.username, TEST_PASSWORD, "10.1.1.1")
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    # A colleague in the same township office (same address) still logs in.
    assert attempt(township_b_user.username, TEST_PASSWORD, "10.1.1.1").status_code == 302
    # The same person from another address is not locked out either.
    assert attempt(township_a_user.username, TEST_PASSWORD, "10.2.2.2").status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_shows_a_chinese_message(township_a_user):
    response = attempt(township_a_user.username, "wrong-Password1", "10.3.3.3")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_idle_sessions_expire_after_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_posts_without_a_csrf_token_are_refused(org_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org_user)
    response = client.post("/secretaries/units/new/", {"name": "x", "level": "city", "kind": "organ"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/secretaries/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, heading",
    [("org", "区委组织部"), ("township_a", "乡镇"), ("secretary_a", "我的"), ("station_manager", "服务站")],
)
def test_each_role_lands_on_its_own_home_page(client_for, people, role, heading):
    response = client_for(people[role]).get("/")
    assert response.status_code == 200
    assert heading in response.content.decode()
