"""The home page of each administrator (三员): what waits in its own duty, and a menu with only
its tools; another district's logins and audit entries are not counted."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from accounts.models import Account
from audit.models import AuditEntry
from secretaries.models import StaffProfile
from tests.accounts.test_admin_roles import admin_of
from tests.factories import DistrictFactory, SecretaryFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

BUSINESS_MENUS = ['id="nav-people"', 'id="nav-lists"', 'id="nav-loop"', 'id="nav-teams"', 'id="nav-stations"']


def todo(html, key):
    """The text of the to-do row `key` (empty when absent)."""
    marker = f'id="todo-{key}"'
    return html.split(marker, 1)[1].split("</li>", 1)[0] if marker in html else ""


def nav(html):
    return html.split('id="mainnav"', 1)[1].split('class="navbar-nav ms-auto"', 1)[0]


@pytest.fixture
def elsewhere(batch, unit):
    """A second district with a secretary without login, a locked login and a failed login."""
    district = DistrictFactory(name="门头沟区")
    village = VillageFactory(township=TownshipFactory(district=district, name="斋堂镇"), name="爨底下村")
    SecretaryFactory(name="外区书记", village=village, batch=batch, dispatch_unit=unit)
    user = UserFactory(username="org_other")
    StaffProfile.objects.create(user=user, role="org", district=district)
    lock(user)
    AuditEntry.objects.create(action="login_failed", result="failure", username="org_other", district=district)
    return district


def lock(user):
    AccessAttempt.objects.create(
        username=user.username,
        ip_address="10.0.0.9",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )


def test_the_system_administrators_home_lists_the_account_tasks(
    client_for,
    district,
    village_a2,
    secretary,
    secretary_b,
    township_a_user,
    township_b_user,
    station_manager_user,
    elsewhere,
):
    sysadmin = admin_of(district, "sysadmin", "xitong")
    # secretary_b has a login; a new secretary on post has none.
    SecretaryFactory(name="新书记", village=village_a2, batch=secretary.batch, dispatch_unit=secretary.dispatch_unit)
    lock(township_a_user)
    township_b_user.is_active = False
    township_b_user.save()
    days = settings.PASSWORD_MAX_AGE_DAYS
    Account.objects.update_or_create(
        user=station_manager_user, defaults={"password_changed_at": timezone.now() - timedelta(days=days - 3)}
    )
    Account.objects.update_or_create(user=secretary.user, defaults={"must_change_password": True})

    response = client_for(sysadmin).get("/")

    html = response.content.decode()
    assert response.status_code == 200 and "系统管理员工作台" in html
    assert "1 名在岗第一书记还没有账号" in todo(html, "new-logins") and "/accounts/manage/new/" in todo(
        html, "new-logins"
    )
    assert "1 个账号因多次输错密码被锁定" in todo(html, "locked")
    locked = html.split('id="locked"', 1)[1].split("</ul>", 1)[0]
    assert "staff_a" in locked and "org_other" not in locked
    assert "1 个账号已停用" in todo(html, "disabled")
    assert "1 个账号还在用初始密码" in todo(html, "initial")
    expiring = html.split('id="expiring"', 1)[1].split("</ul>", 1)[0]
    assert "station_mgr" in expiring and "将于" in expiring and "staff_a" not in expiring
    # Its menu: its tools, no business page.
    menu = nav(html)
    assert "/accounts/manage/" in menu and "/accounts/manage/new/" in menu and "/admin/" in menu
    assert not any(marker in menu for marker in BUSINESS_MENUS) and "/audit/" not in menu


def test_with_no_password_expiry_the_system_administrator_is_told_so(client_for, district, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    html = client_for(admin_of(district, "sysadmin", "xitong")).get("/").content.decode()
    assert "未设置密码有效期" in todo(html, "expiring")


def test_the_security_administrators_home_shows_roles_and_scopes(
    client_for, district, township_a_user, township_b_user, station_manager_user, elsewhere
):
    secadmin = admin_of(district, "secadmin", "anquan")
    admin_of(district, "auditadmin", "shenji", enrolled=False)

    response = client_for(secadmin).get("/")

    html = response.content.decode()
    assert response.status_code == 200 and "安全管理员工作台" in html
    counts = html.split('id="role-counts"', 1)[1].split("</table>", 1)[0]
    assert '乡镇（街道）工作人员</td><td class="text-end">2' in counts and "服务站负责人" in counts
    assert "市委组织部" not in counts and "区委组织部" not in counts  # the other district's org login
    admins = html.split('id="admins"', 1)[1].split("</ul>", 1)[0]
    assert "anquan" in admins and "shenji" in admins and "未启用两步验证" in admins
    assert "1 个管理员账号还没有启用两步验证" in todo(html, "admin-otp")
    menu = nav(html)
    assert "/admin/secretaries/staffprofile/" in menu
    assert not any(marker in menu for marker in BUSINESS_MENUS) and "/accounts/manage/" not in menu


def test_the_audit_administrators_home_shows_recent_failures_and_lockouts(client_for, district, elsewhere):
    auditadmin = admin_of(district, "auditadmin", "shenji")
    AuditEntry.objects.create(action="login_failed", result="failure", username="staff_a", district=district)
    AuditEntry.objects.create(action="lockout", result="failure", username="staff_a", district=district)
    AuditEntry.objects.create(
        action="login_failed",
        result="failure",
        username="long_ago",
        district=district,
        at=timezone.now() - timedelta(days=8),
    )
    AuditEntry.objects.create(action="login", username="staff_a", district=district)

    response = client_for(auditadmin).get("/")

    html = response.content.decode()
    assert response.status_code == 200 and "审计管理员工作台" in html
    failures = html.split('id="failures"', 1)[1].split("</table>", 1)[0]
    assert failures.count("staff_a") == 2 and "登录失败" in failures and "账号锁定" in failures
    assert "long_ago" not in failures and "org_other" not in failures
    assert "2 条失败记录" in todo(html, "failures") and "/audit/?result=failure&amp;start=" in todo(html, "failures")
    assert "1 次因多次输错密码锁定" in todo(html, "lockouts")
    # The link opens the audit page filtered to the failures.
    link = todo(html, "failures").split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page = client_for(auditadmin).get(link).content.decode()
    assert "long_ago" not in page and "staff_a" in page
    menu = nav(html)
    assert "/audit/" in menu and "/admin/axes/accessattempt/" in menu
    assert not any(marker in menu for marker in BUSINESS_MENUS) and "/accounts/manage/" not in menu


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
def test_an_administrators_home_is_no_longer_the_no_role_page(client_for, district, role):
    response = client_for(admin_of(district, role, f"admin_{role}")).get("/")
    assert response.status_code == 200 and "尚未分配角色" not in response.content.decode()
