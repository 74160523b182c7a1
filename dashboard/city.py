"""The city department's (市委组织部) comparison of its districts, side by side: the current
round's completeness, the loop's resolution rate and median days, activities, funds and the
stations' absence of the period. Read from each district's stored summary (dashboard.summary),
never from another district than the city's: the districts come through District.objects.for_user.

The city role reads one district's dashboard and reports through `district_reader`: a reader whose
scope is the city role narrowed to that district (personal data masked as for any non-department
login), never a request's user and never passed to a write."""

from django.http import Http404
from django.urls import reverse

from core.scoping import ScopeReader, scope_for
from dashboard import caching, selectors, summary
from dashboard.panels import dashboard_panels
from dashboard.periods import Period
from demands.models import CollectionRound
from secretaries.models import District

FIGURES = ("headlines", "completeness", "loop_by_round")
# The district's drill-down lists the city reads too (dashboard.views_city); any other link of the
# district's dashboard leads to a page of the district's own and is shown as plain text.
DRILL_DOWNS = ("demands", "missing", "activities", "shifts", "resources")


class CityReader(ScopeReader):
    """The city role narrowed to one district, remembering whose login it reads for: a refresh
    of its cached dashboard (dashboard.tasks.refresh_dashboard) builds the same reader again."""

    def __init__(self, scope, login_id):
        super().__init__(scope)
        self.login_id = login_id


def city_districts(user):
    return District.objects.for_user(user).select_related("city").order_by("name")


def district_reader(user, district_id):
    """A reader of one of the city's districts, or 404 for any other district."""
    narrowed = scope_for(user).one_district(district_id)
    if narrowed is None or not District.objects.for_user(user).filter(pk=district_id).exists():
        raise Http404("没有这个区，或不在本市范围内")
    return CityReader(narrowed, user.pk)


def _loop_row(loop, round_id):
    """The loop's figures of one round, or of every round when the district has no round yet."""
    rows = [values for rid, values in loop.items() if round_id is None or rid == round_id]
    submitted, taken_on, resolved, rated = (sum(row[i] for row in rows) for i in range(4))
    median = rows[0][4] if round_id is not None and rows else None
    return {
        "submitted": submitted,
        "taken_on": taken_on,
        "resolved": resolved,
        "rated": rated,
        "rate": selectors._rate(resolved, taken_on),
        "median_days": median,
    }


def comparison_cached(user, filters):
    """The comparison, kept like the district dashboards (dashboard.caching): served from the cache
    while the data version is current, the last result while a refresh runs, counted in the
    request without a cache."""
    return caching.cached(user, filters, lambda: comparison_data(user, filters))


def comparison_data(user, filters):
    """What the comparison's cache entry holds (the refresh task builds the same)."""
    return {"rows": comparison(user, filters.period)}


def district_cached(reader, filters):
    """One district's dashboard as the city reads it, cached per district like the department's."""
    return caching.cached(reader, filters, lambda: dashboard_panels(reader, filters))


def relinked(value, district_id):
    """`value` (a dashboard's data) with every link of a table turned into the city's drill-down of
    the same list, or into plain text where the city has no such page. A new structure: the cached
    one is left as it was."""
    if isinstance(value, dict):
        result = {key: relinked(item, district_id) for key, item in value.items()}
        if isinstance(result.get("url"), str) and "text" in result:
            result["url"] = city_url(result["url"], district_id)
        return result
    if isinstance(value, list | tuple):
        return type(value)(relinked(item, district_id) for item in value)
    return value


def city_url(url, district_id):
    path, mark, query = url.partition("?")
    for name in DRILL_DOWNS:
        if path == reverse(f"dashboard:{name}"):
            return reverse(f"city:{name}", args=[district_id]) + mark + query
    return None


def comparison(user, period: Period):
    """One row per district of the city, for `period` (month, quarter or year)."""
    rows = []
    for district in city_districts(user):
        figures, checked_at = summary.stored_figures(district.pk, FIGURES)
        completeness = figures["completeness"]
        round_id = completeness["round_id"] if completeness else None
        headline = figures["headlines"].get(summary._period_key(period))
        if headline is None:  # a period the summary does not keep: counted for the district now
            headline = selectors.headline(selectors.Scoped(district_reader(user, district.pk)), period)
        rows.append(
            {
                "district": district,
                "round_title": _round_title(round_id),
                "completeness": completeness["total"] if completeness else None,
                "loop": _loop_row(figures["loop_by_round"], round_id),
                "activities": headline["activities"]["value"],
                "people_reached": headline["people_reached"]["value"],
                "funds": headline["funds_secured"]["value"],
                "absence_rate": headline["absence_rate"]["value"],
                "shifts_absent": headline["shifts_absent"]["value"],
                "checked_at": checked_at,
            }
        )
    return rows


def _round_title(round_id):
    if round_id is None:
        return ""
    return CollectionRound.objects.filter(pk=round_id).values_list("title", flat=True).first() or ""
