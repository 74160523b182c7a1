"""Issue 14 point 5: logins in bulk with pinyin usernames, initial passwords by SMS (masked in the
log) or on printed slips."""

import logging

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Account
from accounts.usernames import username_base, usernames_for
from notices.sms import LoggingSMSBackend
from secretaries.models import StaffProfile
from tests.factories import SecretaryFactory, UserFactory


@pytest.fixture
def sms_outbox():
    LoggingSMSBackend.sent.clear()
    yield LoggingSMSBackend.sent
    LoggingSMSBackend.sent.clear()


@pytest.mark.django_db
def test_usernames_are_pinyin_made_unique_against_logins_and_each_other():
    UserFactory(username="zhangsan")
    assert usernames_for(["张三", "张三", "吕小明", "阿依古丽·买买提", "Anna 李"]) == [
        "zhangsan2",
        "zhangsan3",
        "lvxiaoming",
        "ayigulimaimaiti",
        "annali",
    ]
    assert username_base("···") == "user"


@pytest.mark.django_db
def test_bulk_logins_for_secretaries_on_post_without_one(client_for, org_user, village_a2, village_b, batch, unit):
    UserFactory(username="liuyang")
    first = SecretaryFactory(name="刘洋", village=village_a2, batch=batch, dispatch_unit=unit)
    second = SecretaryFactory(name="刘洋", village=village_b, batch=batch, dispatch_unit=unit)
    SecretaryFactory(name="陈离任", village=village_b, status="recalled", batch=batch, dispatch_unit=unit)
    client = client_for(org_user)

    form = client.get("/accounts/manage/new/")
    assert form.status_code == 200
    assert "刘洋" in form.content.decode() and "陈离任" not in form.content.decode()

    response = client.post("/accounts/manage/new/", {"secretaries": [first.pk, second.pk], "delivery": "slip"})
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert {first.user.username, second.user.username} == {"liuyang2", "liuyang3"}
    for secretary in (first, second):
        assert secretary.user.first_name == "刘洋"
        assert StaffProfile.objects.get(user=secretary.user).role == "secretary"
        assert Account.objects.get(user=secretary.user).must_change_password is True
    # Nothing left to create: the page says so.
    assert "所有在岗第一书记都已有账号" in client.get("/accounts/manage/new/").content.decode()


@pytest.mark.django_db
def test_the_slips_page_holds_one_slip_per_person_with_a_working_password(client_for, org_user, township_a):
    response = client_for(org_user).post(
        "/accounts/manage/new/?kind=township",
        {"township": township_a.pk, "people": "周明\n吴芳 13912345678\n", "delivery": "slip"},
    )
    html = response.content.decode()
    assert html.count('<section class="slip">') == 2
    assert "css/slips.css" in html and "data-print" in html  # site.js opens the print dialog
    User = get_user_model()
    for username in ("zhouming", "wufang"):
        user = User.objects.get(username=username)
        assert user.staff_profile.township == township_a
        start = html.index(f'<dd class="slip-username">{username}</dd>')
        password = html[start:].split('<dd class="slip-password">', 1)[1].split("</dd>", 1)[0]
        assert user.check_password(password)
    assert User.objects.get(username="wufang").staff_profile.phone == "13912345678"


@pytest.mark.django_db
def test_passwords_go_by_sms_masked_in_the_log_and_people_without_a_phone_get_a_slip(
    client_for, org_user, station, sms_outbox, caplog
):
    caplog.set_level(logging.INFO, logger="notices.sms")
    response = client_for(org_user).post(
        "/accounts/manage/new/?kind=station_manager",
        {"station": station.pk, "people": "孙站长 13712345678\n钱副站长", "delivery": "sms"},
    )
    html = response.content.decode()
    assert html.count('<section class="slip">') == 1 and "钱副站长" in html.split("slips")[-1]
    [(phone, text)] = sms_outbox
    assert phone == "13712345678"
    password = text.split("初始密码：", 1)[1].split(" ", 1)[0]
    user = get_user_model().objects.get(username="sunzhanzhang")
    assert user.check_password(password)
    assert user.staff_profile.station == station
    assert password not in caplog.text and "13712345678" not in caplog.text
    assert "初始密码：******" in caplog.text


@pytest.mark.django_db
def test_bulk_form_errors_are_chinese_and_another_districts_township_is_refused(client_for, other_org_user, township_a):
    response = client_for(other_org_user).post(
        "/accounts/manage/new/?kind=township",
        {"township": township_a.pk, "people": "周明 12345", "delivery": "slip"},
    )
    html = response.content.decode()
    assert "所选乡镇（街道）不存在或不在您的管理范围内" in html
    assert "第 1 行：手机号 12345 不是有效的 11 位手机号" in html
    assert not get_user_model().objects.filter(username="zhouming").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["township_a", "secretary_a", "station_manager", "outsider"])
def test_only_the_department_creates_logins(client_for, people, role):
    assert client_for(people[role]).get("/accounts/manage/new/").status_code == 403
    assert client_for(people[role]).get("/accounts/manage/").status_code == 403


@pytest.mark.django_db
def test_a_batch_is_at_most_fifty_people(client_for, org_user, township_a):
    people = "\n".join(f"人员{n}" for n in range(51))
    response = client_for(org_user).post(
        "/accounts/manage/new/?kind=township", {"township": township_a.pk, "people": people, "delivery": "slip"}
    )
    assert "一次最多开通 50 个账号，请分批开通" in response.content.decode()
    assert not StaffProfile.objects.filter(township=township_a, user__username__startswith="renyuan").exists()
