"""Reads behind the dashboards and reports.

Every figure starts from `Model.objects.for_user(user)` (the row-level scope), optionally narrowed
to one township of that scope, and is aggregated in SQL (Count/Sum with filter=Q, values().annotate()),
so the number of queries does not depend on how much data there is. Results are plain lists and
dicts (cacheable, and easy to put in a table, a chart or a spreadsheet).
"""

import statistics
from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.scoping import scope_for
from dashboard.periods import add_months, month_end, month_start, week_of
from demands import lifecycle
from demands.models import CollectionRound, DemandCategory, DemandItem, ProjectItem, ResourceItem, Submission
from secretaries.models import Secretary, Township, Village
from secretaries.visibility import Person, visibility_for
from stations.models import DutyShift, RosterGap, ServiceStation, shift_status_label
from teams.models import PioneerTeam, TeamActivity, TeamMembership

S = DemandItem.Status
# The funnel and the groups of statuses are the lifecycle's (demands/lifecycle.py); the names the
# dashboard's modules read them by:
STAGES = lifecycle.FUNNEL
STAGE_KEYS = [key for key, _, _ in STAGES]
RESOLVED = lifecycle.DONE
TAKEN_ON = lifecycle.TAKEN_ON
UNMET = lifecycle.UNMET  # needs still waiting for help
NOT_SUPERVISED = lifecycle.FINISHED  # the supervision figure (督导清单): past due and not finished
SUBMITTED_SUBMISSIONS = lifecycle.SUBMISSION_DONE
FILLED_SHIFTS = [DutyShift.Status.SCHEDULED, DutyShift.Status.CONFIRMED, DutyShift.Status.DONE]
TABLE_LIMIT = 30


def _zero(value):
    return value if value is not None else 0


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _change(current, previous):
    return {"value": current, "previous": previous, "delta": current - previous}


def deadline_cutoff(deadline):
    """Submitted on time = by the end of the deadline day, local time."""
    return timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time.min))


class _MedianSeconds(Aggregate):
    """PostgreSQL's median of a duration, in seconds."""

    function = "PERCENTILE_CONT"
    template = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()


class Scoped:
    """The querysets a dashboard reads: the user's scope, narrowed to one of its townships if asked.

    `township_id` must already be checked to lie inside the user's scope (views do it); the
    querysets go through for_user anyway, so a wrong id can only empty them, never widen them.
    """

    def __init__(self, user, township_id=None):
        self.user = user
        self.scope = scope_for(user)
        self.township_id = township_id

    @property
    def township_ids(self):
        """The townships this view is limited to, or None for the whole district."""
        if self.township_id:
            return {self.township_id}
        if self.scope.is_township and not self.scope.is_superuser:
            return set(self.scope.township_ids)
        return None

    def _narrow(self, qs, path):
        ids = self.township_ids
        if ids is None:
            return qs
        return qs.filter(**{f"{path}__in": ids})

    def townships(self):
        return self._narrow(Township.objects.for_user(self.user), "pk")

    def villages(self):
        return self._narrow(Village.objects.for_user(self.user), "township")

    def secretaries(self):
        return self._narrow(Secretary.objects.for_user(self.user), "village__township")

    def memberships(self):
        return self._narrow(TeamMembership.objects.for_user(self.user), "secretary__village__township")

    def submissions(self):
        return self._narrow(Submission.objects.for_user(self.user), "village__township")

    def demands(self):
        return self._narrow(DemandItem.objects.for_user(self.user), "village__township").exclude(status=S.DRAFT)

    def projects(self):
        scoped = ProjectItem.objects.for_user(self.user)
        ids = self.township_ids
        if ids is not None:
            scoped = scoped.filter(villages__township__in=ids)
        # for_user joins the villages (M2M); count each project once.
        return ProjectItem.objects.filter(pk__in=scoped.values("pk"))

    def activities(self):
        # Activities are readable district-wide; a township's figures are the activities held in it.
        return self._narrow(TeamActivity.objects.for_user(self.user), "village__township")

    def teams(self):
        return PioneerTeam.objects.for_user(self.user)

    def shifts(self):
        qs = DutyShift.objects.for_user(self.user)
        ids = self.township_ids
        if ids is None:
            return qs
        # A township's duty: shifts at its stations and shifts served by its secretaries.
        return qs.filter(Q(station__township__in=ids) | Q(secretary__village__township__in=ids))

    def stations(self):
        # Stations whose whole roster this view can see: those located in the townships in view.
        return self._narrow(ServiceStation.objects.for_user(self.user), "township").filter(active=True)

    def resources(self):
        # Resources are offers to the whole district (ResourceItem.for_user); a township draws on them all.
        today = timezone.localdate()
        return ResourceItem.objects.for_user(self.user).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today), active=True
        )


