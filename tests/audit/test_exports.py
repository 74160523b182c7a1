"""Every download of the product is one audit entry: what (the file), how many rows, and whether
the personal data in it was masked for this user. The table below names every download URL; a
test checks that no URL pattern that sends a file is missing from it."""

from datetime import date
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from audit.models import AuditEntry
from stations.services import calendar_token_for
from tests.audit.helpers import entries, only_entry
from tests.dashboard.test_city import cities  # noqa: F401  (the fixture: a city and its login)
from tests.demands.factories import CollectionRoundFactory

# url name -> (who downloads, the path's arguments, query, carries phones / ID numbers / birth dates)
DOWNLOADS = {
    "secretaries:secretary_export": ("org", [], "", True),
    "secretaries:village_export": ("org", [], "", False),
    "secretaries:unit_export": ("org", [], "", True),
    "secretaries:import_template": ("org", ["secretaries"], "", False),
    "demands:round_template": ("township_a", ["round"], "", False),
    "demands:round_export": ("township_a", ["round"], "", True),
    "demands:cobuild_export": ("org", [], "", False),
    "demands:supervision_export": ("org", [], "", False),
    "demands:four_lists_export": ("org", [], "", False),
    "teams:activity_export": ("org", [], "", False),
    "teams:evaluation_export": ("org", [], "", False),
    "dashboard:round_report_xlsx": ("org", ["round"], "", True),
    "dashboard:monthly_report_xlsx": ("org", [], "month=2026-10", False),
    "stations:ical_feed": ("anonymous", ["token"], "", False),
    "audit:entry_export": ("org", [], "", True),
}


def _patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


# The city department's downloads of one of its districts' reports (tests/dashboard/test_city.py's world).
CITY_DOWNLOADS = {"city:round_report_xlsx": True, "city:monthly_report_xlsx": False}


def test_the_table_names_every_url_that_sends_a_file():
    files = {name for name, route in _patterns(get_resolver()) if route.endswith((".xlsx", ".ics"))}
    assert files == set(DOWNLOADS) | set(CITY_DOWNLOADS)


@pytest.mark.parametrize("name", list(CITY_DOWNLOADS))
def test_the_city_departments_downloads_are_recorded(name, cities, client_for):  # noqa: F811
    from django.urls import reverse

    district = cities["own"][0]
    args = [district.pk, cities["own_round"].pk] if "round" in name else [district.pk]
    response = client_for(cities["user"]).get(reverse(name, args=args))
    assert response.status_code == 200
    (entry,) = AuditEntry.objects.filter(action="export")
    assert entry.user_id == cities["user"].pk and entry.result == "success"
    assert quote(entry.extra["file"]) in response["Content-Disposition"]


@pytest.fixture
def download_world(district, people, secretary):
    collection_round = CollectionRoundFactory(district=district, period_start=date(2026, 9, 1))
    return {"round": collection_round.pk, "token": calendar_token_for(secretary).token, "secretaries": "secretaries"}


@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_each_download_leaves_exactly_one_export_entry(name, download_world, people, client_for):
    from django.urls import reverse

    role, args, query, personal = DOWNLOADS[name]
    url = reverse(name, args=[download_world.get(arg, arg) for arg in args]) + (f"?{query}" if query else "")
    client = client_for(people[role])
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    new = list(AuditEntry.objects.exclude(pk__in=before))
    assert [entry.action for entry in new] == ["export"], url
    entry = new[0]
    assert entry.result == "success"
    assert entry.user_id == (people[role].pk if people[role] else download_world_secretary_user(download_world))
    if name != "stations:ical_feed":
        assert quote(entry.extra["file"]) in response["Content-Disposition"]
        assert isinstance(entry.extra["rows"], int)
    # masked: False for the department (it sees everything in full), True for a township login.
    assert entry.extra.get("masked") == ((role != "org") if personal else None)


def download_world_secretary_user(world):
    from stations.models import CalendarToken

    return CalendarToken.objects.get(token=world["token"]).secretary.user_id


def test_an_export_counts_the_rows_it_sent(people, client_for, secretary, secretary_b):
    client_for(people["org"]).get("/secretaries/export.xlsx")
    entry = only_entry("export")
    assert entry.extra["rows"] == 2 and entry.extra["sheets"] == {"第一书记": 2}
    assert "2 行" in entry.detail
    assert secretary.phone not in entry.detail + str(entry.extra)


def test_the_admins_export_is_recorded(admin_client, secretary):
    fields = {f"secretaryresource_{name}": "on" for name in ["name", "village", "phone"]}
    response = admin_client.post("/admin/secretaries/secretary/export/", {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    entry = only_entry("export")
    assert entry.extra["rows"] == 1 and entry.extra["masked"] is False
    assert "管理后台" in entry.detail and not entries("admin.change").exists()
