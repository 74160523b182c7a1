"""The one visibility rule (secretaries/visibility.py): phone, ID number and birth date for each
role, then the same answers on pages, in exports and in JSON."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.masking import mask_id_number, mask_phone
from dashboard import caching
from secretaries.models import age_on
from secretaries.visibility import Person, Visibility, visibility_for
from stations.models import DutyShift
from tests.demands.factories import DemandItemFactory
from tests.factories import DispatchUnitFactory, UserFactory
from tests.xlsx import read_xlsx_response

pytestmark = pytest.mark.django_db


def fresh(user):
    """The rule as a new request computes it (a station manager's roster is read once per request)."""
    for name in ("_fsp_scope", "_fsp_visibility"):
        if hasattr(user, name):
            delattr(user, name)
    return visibility_for(user)


def tel(number):
    return f'<a href="tel:{number}">{number}</a>'


@pytest.fixture
def item_a(village_a):
    return DemandItemFactory(village=village_a, contact_name="张大爷", contact_phone="13911112222")


@pytest.fixture
def item_b(village_b):
    return DemandItemFactory(village=village_b, contact_name="李大妈", contact_phone="13933334444")


def shift_at(station, secretary, day=None):
    return DutyShift.objects.create(station=station, date=day or timezone.localdate(), secretary=secretary)


# ---------------------------------------------------------------- the rule, role by role


def test_the_org_department_sees_everything_of_its_district(org_user, secretary, secretary_b, item_b):
    rule = fresh(org_user)
    assert rule.secretary_phone(secretary).text == secretary.phone and rule.secretary_phone(secretary).full
    assert rule.secretary_phone(secretary_b).full and rule.contact_phone(item_b).text == "13933334444"
    assert rule.id_number(secretary.id_number) == secretary.id_number
    age = age_on(secretary.birth_date, timezone.localdate())
    assert rule.birth(secretary.birth_date) == f"{secretary.birth_date:%Y-%m-%d}（{age} 岁）"
    assert rule.phone("13955556666", Person.unit_contact()).full


def test_township_staff_see_their_own_townships_people_in_full(township_a_user, secretary, secretary_b, item_a, item_b):
    rule = fresh(township_a_user)
    assert rule.secretary_phone(secretary).text == secretary.phone
    assert rule.contact_phone(item_a).text == "13911112222"
    assert rule.secretary_phone(secretary_b).text == mask_phone(secretary_b.phone)
    assert not rule.secretary_phone(secretary_b).full
    assert rule.contact_phone(item_b).text == "139****4444"
    assert rule.phone("13955556666", Person.unit_contact()).text == "139****6666"


def test_township_staff_never_see_an_id_number_or_a_birth_date(township_a_user, secretary):
    rule = fresh(township_a_user)
    assert rule.id_number(secretary.id_number) == mask_id_number(secretary.id_number)
    assert rule.birth(date(1980, 6, 2), today=date(2026, 6, 1)) == "年龄 45 岁"
    assert rule.birth(date(1980, 6, 2), today=date(2026, 6, 2)) == "年龄 46 岁"


def test_a_station_manager_sees_the_people_on_the_station_roster(station_manager_user, station, secretary, secretary_b):
    assert not fresh(station_manager_user).secretary_phone(secretary).full
    shift_at(station, secretary_b)  # from another township, but on this station's roster
    rule = fresh(station_manager_user)
    assert rule.secretary_phone(secretary_b).text == secretary_b.phone
    assert rule.secretary_phone(secretary).text == mask_phone(secretary.phone)  # covered township, off the roster
    assert rule.id_number(secretary_b.id_number) == mask_id_number(secretary_b.id_number)
    assert rule.birth(secretary_b.birth_date).startswith("年龄 ")


def test_a_station_manager_sees_the_contacts_of_the_items_the_station_works(
    station_manager_user, station, village_a, item_a
):
    rule = fresh(station_manager_user)
    assert rule.contact_phone(item_a).text == "139****2222"  # a village the station covers: not enough
    worked = DemandItemFactory(village=village_a, contact_phone="13922220000", assignee_station=station)
    received = DemandItemFactory(village=village_a, contact_phone="13922220001", station=station)
    assert rule.contact_phone(worked).text == "13922220000"
    assert rule.contact_phone(received).text == "13922220001"


def test_a_secretary_sees_their_own_and_their_villages_contacts(secretary_user, secretary, secretary_b, item_a, item_b):
    rule = fresh(secretary_user)
    assert rule.secretary_phone(secretary).text == secretary.phone
    assert rule.contact_phone(item_a).text == "13911112222"  # their own village's list
    assert rule.secretary_phone(secretary_b).text == mask_phone(secretary_b.phone)
    assert rule.contact_phone(item_b).text == "139****4444"
    assert rule.id_number(secretary.id_number) == mask_id_number(secretary.id_number)  # even their own
    assert rule.birth(secretary.birth_date).startswith("年龄 ")


def test_a_login_without_a_role_sees_everything_masked(outsider_user, secretary, item_a):
    rule = fresh(outsider_user)
    assert rule.secretary_phone(secretary).text == mask_phone(secretary.phone)
    assert rule.contact_phone(item_a).text == "139****2222"
    assert rule.id_number(secretary.id_number) == mask_id_number(secretary.id_number)
    assert rule.birth(secretary.birth_date).startswith("年龄 ")


def test_an_empty_phone_stays_empty(org_user, township_b_user):
    assert fresh(org_user).phone("", Person()).text == ""
    assert fresh(township_b_user).phone(None, Person()).text == ""


def test_viewers_who_may_see_different_numbers_have_different_cache_keys(
    people, station, township_a, secretary, secretary_b
):
    from secretaries.models import StaffProfile
    from stations.models import ServiceStation

    twin = ServiceStation.objects.create(name="同乡镇的另一个站", township=township_a, duty_weekdays=[3])
    twin.covered_townships.add(township_a)
    twin_manager = UserFactory(username="twin_mgr")
    StaffProfile.objects.create(user=twin_manager, role="station_manager", station=twin)
    keys = [fresh(user).cache_key for user in people.values() if user is not None] + [fresh(twin_manager).cache_key]
    assert len(keys) == len(set(keys))
    # The dashboard's entries are keyed by it: same townships, different rosters, different entries.
    assert caching.scope_key(people["station_manager"]) != caching.scope_key(twin_manager)
    assert caching.scope_key(people["secretary_a"]) != caching.scope_key(people["secretary_b"])


# ---------------------------------------------------------------- pages


def test_the_secretary_page_per_role(client_for, people, secretary, station):
    org = client_for(people["org"]).get(f"/secretaries/{secretary.pk}/").content.decode()
    assert tel(secretary.phone) in org and secretary.id_number in org
    assert f"{secretary.birth_date:%Y-%m-%d}" in org

    for role in ("township_a", "secretary_a"):
        body = client_for(people[role]).get(f"/secretaries/{secretary.pk}/").content.decode()
        assert tel(secretary.phone) in body, role
        assert secretary.id_number not in body and mask_id_number(secretary.id_number) in body
        assert f"{secretary.birth_date:%Y-%m-%d}" not in body
        assert f"年龄 {secretary.age} 岁" in body

    manager = client_for(people["station_manager"])
    body = manager.get(f"/secretaries/{secretary.pk}/").content.decode()
    assert secretary.phone not in body and mask_phone(secretary.phone) in body
    shift_at(station, secretary)
    assert tel(secretary.phone) in manager.get(f"/secretaries/{secretary.pk}/").content.decode()


def test_the_secretary_list_and_village_page_follow_the_rule(client_for, township_a_user, township_b_user, secretary):
    own = client_for(township_a_user)
    assert tel(secretary.phone) in own.get("/secretaries/").content.decode()
    assert tel(secretary.phone) in own.get(f"/secretaries/villages/{secretary.village_id}/").content.decode()
    assert secretary.phone not in client_for(township_b_user).get("/secretaries/").content.decode()


def test_the_item_page_shows_the_contact_per_role(client_for, people, item_a, station):
    for role in ("org", "township_a", "secretary_a"):
        body = client_for(people[role]).get(f"/demands/items/{item_a.pk}/").content.decode()
        assert tel("13911112222") in body, role
    manager = client_for(people["station_manager"])
    assert "139****2222" in manager.get(f"/demands/items/{item_a.pk}/").content.decode()
    item_a.assignee_station = station
    item_a.save(update_fields=["assignee_station"])
    assert tel("13911112222") in manager.get(f"/demands/items/{item_a.pk}/").content.decode()


def test_the_shift_page_lets_the_manager_call_the_duty_secretary(client_for, people, station, secretary):
    shift = shift_at(station, secretary)
    assert (
        tel(secretary.phone)
        in client_for(people["station_manager"]).get(f"/stations/shifts/{shift.pk}/").content.decode()
    )
    assert (
        tel(secretary.phone) in client_for(people["township_a"]).get(f"/stations/shifts/{shift.pk}/").content.decode()
    )


def test_the_stations_overview_and_station_contact(client_for, org_user, township_b_user, station, secretary):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    shift_at(station, secretary, monday + timedelta(days=2))  # the station's duty day
    station.contact_name, station.contact_phone = "周站长", "13977778888"
    station.save()
    org = client_for(org_user)
    assert tel(secretary.phone) in org.get(f"/stations/overview/?week={monday:%Y-%m-%d}").content.decode()
    assert tel("13977778888") in org.get(f"/stations/{station.pk}/").content.decode()


# ---------------------------------------------------------------- exports and JSON


def test_the_secretaries_export_per_role(client_for, people, secretary):
    rows = read_xlsx_response(client_for(people["org"]).get("/secretaries/export.xlsx"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["手机号码"], row["身份证号"]) == (secretary.phone, secretary.id_number)
    assert row["出生日期"] == f"{secretary.birth_date:%Y-%m-%d}"  # a date the import reads back

    for role, phone in [("township_a", secretary.phone), ("secretary_a", secretary.phone)]:
        rows = read_xlsx_response(client_for(people[role]).get("/secretaries/export.xlsx"))
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["手机号码"] == phone, role
        assert row["身份证号"] == mask_id_number(secretary.id_number)
        assert row["出生日期"] == f"年龄 {secretary.age} 岁"

    rows = read_xlsx_response(client_for(people["station_manager"]).get("/secretaries/export.xlsx"))
    assert dict(zip(rows[0], rows[1], strict=True))["手机号码"] == mask_phone(secretary.phone)


def test_the_unit_export_is_the_org_departments_with_the_contact_in_full(client_for, org_user):
    DispatchUnitFactory(name="区卫健委", contact_name="赵科长", contact_phone="13966667777")
    rows = read_xlsx_response(client_for(org_user).get("/secretaries/units/export.xlsx"))
    row = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == "区卫健委")
    assert row["联系电话"] == "13966667777"


def test_the_admin_export_follows_the_rule(rf, org_user, township_a_user, secretary):
    from django.contrib import admin

    from secretaries.models import Secretary
    from secretaries.resources import SecretaryResource

    model_admin = admin.site._registry[Secretary]
    for user, id_number in [(org_user, secretary.id_number), (township_a_user, mask_id_number(secretary.id_number))]:
        request = rf.get("/admin/secretaries/secretary/export/")
        request.user = user
        kwargs = model_admin.get_export_resource_kwargs(request)
        dataset = SecretaryResource(queryset=Secretary.objects.for_user(user), **kwargs).export()
        assert dataset.dict[0]["身份证号"] == id_number


def test_the_candidates_json_carries_no_phone_or_id(client_for, org_user, secretary, item_a):
    response = client_for(org_user).get(f"/demands/items/{item_a.pk}/candidates.json")
    assert response.status_code == 200
    text = response.content.decode()
    for value in (secretary.phone, mask_phone(secretary.phone), secretary.id_number, "13911112222"):
        assert value not in text


def test_a_fresh_rule_without_a_scope_masks_everything(secretary):
    from core.scoping import NO_SCOPE

    rule = Visibility(NO_SCOPE)
    assert rule.secretary_phone(secretary).text == mask_phone(secretary.phone)
    assert rule.cache_key == "none"
