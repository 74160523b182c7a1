"""A second district's logins (org department, township staff, station manager, secretary) are
refused every record of the first district (tests/dashboard/conftest.py's world): in pages (every
URL of the URL conf with a number in it, filled with the first district's ids), in the admin
(the change page of every registered model's rows) and in exports filtered to a foreign id.

The second district's own rows get ids from SECOND_IDS up, so that a small id is never theirs."""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from core.admin import SharedCatalogAdminMixin
from secretaries.models import DispatchUnit, StaffProfile
from secretaries.services import org_login_grant
from stations.models import ServiceStation
from teams.models import ScoringRule
from tests.factories import (
    DispatchUnitFactory,
    DistrictFactory,
    SecretaryFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db

SECOND_IDS = 100_000
FIRST_IDS = [1, 2, 3, 4, 5, 6]
REFUSED = {403, 404, 405}


@pytest.fixture
def second(world, batch, district):
    # The audit trail's first entries are the first district's (the walk's own requests add
    # entries of the second district after them, which it may of course read).
    from audit.models import AuditEntry

    for _ in FIRST_IDS:
        AuditEntry.objects.create(action="walk.seed", district_id=district.pk)
    district = DistrictFactory(pk=SECOND_IDS, name="第二区")
    # Its own general scoring rules come with it (teams.services.general_rules_create).
    for offset, pk in enumerate(ScoringRule.objects.general(district.pk).order_by("pk").values_list("pk", flat=True)):
        ScoringRule.objects.filter(pk=pk).update(id=SECOND_IDS + offset)
    township = TownshipFactory(pk=SECOND_IDS, district=district, name="第二镇")
    village = VillageFactory(pk=SECOND_IDS, township=township, name="第二村")
    station = ServiceStation.objects.create(pk=SECOND_IDS, name="第二站", township=township, duty_weekdays=[2])
    station.covered_townships.add(township)
    users = {}
    for offset, (role, extra) in enumerate(
        [
            ("org", {"district": district}),
            ("township", {"township": township}),
            ("station_manager", {"station": station}),
            ("secretary", {}),
        ]
    ):
        user = UserFactory(pk=SECOND_IDS + offset, username=f"second_{role}")
        StaffProfile.objects.create(pk=SECOND_IDS + offset, user=user, role=role, **extra)
        users[role] = user
    # A unit of its own: a unit that also dispatches to the first district is shared by both.
    own_unit = DispatchUnitFactory(pk=SECOND_IDS, name="第二区派出单位")
    SecretaryFactory(
        pk=SECOND_IDS, name="第二书记", village=village, batch=batch, dispatch_unit=own_unit, user=users["secretary"]
    )
    org_login_grant(users["org"])
    return users


def routes():
    """Every URL pattern outside the admin with a number in its path."""

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if not str(entry.pattern).startswith("admin"):
                    yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if "<int:" in route:
                    yield route

    return sorted(set(walk(get_resolver())))


def fill(route, value):
    path = re.sub(r"<int:[a-z_]+>", str(value), route)
    return None if "<" in path else "/" + path


@pytest.mark.parametrize("role", ["org", "township", "station_manager", "secretary"])
def test_pages_with_a_first_district_id_answer_404_or_403_to_a_second_district_login(second, client_for, role):
    client = client_for(second[role])
    leaks = []
    for route in routes():
        for value in FIRST_IDS:
            url = fill(route, value)
            if url is None:
                continue
            status = client.get(url).status_code
            if status == 405:
                status = client.post(url).status_code
            if status not in REFUSED:
                leaks.append(f"{url} -> {status}")
    assert not leaks, "\n".join(leaks)


def test_admin_change_pages_of_the_first_district_are_not_found_by_a_second_district_org(second, client_for):
    client = client_for(second["org"])
    leaks = []
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        shared = isinstance(model_admin, SharedCatalogAdminMixin) or model is DispatchUnit
        for obj in model._default_manager.filter(pk__lt=SECOND_IDS)[:20]:
            url = f"{base}{obj.pk}/change/"
            response = client.get(url)
            # Django's admin answers a row outside its queryset with a redirect to the index.
            not_found = response.status_code in REFUSED or (
                response.status_code == 302 and response["Location"] in ("/admin/", "/admin/login/?next=/admin/")
            )
            # A row every district shares may be read, never changed.
            read_only = (
                shared
                and response.status_code == 200
                and 'name="_save"' not in response.content.decode()
                and client.post(url, {}).status_code == 403
            )
            if not (not_found or read_only):
                leaks.append(f"{url} -> {response.status_code} ({obj})")
    assert not leaks, "\n".join(leaks)
