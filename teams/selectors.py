"""Reads of the teams app: activity totals per team, month, kind and district-wide.

Each function takes an already scoped queryset (TeamActivity.objects.for_user(user), maybe
filtered further) and answers with one aggregate query, whatever the number of rows."""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from teams.models import TeamActivity

TOTALS = {
    "activities": Count("pk"),
    "people_reached": Sum("people_reached"),
    "funds_secured": Sum("funds_secured"),
    "projects_built": Sum("projects_built"),
    "produce_kg": Sum("produce_kg"),
    "produce_yuan": Sum("produce_yuan"),
}


def _clean(row):
    return {key: (row.get(key) or 0) for key in TOTALS} | {k: v for k, v in row.items() if k not in TOTALS}


def activity_totals(activities):
    """District-wide (or whatever the queryset holds) totals: one query."""
    return _clean(activities.order_by().aggregate(**TOTALS))


def totals_by_team(activities):
    rows = activities.order_by().values("team_id", "team__name").annotate(**TOTALS).order_by("team_id")
    return [_clean(row) for row in rows]


def totals_by_month(activities):
    rows = activities.order_by().annotate(month=TruncMonth("date")).values("month").annotate(**TOTALS).order_by("month")
    return [_clean(row) for row in rows]


def totals_by_kind(activities):
    labels = dict(TeamActivity.KIND_CHOICES)
    rows = activities.order_by().values("kind").annotate(**TOTALS).order_by("-activities", "kind")
    return [_clean(row) | {"kind_label": labels.get(row["kind"], row["kind"])} for row in rows]
