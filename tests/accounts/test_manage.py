"""Issue 14 point 6: the administrator's page lists the district's logins and disables, enables,
unlocks and resets them; another district's login answers 404."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from accounts.models import Account
from tests.accounts.conftest import post_login
from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_the_list_shows_the_districts_logins_only(
    client_for, org_user, township_a_user, secretary_user, other_org_user
):
    html = client_for(org_user).get("/accounts/manage/").content.decode()
    assert township_a_user.username in html and secretary_user.username in html
    assert other_org_user.username not in html
    other = client_for(other_org_user).get("/accounts/manage/").content.decode()
    assert township_a_user.username not in other


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["disable", "enable", "unlock", "reset", "reset_otp"])
def test_another_districts_login_answers_404(client_for, other_org_user, township_a_user, action):
    response = client_for(other_org_user).post(f"/accounts/manage/{township_a_user.pk}/{action}/")
    assert response.status_code == 404
    township_a_user.refresh_from_db()
    assert township_a_user.is_active


@pytest.mark.django_db
def test_disable_ends_the_sessions_and_enable_lets_the_login_back(client_for, org_user, township_a_user, audit_actions):
    staff = client_for(township_a_user)
    assert staff.get("/secretaries/").status_code == 200
    admin = client_for(org_user)

    admin.post(f"/accounts/manage/{township_a_user.pk}/disable/")
    assert staff.get("/secretaries/").status_code == 302
    _, refused = post_login(township_a_user.username, TEST_PASSWORD)
    assert refused.status_code == 200

    admin.post(f"/accounts/manage/{township_a_user.pk}/enable/")
    _, accepted = post_login(township_a_user.username, TEST_PASSWORD)
    assert accepted.status_code == 302
    assert audit_actions[:2] == ["account.disable", "account.enable"]


@pytest.mark.django_db
def test_unlock_clears_a_lockout(client_for, org_user, township_a_user, audit_actions):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(township_a_user.username, "wrong-Password1", ip="10.5.5.5")
    assert post_login(township_a_user.username, TEST_PASSWORD, ip="10.5.5.5")[1].status_code == 429
    assert "已锁定" in client_for(org_user).get("/accounts/manage/").content.decode()

    client_for(org_user).post(f"/accounts/manage/{township_a_user.pk}/unlock/")
    assert not AccessAttempt.objects.filter(username=township_a_user.username).exists()
    assert post_login(township_a_user.username, TEST_PASSWORD, ip="10.5.5.5")[1].status_code == 302
    assert "account.unlock" in audit_actions


@pytest.mark.django_db
def test_reset_gives_a_new_initial_password_on_a_slip_and_forces_a_change(client_for, org_user, township_a_user):
    staff = client_for(township_a_user)
    response = client_for(org_user).post(f"/accounts/manage/{township_a_user.pk}/reset/", {"delivery": "slip"})
    html = response.content.decode()
    password = html.split('<dd class="slip-password">', 1)[1].split("</dd>", 1)[0]
    township_a_user.refresh_from_db()
    assert township_a_user.check_password(password)
    assert Account.objects.get(user=township_a_user).must_change_password
    assert staff.get("/secretaries/").status_code == 302  # signed out
    client, _ = post_login(township_a_user.username, password)
    assert client.get("/secretaries/", follow=True).redirect_chain[-1][0] == "/accounts/password/"


@pytest.mark.django_db
def test_the_administrator_cannot_disable_their_own_login(client_for, org_user):
    response = client_for(org_user).post(f"/accounts/manage/{org_user.pk}/disable/", follow=True)
    assert "不能对自己的账号执行此操作" in response.content.decode()
    org_user.refresh_from_db()
    assert org_user.is_active