# ---------------------------------------------------------------- headline figures


def on_post_at(day, prefix=""):
    """On post on `day`: started by then, and still on post (or an expired term that covered the day).
    A recalled secretary has no recall date in the model, so is counted as gone throughout."""
    return Q(**{f"{prefix}term_start__lte": day}) & (
        Q(**{f"{prefix}status": Secretary.Status.ON_POST})
        | Q(**{f"{prefix}status": Secretary.Status.EXPIRED, f"{prefix}term_end__gte": day})
    )


ACTIVITY_SUMS = ("people_reached", "funds_secured", "projects_built", "produce_kg", "produce_yuan")


def activity_months(base, first=None, last=None):
    """{first day of month: {"count": n, "people_reached": .., "funds_secured": .., ...}} of the
    activities in view dated from `first` to `last` (all if not given; the months that have any)."""
    qs = base.activities()
    if first is not None:
        qs = qs.filter(date__range=(first, last))
    rows = (
        qs.annotate(month=TruncMonth("date"))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"), **{name: Sum(name) for name in ACTIVITY_SUMS})
    )
    result = {}
    for row in rows:
        month = row.pop("month")
        result[month.date() if isinstance(month, datetime) else month] = row
    return result


def activity_totals(months, start, end):
    """The activity figures of the months from `start` to `end`, summed from activity_months()."""
    chosen = [row for month, row in months.items() if start <= month <= end]
    totals = {"count": sum(row["count"] for row in chosen)}
    for name in ACTIVITY_SUMS:
        totals[name] = sum((row[name] or 0 for row in chosen), 0)
    return totals


def headline(base, period, months=None):
    """The headline figures for `period`, each with the previous period's value and the change.
    `months`: activity_months() covering both periods (read here if not given)."""
    today = timezone.localdate()
    now_day, prev_day = min(period.end, today), period.prev_end
    cur = Q(date__range=(period.start, period.end))
    prev = Q(date__range=(period.prev_start, period.prev_end))

    people = base.secretaries().aggregate(
        on_post=Count("pk", filter=on_post_at(now_day)),
        on_post_prev=Count("pk", filter=on_post_at(prev_day)),
        villages=Count("village", distinct=True, filter=on_post_at(now_day)),
        villages_prev=Count("village", distinct=True, filter=on_post_at(prev_day)),
    )

    def member_at(day):
        return Q(joined__lte=day) & (Q(left__isnull=True) | Q(left__gt=day))

    teams = base.memberships().aggregate(
        now=Count("team", distinct=True, filter=member_at(now_day)),
        prev=Count("team", distinct=True, filter=member_at(prev_day)),
    )

    if months is None:
        months = activity_months(base, period.prev_start, period.end)
    acts = activity_totals(months, period.start, period.end)
    acts_prev = activity_totals(months, period.prev_start, period.prev_end)

    done_in = Q(status=ProjectItem.Status.DONE, end_date__range=(period.start, period.end))
    done_prev = Q(status=ProjectItem.Status.DONE, end_date__range=(period.prev_start, period.prev_end))
    projects = base.projects().aggregate(
        planned=Count("pk", filter=Q(status=ProjectItem.Status.PLANNED)),
        ongoing=Count("pk", filter=Q(status=ProjectItem.Status.ONGOING)),
        done=Count("pk", filter=Q(status=ProjectItem.Status.DONE)),
        done_in=Count("pk", filter=done_in),
        done_prev=Count("pk", filter=done_prev),
    )

    done, absent = DutyShift.Status.DONE, DutyShift.Status.ABSENT
    shifts = (
        base.shifts()
        .filter(date__range=(period.prev_start, period.end))
        .aggregate(
            done=Count("pk", filter=cur & Q(status=done)),
            absent=Count("pk", filter=cur & Q(status=absent)),
            done_prev=Count("pk", filter=prev & Q(status=done)),
            absent_prev=Count("pk", filter=prev & Q(status=absent)),
        )
    )
    absence = _rate(shifts["absent"], shifts["done"] + shifts["absent"])
    absence_prev = _rate(shifts["absent_prev"], shifts["done_prev"] + shifts["absent_prev"])

    def summed(name, kind=int):
        return _change(kind(acts[name]), kind(acts_prev[name]))

    return {
        "secretaries_on_post": _change(people["on_post"], people["on_post_prev"]),
        "villages_covered": _change(people["villages"], people["villages_prev"]),
        "teams": _change(teams["now"], teams["prev"]),
        "activities": _change(acts["count"], acts_prev["count"]),
        "people_reached": summed("people_reached"),
        "funds_secured": summed("funds_secured", Decimal),
        "projects_built": summed("projects_built"),
        "produce_kg": summed("produce_kg", Decimal),
        "produce_yuan": summed("produce_yuan", Decimal),
        "projects_planned": projects["planned"],
        "projects_ongoing": projects["ongoing"],
        "projects_done": projects["done"],
        "projects_done_in_period": _change(projects["done_in"], projects["done_prev"]),
        "shifts_done": _change(shifts["done"], shifts["done_prev"]),
        "shifts_absent": _change(shifts["absent"], shifts["absent_prev"]),
        "absence_rate": {
            "value": absence,
            "previous": absence_prev,
            "delta": None if absence is None or absence_prev is None else round(absence - absence_prev, 1),
        },
    }


