"""Issue 14 point 7 and the forced change of point 5: the first login forces a password change,
passwords expire, the last five are not reused, and one address cannot try many usernames."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.models import Account
from accounts.services import NewLogin, logins_create
from tests.accounts.conftest import post_login
from tests.factories import TEST_PASSWORD


def new_login(rf, org_user, township_a, name="赵一鸣"):
    request = rf.post("/")
    request.user = org_user
    [created] = logins_create([NewLogin(name=name, phone="", role="township", township=township_a)], request=request)
    return created


def change_password(client, old, new):
    return client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new}, follow=True
    )


@pytest.mark.django_db
def test_the_first_login_must_change_the_initial_password_before_anything_else(rf, org_user, township_a, audit_actions):
    created = new_login(rf, org_user, township_a)
    client, response = post_login(created.user.username, created.password)
    assert response.status_code == 302

    page = client.get("/secretaries/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/password/"
    assert "您正在使用初始密码" in page.content.decode()

    done = change_password(client, created.password, "Shidu-2026-new")
    assert done.redirect_chain[-1][0] == "/accounts/password/done/"
    assert "密码已修改" in done.content.decode()
    assert client.get("/secretaries/").status_code == 200
    assert Account.objects.get(user=created.user).must_change_password is False
    assert {"account.create", "account.password_change", "account.forced_change_done"} <= set(audit_actions)


@pytest.mark.django_db
def test_an_expired_password_must_be_changed(township_a_user, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    Account.objects.create(user=township_a_user, password_changed_at=timezone.now() - timedelta(days=91))
    client, _ = post_login(township_a_user.username, TEST_PASSWORD)
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/password/"
    assert "您的密码已超过 90 天未修改" in page.content.decode()


@pytest.mark.django_db
def test_expiry_is_off_at_zero_and_a_recent_password_is_not_expired(township_a_user, settings):
    Account.objects.create(user=township_a_user, password_changed_at=timezone.now() - timedelta(days=400))
    settings.PASSWORD_MAX_AGE_DAYS = 0
    client, _ = post_login(township_a_user.username, TEST_PASSWORD)
    assert client.get("/secretaries/").status_code == 200

    settings.PASSWORD_MAX_AGE_DAYS = 90
    Account.objects.filter(user=township_a_user).update(password_changed_at=timezone.now() - timedelta(days=89))
    client, _ = post_login(township_a_user.username, TEST_PASSWORD, ip="10.9.9.8")
    assert client.get("/secretaries/").status_code == 200


@pytest.mark.django_db
def test_none_of_the_last_five_passwords_may_be_used_again(township_a_user, client_for):
    client = client_for(township_a_user)
    passwords = [TEST_PASSWORD] + [f"Shidu-2026-v{n}" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        response = change_password(client, old, new)
        assert response.redirect_chain, response.content.decode()
    current = passwords[-1]
    for reused in passwords[-5:]:
        response = change_password(client, current, reused)
        assert "新密码不能与最近 5 次使用过的密码相同。" in response.content.decode()
    # The sixth one back has dropped out of the history.
    response = change_password(client, current, passwords[0])
    assert response.redirect_chain
    user = get_user_model().objects.get(pk=township_a_user.pk)
    assert user.check_password(passwords[0])


@pytest.mark.django_db
def test_one_address_is_locked_out_after_failures_across_many_usernames(township_a_user, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    # Fewer than the per-username limit for each name, so only the address count can lock.
    for n in range(8):
        post_login(f"guess{n}", "wrong-Password1", ip="10.7.7.7")
    _, locked = post_login(township_a_user.username, TEST_PASSWORD, ip="10.7.7.7")
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    # The same login from another address is not affected.
    _, elsewhere = post_login(township_a_user.username, TEST_PASSWORD, ip="10.7.7.8")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_does_not_clear_the_address_count(township_a_user, township_b_user, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for n in range(5):
        post_login(f"guess{n}", "wrong-Password1", ip="10.6.6.6")
    _, ok = post_login(township_a_user.username, TEST_PASSWORD, ip="10.6.6.6")
    assert ok.status_code == 302
    post_login("guess9", "wrong-Password1", ip="10.6.6.6")
    _, locked = post_login(township_b_user.username, TEST_PASSWORD, ip="10.6.6.6")
    assert locked.status_code == 429


@pytest.mark.django_db
def test_behind_the_proxy_each_client_address_has_its_own_count(township_a_user, settings):
    """nginx connects from 127.0.0.1 for everyone: the lockout counts the address nginx saw (the last
    X-Forwarded-For entry from a trusted proxy), or one guesser would lock every user out."""
    settings.AXES_IP_FAILURE_LIMIT = 4
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    for n in range(4):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.5.5.5").post(
            "/accounts/login/", {"username": f"guess{n}", "password": "wrong-Password1"}
        )
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.5.5.6")
    response = other.post("/accounts/login/", {"username": township_a_user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    guesser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.5.5.5")
    response = guesser.post("/accounts/login/", {"username": township_a_user.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
