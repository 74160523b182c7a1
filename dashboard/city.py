"""The city department's (市委组织部) comparison of its districts, side by side: the current
round's completeness, the loop's resolution rate and median days, activities, funds and the
stations' absence of the period. Read from each district's stored summary (dashboard.summary),
never from another district than the city's: the districts come through District.objects.for_user.

The city role reads one district's dashboard and reports through `district_reader`: a reader whose
scope is the city role narrowed to that district (personal data masked as for any non-department
login), never a request's user and never passed to a write."""

from django.http import Http404

from core.scoping import ScopeReader, scope_for
from dashboard import selectors, summary
from dashboard.periods import Period
from demands.models import CollectionRound
from secretaries.models import District

FIGURES = ("headlines", "completeness", "loop_by_round")


def city_districts(user):
    return District.objects.for_user(user).select_related("city").order_by("name")


def district_reader(user, district_id):
    """A reader of one of the city's districts, or 404 for any other district."""
    narrowed = scope_for(user).one_district(district_id)
    if narrowed is None or not District.objects.for_user(user).filter(pk=district_id).exists():
        raise Http404("没有这个区，或不在本市范围内")
    return ScopeReader(narrowed)


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
