"""Reads of the teams app: activity totals per team, month, kind and district-wide; what a group resolved.

Each function takes an already scoped queryset (TeamActivity.objects.for_user(user), maybe
filtered further) and answers with one aggregate query, whatever the number of rows."""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from demands.lifecycle import DONE
from secretaries.visibility import Person
from teams.models import TeamActivity

TOTALS = {
    "activities": Count("pk"),
    "people_reached": Sum("people_reached"),
    "funds_secured": Sum("funds_secured"),
    "projects_built": Sum("projects_built"),
    "produce_kg": Sum("produce_kg"),
    "produce_yuan": Sum("produce_yuan"),
}


# A village work team's own figure (Gangcha: people helped to apply for assistance), on its page.
HELPED = {"people_helped": Sum("people_helped")}


def _clean(row, totals=TOTALS):
    return {key: (row.get(key) or 0) for key in totals} | {k: v for k, v in row.items() if k not in totals}


def activity_totals(activities, *, helped=False):
    """District-wide (or whatever the queryset holds) totals: one query. `helped` adds people_helped."""
    totals = TOTALS | HELPED if helped else TOTALS
    return _clean(activities.order_by().aggregate(**totals), totals)


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


def demands_resolved_by(team, items, limit=50):
    """The demand items a group resolved (dispatched to it through the loop), newest first, from an
    already scoped queryset of DemandItem; with the count of all of them."""
    done = items.filter(assignee_team=team, status__in=DONE)
    return {
        "count": done.count(),
        "items": done.select_related("village__township", "category").order_by("-resolved_at", "-pk")[:limit],
        "open": items.filter(assignee_team=team).exclude(status__in=DONE).count(),
    }


def member_phone(visibility, membership):
    """A member's phone as this viewer may see it (secretaries/visibility.py): a secretary's by
    their own rule, another person's as a contact of their village."""
    if membership.secretary_id is not None:
        return visibility.secretary_phone(membership.secretary)
    person = membership.person
    township_id = person.village.township_id if person.village_id else None
    return visibility.phone(person.phone, Person(township_id=township_id, village_id=person.village_id))
