"""Every page a login can reach by following links, for checks that hold on every page (doubled
punctuation, a label on every form field, the menu). Starts at the home page and follows each
link of the site; visits at most PER_ROUTE pages of one URL pattern (one tab of it), so that a
list of 100 items costs two item pages, not a hundred."""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

# Not pages: downloads, the calendar feed, photos, the admin (Django's, not ours), logging out.
SKIP = re.compile(r"(\.xlsx|\.ics|\.json)$|^/(admin|static|media|accounts/logout|teams/photos|healthz|offline)")
PER_ROUTE = 2
MAX_PAGES = 300


def route_key(url):
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        return None
    query = dict(parse_qsl(parts.query))
    # A tab or a period is another page; a page number or a filter value is the same page.
    return (route, query.get("tab", ""), query.get("period", ""), tuple(sorted(query)))


def links(html):
    return [href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"#]*)', html)]


def crawl(client, start="/"):
    """{url: html} of every page reachable from `start` (200 and text/html only)."""
    pages, counts, queue, queued = {}, Counter(), deque([start]), {start}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302):
            found = [response["Location"]]
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            pages[url] = html
            found = links(html)
        else:
            continue
        for link in found:
            if link in queued or not link.startswith("/") or SKIP.search(urlsplit(link).path):
                continue
            key = route_key(link)
            if key is None or counts[key] >= PER_ROUTE:
                continue
            counts[key] += 1
            queued.add(link)
            queue.append(link)
    return pages


def menu_links(html):
    """The links of the main menu (templates/_nav.html, inside #mainnav)."""
    menu = html.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]
    return [link for link in links(menu) if not SKIP.search(link)]


class Forms(HTMLParser):
    """The form fields of a page and the ids their labels name (for=, or a wrapping label)."""

    def __init__(self):
        super().__init__()
        self.fields, self.label_for, self.aria = [], set(), []
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in ("input", "select", "textarea"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("hidden", "submit", "button", "reset", "image"):
                return
            named = bool(attrs.get("aria-label") or attrs.get("aria-labelledby") or attrs.get("title"))
            self.fields.append(
                {"tag": tag, "name": attrs.get("name"), "id": attrs.get("id"), "named": named or self._label_depth > 0}
            )

    def handle_endtag(self, tag):
        if tag == "label" and self._label_depth:
            self._label_depth -= 1


def unlabelled_fields(html):
    parser = Forms()
    parser.feed(html)
    return [
        f"{field['tag']} name={field['name']}"
        for field in parser.fields
        if not field["named"] and field["id"] not in parser.label_for
    ]
