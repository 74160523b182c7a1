"""The audit page (/audit/): the department's logins read their own district's entries (until the
accounts work brings the 审计管理员 role), filter them, page through them and export them."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from secretaries.models import StaffProfile
from tests.audit.helpers import entries
from tests.factories import DistrictFactory, UserFactory
from tests.walk import walk


@pytest.fixture
def other_org_user(db):
    other = DistrictFactory(name="良乡区")
    user = UserFactory(username="org_other", first_name="另一区组织部")
    StaffProfile.objects.create(user=user, role="org", district=other)
    return user


def add(district, action="export", days_ago=0, username="org_admin", result="success", object_type="", **fields):
    return AuditEntry.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        district=district,
        action=action,
        username=username,
        result=result,
        object_type=object_type,
        **fields,
    )


def listed(response):
    return [entry.pk for entry in response.context["page"].object_list]


def test_only_the_department_and_superusers_open_the_page(client_for, people, district):
    entry = add(district)
    for url in ["/audit/", f"/audit/{entry.pk}/", "/audit/export.xlsx"]:
        assert walk(client_for, people, url, {"org": 200}, default=403) == []


def test_a_second_districts_department_sees_none_of_the_first_districts_entries(
    org_user, other_org_user, district, client_for
):
    mine = add(district, detail="本区的记录")
    client = client_for(other_org_user)
    response = client.get("/audit/")
    assert mine.pk not in listed(response) and "本区的记录" not in response.content.decode()
    assert client.get(f"/audit/{mine.pk}/").status_code == 404
    book = load_workbook(BytesIO(client.get("/audit/export.xlsx").content))
    assert [row for row in book.active.iter_rows(min_row=2, values_only=True) if "本区的记录" in row] == []
    # and the first district's department sees its own entry, not the second's login
    own = client_for(org_user).get("/audit/")
    assert mine.pk in listed(own)
    assert not AuditEntry.objects.filter(pk__in=listed(own), username="org_other").exists()


def test_a_superuser_reads_every_district(admin_client, district, other_org_user):
    first = add(district)
    second = add(StaffProfile.objects.get(user=other_org_user).district)
    assert {first.pk, second.pk} <= set(listed(admin_client.get("/audit/")))


def test_the_filters_by_time_user_action_object_and_result(org_user, district, client_for):
    old = add(district, action="login", days_ago=10, username="staff_a")
    failed = add(district, action="login_failed", username="staff_a", result="failure")
    step = add(district, action="loop.accept", object_type="demands.demanditem")
    export = add(district, action="export", username="org_admin")
    client = client_for(org_user)

    def found(**query):
        response = client.get("/audit/", query)
        assert response.status_code == 200
        return set(listed(response)) & {old.pk, failed.pk, step.pk, export.pk}

    today = timezone.localdate()
    assert found(start=(today - timedelta(days=1)).isoformat()) == {failed.pk, step.pk, export.pk}
    assert found(end=(today - timedelta(days=5)).isoformat()) == {old.pk}
    assert found(user="staff") == {old.pk, failed.pk}
    assert found(action="loop") == {step.pk}
    assert found(action="export") == {export.pk}
    assert found(object_type="demands.demanditem") == {step.pk}
    assert found(result="failure") == {failed.pk}


def test_bad_filters_answer_in_chinese_next_to_the_field(org_user, client_for):
    client = client_for(org_user)
    response = client.get("/audit/", {"start": "昨天", "action": "nonsense"})
    html = response.content.decode()
    assert response.status_code == 200 and "起始日期格式应为" in html and "所选操作不存在" in html
    response = client.get("/audit/", {"start": "2026-03-02", "end": "2026-03-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert client.get("/audit/export.xlsx", {"start": "昨天"}).status_code == 400
    assert not entries("export").exists()  # nothing was sent, so nothing was exported


def test_the_list_pages_fifty_at_a_time(org_user, district, client_for):
    AuditEntry.objects.bulk_create(AuditEntry(district=district, action="export") for _ in range(60))
    client = client_for(org_user)
    first = client.get("/audit/", {"action": "export"})
    assert len(listed(first)) == 50 and "第 1 / 2 页" in first.content.decode()
    assert len(listed(client.get("/audit/", {"action": "export", "page": 2}))) == 10


def test_the_export_holds_the_filtered_entries_and_is_itself_recorded(org_user, district, client_for):
    add(district, action="login_failed", username="staff_a", result="failure", address="10.1.2.3")
    add(district, action="export")
    client = client_for(org_user)
    response = client.get("/audit/export.xlsx", {"result": "failure"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "用户名", "角色", "来源地址", "操作")
    assert [(row[1], row[3], row[4], row[8]) for row in rows[1:]] == [("staff_a", "10.1.2.3", "登录失败", "失败")]
    recorded = entries("export").get(username="org_admin", detail__startswith="审计日志_")
    assert (recorded.extra["rows"], recorded.district_id, recorded.user_id) == (1, district.pk, org_user.pk)


def test_the_menu_links_the_page_for_the_department_only(client_for, people):
    assert "/audit/" in client_for(people["org"]).get("/").content.decode()
    assert "/audit/" not in client_for(people["township_a"]).get("/").content.decode()
