"""The admin for stations: every list loads for the org login and shows its district only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from secretaries.services import org_login_grant
from stations.models import (
    CalendarToken,
    DutyShift,
    PoolMember,
    RosterGap,
    ShiftReminderLog,
    SwapRequest,
    Unavailability,
)
from tests.factories import DistrictFactory
from tests.stations.factories import make_secretary, make_station, make_township

CHANGELISTS = [
    "servicestation",
    "poolmember",
    "dutyshift",
    "unavailability",
    "swaprequest",
    "rostergap",
    "shiftreminderlog",
    "calendartoken",
]


def rows_for(station, person, colleague, tag):
    day = timezone.localdate() + timedelta(days=3)
    shift = DutyShift.objects.create(station=station, date=day, secretary=person, work_note=f"记录{tag}")
    PoolMember.objects.create(station=station, secretary=person, active=True, added_manually=True)
    Unavailability.objects.create(secretary=person, start=day, end=day, reason=f"事由{tag}")
    SwapRequest.objects.create(shift=shift, to_secretary=colleague, reason=f"调班{tag}")
    RosterGap.objects.create(station=station, date=day + timedelta(days=7), reason=f"缺口{tag}")
    ShiftReminderLog.objects.create(shift=shift, kind="day_before")
    CalendarToken.objects.create(secretary=person, token=f"token-{tag}")
    return shift


@pytest.fixture
def two_districts(station, secretary, township_a):
    mine = rows_for(station, secretary, make_secretary(township_a, name="同乡书记"), "本区")
    far = make_township(DistrictFactory(name="门头沟区"), name="清水镇")
    far_station = make_station(far, name="清水镇乡村振兴服务站")
    far_person = make_secretary(far, name="外区书记")
    theirs = rows_for(far_station, far_person, make_secretary(far, name="外区同事"), "外区")
    return mine, theirs


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelist_loads_for_the_org_login_and_hides_other_districts(client_for, org_user, two_districts, model):
    org_login_grant(org_user)
    response = client_for(org_user).get(f"/admin/stations/{model}/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    page = response.content.decode()
    assert "外区" not in page and "清水镇" not in page


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_search_works_and_stays_scoped(client_for, org_user, two_districts, model):
    org_login_grant(org_user)
    response = client_for(org_user).get(f"/admin/stations/{model}/", {"q": "书记"})

    assert response.status_code == 200
    assert "外区书记" not in response.content.decode()


def test_admin_filters_offer_only_stations_in_scope(client_for, org_user, two_districts, station):
    org_login_grant(org_user)
    page = client_for(org_user).get("/admin/stations/dutyshift/", {"status": "scheduled"}).content.decode()

    assert station.name in page
    assert "清水镇乡村振兴服务站" not in page


def test_admin_pages_of_another_districts_records_are_not_found(client_for, org_user, two_districts):
    mine, theirs = two_districts
    org_login_grant(org_user)
    client = client_for(org_user)

    assert client.get(f"/admin/stations/dutyshift/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/stations/dutyshift/{mine.pk}/history/").status_code == 200
    # The admin redirects to its index with "does not exist" for records outside the list.
    assert client.get(f"/admin/stations/dutyshift/{theirs.pk}/change/").status_code == 302
    assert client.get(f"/admin/stations/dutyshift/{theirs.pk}/history/").status_code == 404
    version = theirs.history.first().history_id
    assert client.get(f"/admin/stations/dutyshift/{theirs.pk}/history/{version}/").status_code == 404
    assert client.get(f"/admin/stations/servicestation/{theirs.station_id}/history/").status_code == 404


def test_admin_edit_form_refuses_another_districts_secretary(client_for, org_user, two_districts):
    mine, theirs = two_districts
    org_login_grant(org_user)
    form = client_for(org_user).get(f"/admin/stations/dutyshift/{mine.pk}/change/").context["adminform"].form

    assert theirs.station not in form.fields["station"].queryset
    assert theirs.secretary not in form.fields["secretary"].queryset
    assert mine.secretary in form.fields["secretary"].queryset


def test_admin_is_closed_to_logins_without_the_grant(client_for, station_manager_user, township_a_user):
    for user in (station_manager_user, township_a_user):
        assert client_for(user).get("/admin/stations/dutyshift/").status_code == 302
