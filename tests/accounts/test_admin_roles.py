"""Issue 14 point 9: the administrators (三员) apart from the business roles; the department's
business login no longer holds every model permission."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretaries.models import StaffProfile
from secretaries.services import admin_login_grant, org_login_grant
from tests.accounts.conftest import post_login
from tests.factories import TEST_PASSWORD, UserFactory


def admin_of(district, role, username, enrolled=True):
    """An administrator's login; `enrolled`: with its authenticator set up (else every page sends
    it to the set-up first)."""
    user = UserFactory(username=username, first_name=username)
    StaffProfile.objects.create(user=user, role=role, district=district)
    admin_login_grant(user, role)
    if enrolled:
        TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    return user


@pytest.mark.django_db
def test_the_department_no_longer_holds_every_permission(org_user):
    org_login_grant(org_user)
    assert org_user.has_perm("secretaries.view_staffprofile")
    assert not org_user.has_perm("secretaries.change_staffprofile")
    assert not org_user.has_perm("secretaries.add_staffprofile")
    everything = Permission.objects.filter(content_type__app_label__in=["secretaries", "teams", "demands"])
    assert not all(org_user.has_perm(f"{p.content_type.app_label}.{p.codename}") for p in everything)


@pytest.mark.django_db
def test_the_system_administrator_manages_logins_but_uses_no_business_page(client_for, district, township_a_user):
    sysadmin = admin_of(district, "sysadmin", "xitong")
    client = client_for(sysadmin)
    assert township_a_user.username in client.get("/accounts/manage/").content.decode()
    assert client.get("/secretaries/").status_code == 403
    assert client.get("/demands/rounds/").status_code == 403


@pytest.mark.django_db
def test_the_department_does_not_see_the_administrators_logins(client_for, district, org_user):
    sysadmin = admin_of(district, "sysadmin", "xitong")
    assert sysadmin.username not in client_for(org_user).get("/accounts/manage/").content.decode()
    assert client_for(org_user).post(f"/accounts/manage/{sysadmin.pk}/disable/").status_code == 404


@pytest.mark.django_db
def test_an_administrator_must_enrol_two_factor_login_and_lands_on_their_tool(district):
    sysadmin = admin_of(district, "sysadmin", "xitong", enrolled=False)
    client, response = post_login(sysadmin.username, TEST_PASSWORD)
    assert response["Location"] == "/accounts/manage/"
    assert client.get("/accounts/manage/", follow=True).redirect_chain[-1][0] == "/accounts/security/"


@pytest.mark.django_db
def test_the_security_administrator_changes_roles_of_the_own_district_only(
    client_for, district, township_a_user, other_org_user
):
    secadmin = admin_of(district, "secadmin", "anquan")
    client = client_for(secadmin)
    listing = client.get("/admin/secretaries/staffprofile/").content.decode()
    assert "staff_a" in listing and "org_other" not in listing
    own = StaffProfile.objects.get(user=township_a_user)
    foreign = StaffProfile.objects.get(user=other_org_user)
    assert client.get(f"/admin/secretaries/staffprofile/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/secretaries/staffprofile/{foreign.pk}/change/").status_code == 302
    assert client.get("/admin/secretaries/secretary/").status_code == 403
    assert client.get("/accounts/manage/").status_code == 403


@pytest.mark.django_db
def test_the_audit_administrator_reads_login_attempts_and_nothing_else(client_for, district):
    auditor = admin_of(district, "auditadmin", "shenji")
    client = client_for(auditor)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/secretaries/staffprofile/").status_code == 403
    assert client.get("/accounts/manage/").status_code == 403
    assert client.get("/secretaries/").status_code == 403


@pytest.mark.django_db
def test_the_command_creates_a_first_system_administrator(district, capsys):
    call_command("admin_login_create", "--role", "sysadmin", "--district", "房山区", "--name", "郑管理")
    out = capsys.readouterr().out
    assert "用户名：zhengguanli" in out
    password = out.split("初始密码：", 1)[1].split("（", 1)[0]
    profile = StaffProfile.objects.get(user__username="zhengguanli")
    assert profile.role == "sysadmin" and profile.district == district
    assert profile.user.check_password(password) and profile.user.is_staff
