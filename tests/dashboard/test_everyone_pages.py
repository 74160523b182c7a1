"""Checks that hold on every page, for every role: each page a role may use is reachable from its
menu, no doubled punctuation, a label on every form field (filters included), 请选择… rather than
dashes as a select's empty choice. Pages are found by following links from the home page
(tests/pages.py), over the dashboard's small district (tests/dashboard/conftest.py) with the
text people type ending in punctuation of its own."""

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from demands.models import DemandEvent, DemandItem, Submission
from stations.models import DutyShift
from tests.dashboard import factories as f
from tests.pages import crawl, links, menu_links, route_key, unlabelled_fields

pytestmark = pytest.mark.django_db

ROLES = ["org", "township_a", "secretary_a", "station_manager"]
DOUBLED = re.compile(r"(。。|，，|：：|；；|、、|！！|？？|。，|，。|。；|：。)")


@pytest.fixture
def typed(world, secretary, station, org_user):
    """What people type ends in punctuation of its own: a return reason, a progress note, a
    shift's work note."""
    Submission.objects.filter(round=world.r_cur, village=world.village_b2).update(return_reason="请补充联系人电话。")
    DemandItem.objects.filter(pk=world.items.d5.pk).update(return_reason="与上一条重复。")
    DemandEvent.objects.create(item=world.items.d3, actor=org_user, action="progress", note="已联系卫生院。")
    DutyShift.objects.filter(pk=world.this_week_shift.pk).update(work_note="接待群众3人。")
    f.shift(station, secretary, world.today + timedelta(days=7), "scheduled")
    return world


@pytest.fixture
def pages_of(typed, client_for, people):
    cache = {}

    def pages(role):
        if role not in cache:
            cache[role] = crawl(client_for(people[role]))
        return cache[role]

    return pages


def _context(html, match):
    text = re.sub(r"<[^>]+>", "", html[max(0, match.start() - 300) : match.end() + 80])
    return " ".join(text.split())[-80:]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_doubled_punctuation(pages_of, role):
    pages = pages_of(role)
    assert len(pages) > 15, sorted(pages)
    found = [f"{url}: …{_context(html, m)}" for url, html in pages.items() for m in DOUBLED.finditer(html)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("role", ROLES)
def test_every_form_field_has_a_label_filters_included(pages_of, role):
    pages = pages_of(role)
    with_forms = [url for url, html in pages.items() if "<form" in html and "<input" in html]
    assert len(with_forms) > 5, with_forms
    missing = {url: fields for url, html in pages.items() if (fields := unlabelled_fields(html))}
    assert not missing, "\n".join(f"{url}: {', '.join(fields)}" for url, fields in missing.items())


@pytest.mark.parametrize("role", ROLES)
def test_no_select_offers_dashes_as_its_empty_choice(pages_of, role):
    pages = pages_of(role)
    assert any("<select" in html for html in pages.values())
    dashes = [url for url, html in pages.items() if "---------" in html]
    assert dashes == []
    assert any(">请选择…</option>" in html for html in pages.values())


def _plain_routes():
    """The URL patterns without parameters that answer GET with a page (not a download)."""

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith("admin"):
                    continue
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if "<" in route or re.search(r"\.(xlsx|ics|json)$|^accounts|^healthz|^$", route):
                    continue
                yield "/" + route

    return sorted(set(walk(get_resolver())))


# Pages that are a step of another page, not a place to go: opened from their list's button, or
# only with a POST (answering GET with a redirect or 405 is fine; they are skipped when not 200).
STEPS = {
    "/demands/lists/row/",  # one more row of the list form (htmx)
    "/demands/resources/confirm/",  # the second step of a resource
    "/demands/rounds/completeness/",  # redirects to the open round's page
    "/notices/read-all/",
    "/offline/",  # what the service worker shows when a page cannot work offline
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_open_is_in_its_menu_or_one_tap_from_it(typed, client_for, people, role):
    client = client_for(people[role])
    home = client.get("/").content.decode()
    menu = set(menu_links(home)) | {"/"}
    one_tap = set(menu)
    for url in menu:
        response = client.get(url, follow=True)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            one_tap.update(links(response.content.decode()))
    reachable = {route_key(url)[0] for url in one_tap if route_key(url)}
    unreachable = []
    for url in _plain_routes():
        if url in STEPS:
            continue
        response = client.get(url)
        is_page = response.status_code == 200 and response["Content-Type"].startswith("text/html")
        if is_page and route_key(url)[0] not in reachable:
            unreachable.append(url)
    assert not unreachable, "\n".join(unreachable)


@pytest.mark.parametrize("role", ["org", "station_manager", "secretary_a"])
def test_swaps_are_in_the_menu_of_who_approves_or_asks_for_them(typed, client_for, people, role):
    home = client_for(people[role]).get("/").content.decode()
    assert "/stations/swaps/" in menu_links(home)
