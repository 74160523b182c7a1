"""Issue 14 point 6: logins disabled when a secretary leaves post, past the term end, after N days
unused and when the staff profile goes; a disabled login's sessions end."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import Account
from accounts.services import login_enable, logins_disable_due
from secretaries.models import Secretary, StaffProfile


def sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Secretary.Status.EXPIRED, Secretary.Status.RECALLED])
def test_a_secretary_leaving_post_loses_the_login_at_once_and_is_signed_out(
    secretary, client_for, audit_actions, status
):
    client = client_for(secretary.user)
    assert client.get("/secretaries/").status_code == 200
    assert sessions_of(secretary.user)

    secretary.status = status
    secretary.save()

    secretary.user.refresh_from_db()
    assert secretary.user.is_active is False
    assert Account.objects.get(user=secretary.user).disabled_reason == f"书记状态为{secretary.get_status_display()}"
    assert sessions_of(secretary.user) == []
    response = client.get("/secretaries/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "account.disable" in audit_actions


@pytest.mark.django_db
def test_a_disabled_login_cannot_log_in_again(secretary):
    from tests.accounts.conftest import post_login
    from tests.factories import TEST_PASSWORD

    secretary.status = Secretary.Status.RECALLED
    secretary.save()
    _, response = post_login(secretary.user.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.django_db
def test_the_daily_job_disables_logins_past_their_term_end_once(secretary, secretary_b):
    today = timezone.localdate()
    Secretary.objects.filter(pk=secretary.pk).update(term_end=today - timedelta(days=1))
    Secretary.objects.filter(pk=secretary_b.pk).update(term_end=today + timedelta(days=30))

    assert logins_disable_due(today) == 1
    secretary.user.refresh_from_db()
    secretary_b.user.refresh_from_db()
    assert secretary.user.is_active is False
    assert Account.objects.get(user=secretary.user).disabled_reason == "任期已结束"
    assert secretary_b.user.is_active is True
    assert logins_disable_due(today) == 0  # idempotent


@pytest.mark.django_db
def test_the_daily_job_disables_logins_unused_for_the_set_days(township_a_user, township_b_user, settings):
    settings.ACCOUNT_INACTIVE_DAYS = 90
    now = timezone.now()
    type(township_a_user).objects.filter(pk=township_a_user.pk).update(last_login=now - timedelta(days=91))
    type(township_b_user).objects.filter(pk=township_b_user.pk).update(last_login=now - timedelta(days=89))

    assert logins_disable_due() == 1
    township_a_user.refresh_from_db()
    township_b_user.refresh_from_db()
    assert township_a_user.is_active is False
    assert Account.objects.get(user=township_a_user).disabled_reason == "连续 90 天未登录"
    assert township_b_user.is_active is True


@pytest.mark.django_db
def test_inactivity_rule_is_off_at_zero_and_counts_from_a_re_enabling(township_a_user, settings, rf, org_user):
    long_ago = timezone.now() - timedelta(days=400)
    type(township_a_user).objects.filter(pk=township_a_user.pk).update(last_login=long_ago, date_joined=long_ago)
    settings.ACCOUNT_INACTIVE_DAYS = 0
    assert logins_disable_due() == 0

    settings.ACCOUNT_INACTIVE_DAYS = 90
    assert logins_disable_due() == 1
    request = rf.post("/")
    request.user = org_user
    township_a_user.refresh_from_db()
    login_enable(township_a_user, request=request)
    assert logins_disable_due() == 0  # enabled today: unused for 0 days


@pytest.mark.django_db
def test_deleting_the_staff_profile_disables_the_login(township_a_user):
    StaffProfile.objects.filter(user=township_a_user).delete()
    township_a_user.refresh_from_db()
    assert township_a_user.is_active is False


@pytest.mark.django_db
def test_deleting_a_login_with_its_profile_still_works(township_a_user):
    township_a_user.delete()
    assert not StaffProfile.objects.filter(user_id=township_a_user.pk).exists()


@pytest.mark.django_db
def test_a_secretary_off_post_cannot_be_enabled_again(secretary, client_for, org_user):
    secretary.status = Secretary.Status.EXPIRED
    secretary.save()
    response = client_for(org_user).post(f"/accounts/manage/{secretary.user.pk}/enable/", follow=True)
    assert "不能启用：书记状态为期满。" in response.content.decode()
    secretary.user.refresh_from_db()
    assert secretary.user.is_active is False