# ---------------------------------------------------------------- rounds and completeness


def rounds_for(user):
    """The district's rounds that were issued (not drafts), newest first."""
    return list(
        CollectionRound.objects.for_user(user)
        .exclude(status=CollectionRound.Status.DRAFT)
        .order_by("-period_start")
        .values("pk", "title", "period_start", "period_end", "deadline", "status")
    )


def current_round(rounds):
    """The open round (the newest if several), else the newest issued one."""
    for item in rounds:
        if item["status"] == CollectionRound.Status.OPEN:
            return item
    return rounds[0] if rounds else None


def completeness(base, round_info, missing_limit=TABLE_LIMIT):
    """Per township: expected villages, submitted on time / late, missing, nil returns, with rates."""
    cutoff = deadline_cutoff(round_info["deadline"])
    expected = base.villages().order_by().values("township_id", "township__name").annotate(n=Count("pk")).order_by()
    submitted = {
        row["village__township_id"]: row
        for row in base.submissions()
        .filter(round_id=round_info["pk"], status__in=SUBMITTED_SUBMISSIONS)
        .order_by()
        .values("village__township_id")
        .annotate(
            submitted=Count("pk"),
            late=Count("pk", filter=Q(submitted_at__gte=cutoff)),
            nil=Count("pk", filter=Q(is_nil=True)),
        )
    }
    rows = []
    for row in expected:
        got = submitted.get(row["township_id"], {})
        n, sub, late = row["n"], got.get("submitted", 0), got.get("late", 0)
        rows.append(
            {
                "township_id": row["township_id"],
                "township": row["township__name"],
                "expected": n,
                "submitted": sub,
                "on_time": sub - late,
                "late": late,
                "missing": n - sub,
                "nil": got.get("nil", 0),
                "rate": _rate(sub, n),
                "on_time_rate": _rate(sub - late, n),
            }
        )
    rows.sort(key=lambda r: (r["rate"] if r["rate"] is not None else 101, r["township"]))
    total = {key: sum(r[key] for r in rows) for key in ("expected", "submitted", "on_time", "late", "missing", "nil")}
    total["rate"] = _rate(total["submitted"], total["expected"])
    total["on_time_rate"] = _rate(total["on_time"], total["expected"])
    return {"rows": rows, "total": total, "missing_villages": missing_villages(base, round_info, missing_limit)}


def missing_villages(base, round_info, limit=TABLE_LIMIT):
    """Villages that have not submitted for the round, with their secretary to call."""
    done = Submission.objects.filter(round_id=round_info["pk"], status__in=SUBMITTED_SUBMISSIONS)
    secretary = Secretary.objects.filter(village=OuterRef("pk"), status=Secretary.Status.ON_POST).order_by("pk")
    qs = (
        base.villages()
        .exclude(pk__in=done.values("village_id"))
        .annotate(
            secretary_id=Subquery(secretary.values("pk")[:1]),
            secretary_name=Subquery(secretary.values("name")[:1]),
            secretary_phone=Subquery(secretary.values("phone")[:1]),
        )
        .order_by("township__name", "name")
        .values("pk", "name", "township_id", "township__name", "secretary_id", "secretary_name", "secretary_phone")
    )
    if limit:
        qs = qs[:limit]
    visibility = visibility_for(base.user)
    rows = []
    for row in qs:
        person = Person(township_id=row["township_id"], village_id=row["pk"], secretary_id=row["secretary_id"])
        phone = visibility.phone(row["secretary_phone"], person)
        rows.append(
            {
                "village_id": row["pk"],
                "village": row["name"],
                "township_id": row["township_id"],
                "township": row["township__name"],
                "secretary": row["secretary_name"] or "",
                "phone": phone.text,
                "phone_full": phone.full,  # a tel: link on pages
            }
        )
    return rows


