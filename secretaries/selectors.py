"""Reads of people and places. Everything goes through for_user (core/scoping.py)."""

from django.conf import settings
from django.db.models import Count, Q

from secretaries.models import Secretary, Township, Village


def secretary_search(user, filters):
    """The secretaries `user` may see, narrowed by the cleaned filter form data."""
    qs = (
        Secretary.objects.for_user(user)
        .select_related("village__township", "dispatch_unit", "batch", "area_branch")
        .prefetch_related("expertise")
    )
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(village__name__contains=q))
    if filters.get("township"):
        qs = qs.filter(village__township=filters["township"])
    if filters.get("dispatch_unit"):
        qs = qs.filter(dispatch_unit=filters["dispatch_unit"])
    if filters.get("unit_level"):
        qs = qs.filter(dispatch_unit__level=filters["unit_level"])
    if filters.get("expertise"):
        qs = qs.filter(expertise=filters["expertise"])
    if filters.get("area_branch"):
        qs = qs.filter(area_branch=filters["area_branch"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.distinct()


def township_overview(user):
    """Townships with their village and on-post secretary counts, in two aggregate queries."""
    return Township.objects.for_user(user).annotate(
        village_count=Count("villages", distinct=True),
        secretary_count=Count(
            "villages__secretaries", filter=Q(villages__secretaries__status="on_post"), distinct=True
        ),
    )


def village_overview(user, township=None, q=""):
    qs = (
        Village.objects.for_user(user)
        .select_related("township")
        .annotate(secretary_count=Count("secretaries", filter=Q(secretaries__status="on_post")))
        .order_by("township__name", "name")
    )
    if township:
        qs = qs.filter(township=township)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return qs


def reserve_counts(villages):
    """The villages with the number of their current reserve cadres (后备力量) as `reserve_count`."""
    return villages.annotate(reserve_count=Count("reserve_cadres", filter=Q(reserve_cadres__left__isnull=True)))


def reserve_shortfall(villages, minimum=None):
    """The villages below the required number of current reserve cadres (settings.RESERVE_CADRES_MIN
    unless given), fewest first: [{village_id, village, township_id, township, count}]. One query."""
    minimum = settings.RESERVE_CADRES_MIN if minimum is None else minimum
    rows = (
        reserve_counts(villages.order_by())
        .filter(reserve_count__lt=minimum)
        .order_by("reserve_count", "township__name", "name")
        .values("pk", "name", "township_id", "township__name", "reserve_count")
    )
    return [
        {
            "village_id": row["pk"],
            "village": row["name"],
            "township_id": row["township_id"],
            "township": row["township__name"],
            "count": row["reserve_count"],
        }
        for row in rows
    ]