# ---------------------------------------------------------------- the loop


GROUPS = {
    "township": ("village__township_id", "village__township__name"),
    "category": ("category_id", "category__name"),
}


def status_counts(base, group, round_ids=None):
    """One scan of the demand items: {(group id, round id, status): (count, overdue count)}.
    Funnel, resolution, needs over rounds, unmet needs and the supervision list's size all derive
    from these two small tables (by township, by category) instead of a scan each."""
    field = GROUPS[group][0]
    qs = base.demands()
    if round_ids is not None:
        qs = qs.filter(round_id__in=list(round_ids))
    today = timezone.localdate()
    rows = (
        qs.order_by()
        .values(field, "round_id", "status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    )
    return {(row[field], row["round_id"], row["status"]): (row["n"], row["overdue"]) for row in rows}


def names_for(base, group):
    """{id: name} of the townships in view, or of the demand categories in view (shared + own)."""
    if group == "township":
        return dict(base.townships().values_list("pk", "name"))
    return dict(DemandCategory.objects.for_user(base.user).values_list("pk", "name"))


def stage_totals(counts):
    """{(group id, round id): [all, taken on, resolved, rated]} from status_counts(): what the
    resolution and needs tables read (four numbers per group and round, not a row per status)."""
    totals = {}
    for (key, rid, status), (n, _) in counts.items():
        row = totals.setdefault((key, rid), [0, 0, 0, 0])
        row[0] += n
        row[1] += n if status in TAKEN_ON else 0
        row[2] += n if status in RESOLVED else 0
        row[3] += n if status == S.RATED else 0
    return totals


def funnel_from(counts, round_id):
    total = defaultdict(int)
    for (_, rid, status), (n, _) in counts.items():
        if rid == round_id:
            total[status] += n
    submitted = sum(total.values())
    stages = []
    for key, label, statuses in STAGES:
        n = submitted if statuses is None else sum(total[s] for s in statuses)
        stages.append({"key": key, "label": label, "count": n, "rate": _rate(n, submitted)})
    return {
        "stages": stages,
        "returned": total[S.RETURNED],
        "merged": total[S.MERGED],
        "resolution_rate": _rate(stages[3]["count"], stages[1]["count"]),
    }


def funnel(base, round_id):
    return funnel_from(status_counts(base, "category", [round_id]), round_id)


def _median_days(qs, *groups):
    """{group value: median days from submission to resolution} of the resolved items in qs
    (keyed by a tuple when grouped by several fields). PostgreSQL computes it (PERCENTILE_CONT);
    SQLite has no percentile, so Python does, from one query."""
    done = qs.filter(status__in=RESOLVED, resolved_at__isnull=False, submitted_at__isnull=False).order_by()

    def key(row):
        return row[0] if len(groups) == 1 else tuple(row)

    if connections[qs.db].vendor == "postgresql":
        duration = ExpressionWrapper(F("resolved_at") - F("submitted_at"), output_field=DurationField())
        rows = done.values(*groups).annotate(median=_MedianSeconds(duration)).order_by()
        return {key([row[g] for g in groups]): round(row["median"] / 86400, 1) for row in rows}
    spans = defaultdict(list)
    for *values, submitted_at, resolved_at in done.values_list(*groups, "submitted_at", "resolved_at"):
        spans[key(values)].append((resolved_at - submitted_at).total_seconds())
    return {k: round(statistics.median(values) / 86400, 1) for k, values in spans.items()}


def median_days(base, round_id, group):
    return _median_days(base.demands().filter(round_id=round_id), GROUPS[group][0])


def median_days_per_round(base):
    """{round id: median days} over the whole scope."""
    return _median_days(base.demands(), "round_id")


def median_days_by_round(base, group):
    """{(round id, group id): median days} for every round."""
    return _median_days(base.demands(), "round_id", GROUPS[group][0])


def resolution_from(totals, round_id, names, medians):
    """Items submitted, taken on, resolved and rated, resolution rate and median days, per group.
    `totals`: stage_totals()."""
    result = []
    for (key, rid), (submitted, taken_on, resolved, rated) in totals.items():
        if rid != round_id:
            continue
        result.append(
            {
                "id": key,
                "name": names.get(key, "—"),
                "submitted": submitted,
                "taken_on": taken_on,
                "resolved": resolved,
                "rated": rated,
                "rate": _rate(resolved, taken_on),
                "median_days": medians.get(key),
            }
        )
    result.sort(key=lambda r: (-r["submitted"], r["name"]))
    return result


def resolution_by(base, round_id, group):
    """Resolution per township or category for one round (group: "township" or "category")."""
    totals = stage_totals(status_counts(base, group, [round_id]))
    return resolution_from(totals, round_id, names_for(base, group), median_days(base, round_id, group))


def supervision_count_from(counts):
    return sum(overdue for (_, _, status), (_, overdue) in counts.items() if status not in NOT_SUPERVISED)


def oldest_overdue(base, limit=10):
    today = timezone.localdate()
    overdue = base.demands().filter(due_date__lt=today).exclude(status__in=NOT_SUPERVISED)
    oldest = overdue.order_by("due_date", "pk").values(
        "pk", "title", "status", "due_date", "village__name", "village__township__name", "category__name"
    )[:limit]
    statuses = dict(S.choices)
    return [
        {
            "pk": row["pk"],
            "title": row["title"],
            "status": statuses.get(row["status"], row["status"]),
            "due_date": row["due_date"],
            "days_overdue": (today - row["due_date"]).days,
            "village": row["village__name"],
            "township": row["village__township__name"],
            "category": row["category__name"],
        }
        for row in oldest
    ]


def supervision(base, limit=10):
    """The supervision list (督导清单): items past due and not finished. Its size and oldest items."""
    return {"count": supervision_count_from(status_counts(base, "category")), "oldest": oldest_overdue(base, limit)}


# ---------------------------------------------------------------- needs and resources


def last_rounds(rounds, round_info, count=6):
    """The `count` rounds up to and including `round_info`, oldest first."""
    if round_info is None:
        return []
    older = [r for r in rounds if r["period_start"] <= round_info["period_start"]]
    return list(reversed(older[:count]))


def needs_from(totals, rounds, names):
    """Needs per group for each of `rounds`: [{id, name, counts: [..per round], total}].
    `totals`: stage_totals()."""
    index = {r["pk"]: i for i, r in enumerate(rounds)}
    table = {}
    for (key, rid), (n, *_) in totals.items():
        if rid not in index:
            continue
        entry = table.setdefault(key, {"id": key, "name": names.get(key, "—"), "counts": [0] * len(rounds)})
        entry["counts"][index[rid]] += n
    result = list(table.values())
    for entry in result:
        entry["total"] = sum(entry["counts"])
    result.sort(key=lambda e: (-e["total"], e["name"]))
    return result


def resources_by_category(base):
    rows = (
        base.resources()
        .order_by()
        .values("category_id", "category__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "category__name")
    )
    return [{"id": row["category_id"], "name": row["category__name"], "count": row["n"]} for row in rows]


def unmet_villages(base):
    """{demand category id: villages with unmet needs of that category}."""
    rows = (
        base.demands()
        .filter(status__in=UNMET)
        .order_by()
        .values("category_id")
        .annotate(n=Count("village_id", distinct=True))
    )
    return {row["category_id"]: row["n"] for row in rows}


def unmet_from(category_counts, names, resources, villages=None):
    """Unmet needs per demand category (all rounds), and those whose category has no active
    matching resource: where to recruit people or units. `resources`: resources_by_category."""
    available = {row["id"] for row in resources if row["count"]}
    mapping = defaultdict(set)
    through = DemandCategory.resource_categories.through.objects.values_list("demandcategory_id", "resourcecategory_id")
    for demand_category, resource_category in through:
        mapping[demand_category].add(resource_category)
    unmet = defaultdict(int)
    for (key, _, status), (n, _) in category_counts.items():
        if status in UNMET:
            unmet[key] += n
    result = []
    for key, n in unmet.items():
        matching = mapping.get(key, set())
        result.append(
            {
                "id": key,
                "name": names.get(key, "—"),
                "count": n,
                "villages": (villages or {}).get(key, 0),
                "mapped": bool(matching),
                "has_resource": bool(matching & available),
            }
        )
    result.sort(key=lambda r: (-r["count"], r["name"]))
    return {"rows": result, "to_recruit": [row for row in result if not row["has_resource"]]}


# ---------------------------------------------------------------- teams and stations


def team_ranking(base, month):
    """Teams ranked by the month's activities, then people reached, then funds secured."""
    rows = {
        row["team_id"]: row
        for row in base.activities()
        .filter(date__range=(month_start(month), month_end(month)))
        .order_by()
        .values("team_id")
        .annotate(
            activity_count=Count("pk"),
            people=Sum("people_reached"),
            funds=Sum("funds_secured"),
            projects=Sum("projects_built"),
            produce_kg=Sum("produce_kg"),
        )
    }
    empty = {"activity_count": 0, "people": 0, "funds": 0, "projects": 0, "produce_kg": 0}
    rows = [{**empty, **rows.get(team["pk"], {}), **team} for team in base.teams().values("pk", "name")]
    result = [
        {
            "id": row["pk"],
            "name": row["name"],
            "activities": row["activity_count"],
            "people": _zero(row["people"]),
            "funds": Decimal(_zero(row["funds"])),
            "projects": _zero(row["projects"]),
            "produce_kg": Decimal(_zero(row["produce_kg"])),
        }
        for row in rows
    ]
    result.sort(key=lambda r: (-r["activities"], -r["people"], -r["funds"], r["name"]))
    for rank, row in enumerate(result, start=1):
        row["rank"] = rank
    return result


def activity_by_month(base, last_month, months=12, found=None):
    """The activities of the `months` months up to `last_month`, oldest first. `found`:
    activity_months() covering them (read here if not given)."""
    first = add_months(last_month, -(months - 1))
    if found is None:
        found = activity_months(base, first, month_end(last_month))
    result = []
    for i in range(months):
        month = add_months(first, i)
        row = found.get(month, {})
        result.append({"month": month, "count": row.get("count", 0), "people": _zero(row.get("people_reached"))})
    return result


def station_week(base, day=None, roster_limit=60):
    """This week's roster (who is where) and the gaps: stations whose open RosterGap rows (the duty
    days the roster could not fill, or that leave freed) this week miss people. `needed` is the
    week's positions (people per duty day x duty days), `filled` the shifts held."""
    monday, sunday = week_of(day or timezone.localdate())
    missing = (
        RosterGap.objects.open()
        .filter(station=OuterRef("pk"), date__range=(monday, sunday))
        .values("station")
        .annotate(n=Sum("missing"))
        .values("n")
    )
    stations = (
        base.stations()
        .annotate(
            filled=Count("shifts", filter=Q(shifts__date__range=(monday, sunday), shifts__status__in=FILLED_SHIFTS)),
            absent=Count(
                "shifts", filter=Q(shifts__date__range=(monday, sunday), shifts__status=DutyShift.Status.ABSENT)
            ),
            missing=Subquery(missing),
        )
        .values("pk", "name", "secretaries_per_duty_day", "duty_weekdays", "filled", "absent", "missing")
        .order_by("name")
    )
    gaps = [
        {
            "station_id": row["pk"],
            "station": row["name"],
            "needed": row["secretaries_per_duty_day"] * len(set(row["duty_weekdays"] or [])),
            "filled": row["filled"],
            "missing": row["missing"],
            "absent": row["absent"],
        }
        for row in stations
        if row["missing"]
    ]
    roster = (
        base.shifts()
        .filter(date__range=(monday, sunday))
        .order_by("date", "station__name", "secretary__name")
        .values(
            "pk",
            "date",
            "status",
            "check_in_at",
            "check_out_at",
            "station_id",
            "station__name",
            "secretary__name",
            "secretary__village__name",
        )  # fmt: skip
    )
    if roster_limit:
        roster = roster[:roster_limit]
    return {
        "monday": monday,
        "sunday": sunday,
        "roster": [
            {
                "date": row["date"],
                "station_id": row["station_id"],
                "station": row["station__name"],
                "secretary": row["secretary__name"],
                "village": row["secretary__village__name"],
                "status": shift_status_label(row["status"], row["check_in_at"], row["check_out_at"]),
                "status_code": row["status"],
            }
            for row in roster
        ],
        "gaps": gaps,
        "station_count": len(stations),
    }
