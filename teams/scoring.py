"""考评: the points scheme applied to a month, the monthly ranking, its freezing, the year.

Rules are data (ScoringRule). Each key counts one thing, computed from the models' own fields:

    activity:<kind>   per team activity of that kind (a team once per activity; a secretary per
                      activity taken part in)
    people_reached    per person reached by those activities
    demand_resolved   per DemandItem resolved or rated with the secretary as assignee (month of resolved_at)
    shift_done        per station DutyShift done
    list_on_time      per village list Submission submitted on or before the round's deadline
    shift_absent      per DutyShift absent (a negative points value deducts)
    list_late         per Submission submitted after the deadline (in the month it was sent)
    list_missing      per round whose deadline passed in the month with the village's list not sent
                      at all (counted in the deadline's month; it turns into list_late when the list
                      comes in, unless the month was frozen meanwhile: then both stand)

A team's score is its activities plus its members' own items (demands, shifts, lists) while they
were in the team. `cap` limits what one team or secretary can gain (or lose) from a rule in a month.
A rule whose key is not known here is shown on the rules page as not wired in: the hook for new
sources of points is `MEMBER_SOURCES` below.

Every figure comes from a fixed number of aggregate queries, whatever the number of months."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from demands.lifecycle import DONE
from demands.models import CollectionRound, DemandItem, Submission
from secretaries.models import Secretary
from stations.models import DutyShift
from teams.models import PioneerTeam, RankingSnapshot, ScoringRule, TeamActivity, TeamMembership
from teams.services import month_start, next_month

ACTIVITY_PREFIX = "activity:"
MEMBER_SOURCES = ["demand_resolved", "shift_done", "list_on_time", "shift_absent", "list_late", "list_missing"]
KNOWN_KEYS = {"people_reached", *MEMBER_SOURCES}
ZERO = Decimal("0")


def is_known_key(key):
    return key in KNOWN_KEYS or key.startswith(ACTIVITY_PREFIX)


@dataclass
class Line:
    label: str
    quantity: int
    points: Decimal
    subtotal: Decimal
    note: str = ""

    def as_dict(self):
        return {
            "label": self.label,
            "quantity": self.quantity,
            "points": str(self.points),
            "subtotal": str(self.subtotal),
            "note": self.note,
        }


def _line(rule, quantity):
    subtotal = (rule.points * quantity).quantize(Decimal("0.01"))
    note = ""
    if rule.cap is not None and abs(subtotal) > rule.cap:
        subtotal = rule.cap if subtotal > 0 else -rule.cap
        note = f"本月封顶 {rule.cap.normalize():f} 分"
    return Line(rule.label, int(quantity), rule.points, subtotal, note)


def months_between(first, last):
    months, month = [], month_start(first)
    while month <= month_start(last):
        months.append(month)
        month = next_month(month)
    return months


def _month_key(value):
    """TruncMonth gives a date on SQLite and a datetime on PostgreSQL for datetime fields."""
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return value.replace(day=1)


def compute_months(district_id, months, *, today=None):
    """Live scores: {month: {"teams": [row...], "secretaries": [row...]}} for the given months.
    `today` (default: today in TIME_ZONE) decides which list deadlines have passed."""
    if not months:
        return {}
    today = today or timezone.localdate()
    months = sorted(set(months))
    start, end = months[0], next_month(months[-1])
    rules = {r.key: r for r in ScoringRule.objects.filter(active=True)}
    teams = list(PioneerTeam.objects.filter(district_id=district_id).order_by("pk"))
    memberships = list(
        TeamMembership.objects.filter(team__district_id=district_id, joined__lt=end)
        .filter(Q(left__isnull=True) | Q(left__gte=start))
        .select_related("secretary")
        .order_by("joined", "pk")
    )
    activity_rows = (
        TeamActivity.objects.filter(team__district_id=district_id, date__gte=start, date__lt=end)
        .annotate(m=TruncMonth("date"))
        .values("team_id", "m", "kind")
        .annotate(n=Count("pk"), reached=Sum("people_reached"))
    )
    through = TeamActivity.participants.through
    participation_rows = (
        through.objects.filter(
            teamactivity__team__district_id=district_id, teamactivity__date__gte=start, teamactivity__date__lt=end
        )
        .annotate(m=TruncMonth("teamactivity__date"))
        .values("secretary_id", "m", "teamactivity__kind")
        .annotate(n=Count("pk"), reached=Sum("teamactivity__people_reached"))
    )
    member_counts = _member_source_counts(district_id, start, end, today)

    team_by_pk = {t.pk: t for t in teams}
    result = {}
    for month in months:
        month_end = next_month(month)
        # Who was in which team that month (the latest membership wins when someone moved).
        team_of = {}
        names = {}
        for m in memberships:
            if m.joined < month_end and (m.left is None or m.left >= month):
                team_of[m.secretary_id] = m.team_id
                names[m.secretary_id] = m.secretary.name
        result[month] = {
            "team_counts": defaultdict(lambda: defaultdict(int)),
            "secretary_counts": {pk: defaultdict(int) for pk in team_of},
            "team_of": team_of,
            "names": names,
        }
    for row in activity_rows:
        bucket = result.get(_month_key(row["m"]))
        if bucket is None:
            continue
        counts = bucket["team_counts"][row["team_id"]]
        counts[ACTIVITY_PREFIX + row["kind"]] += row["n"]
        counts["people_reached"] += row["reached"] or 0
    for row in participation_rows:
        bucket = result.get(_month_key(row["m"]))
        if bucket is None or row["secretary_id"] not in bucket["secretary_counts"]:
            continue
        counts = bucket["secretary_counts"][row["secretary_id"]]
        counts[ACTIVITY_PREFIX + row["teamactivity__kind"]] += row["n"]
        counts["people_reached"] += row["reached"] or 0
    for (secretary_id, month, key), n in member_counts.items():
        bucket = result.get(month)
        if bucket is None or secretary_id not in bucket["secretary_counts"]:
            continue
        bucket["secretary_counts"][secretary_id][key] += n
        bucket["team_counts"][bucket["team_of"][secretary_id]][key] += n

    ordered_rules = sorted(rules.values(), key=lambda r: (r.sort_order, r.key))
    scores = {}
    for month, bucket in result.items():
        team_rows = [
            _row(team.pk, team.name, "", bucket["team_counts"].get(team.pk, {}), ordered_rules) for team in teams
        ]
        secretary_rows = [
            _row(pk, bucket["names"][pk], team_by_pk[bucket["team_of"][pk]].name, counts, ordered_rules)
            for pk, counts in bucket["secretary_counts"].items()
        ]
        scores[month] = {"teams": _ranked(team_rows), "secretaries": _ranked(secretary_rows)}
    return scores


def _member_source_counts(district_id, start, end, today):
    """{(secretary_id, month, rule key): count} for the members' own items."""
    counts = defaultdict(int)
    demands = (
        DemandItem.objects.filter(
            assignee_secretary__village__township__district_id=district_id,
            status__in=DONE,
            resolved_at__gte=_aware(start),
            resolved_at__lt=_aware(end),
        )
        .annotate(m=TruncMonth("resolved_at"))
        .values("assignee_secretary_id", "m")
        .annotate(n=Count("pk"))
    )
    for row in demands:
        counts[(row["assignee_secretary_id"], _month_key(row["m"]), "demand_resolved")] += row["n"]
    shifts = (
        DutyShift.objects.filter(
            secretary__village__township__district_id=district_id,
            date__gte=start,
            date__lt=end,
            status__in=[DutyShift.Status.DONE, DutyShift.Status.ABSENT],
        )
        .annotate(m=TruncMonth("date"))
        .values("secretary_id", "m", "status")
        .annotate(n=Count("pk"))
    )
    for row in shifts:
        key = "shift_done" if row["status"] == DutyShift.Status.DONE else "shift_absent"
        counts[(row["secretary_id"], _month_key(row["m"]), key)] += row["n"]
    submissions = (
        Submission.objects.filter(
            village__township__district_id=district_id,
            submitted_at__gte=_aware(start),
            submitted_at__lt=_aware(end),
        )
        .annotate(m=TruncMonth("submitted_at"))
        .values("village_id", "m")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_at__date__lte=F("round__deadline"))),
            late=Count("pk", filter=Q(submitted_at__date__gt=F("round__deadline"))),
        )
    )
    submissions = list(submissions)
    # Rounds whose deadline day is over, within the period: the lists never sent are deducted.
    rounds = list(
        CollectionRound.objects.filter(district_id=district_id, deadline__gte=start, deadline__lt=min(end, today))
        .exclude(status=CollectionRound.Status.DRAFT)
        .values_list("pk", "deadline")
    )
    if submissions or rounds:
        # A village's list counts for the secretary on post there now (README: known limit).
        secretary_of = dict(
            Secretary.objects.on_post()
            .filter(village__township__district_id=district_id)
            .values_list("village_id", "pk")
        )
        for row in submissions:
            secretary_id = secretary_of.get(row["village_id"])
            if secretary_id is None:
                continue
            month = _month_key(row["m"])
            counts[(secretary_id, month, "list_on_time")] += row["on_time"]
            counts[(secretary_id, month, "list_late")] += row["late"]
    if rounds:
        sent = set(
            Submission.objects.filter(round_id__in=[pk for pk, _ in rounds], submitted_at__isnull=False).values_list(
                "round_id", "village_id"
            )
        )
        for round_id, deadline in rounds:
            for village_id, secretary_id in secretary_of.items():
                if (round_id, village_id) not in sent:
                    counts[(secretary_id, month_start(deadline), "list_missing")] += 1
    return counts


def _aware(day):
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time.min))


def _row(pk, name, team_name, counts, rules):
    lines = [_line(rule, counts[rule.key]) for rule in rules if counts.get(rule.key)]
    total = sum((line.subtotal for line in lines), ZERO)
    return {"id": pk, "name": name, "team": team_name, "total": total, "lines": lines}


def _ranked(rows):
    """Sorted by total (highest first, then name); equal totals share a rank (1, 2, 2, 4)."""
    rows.sort(key=lambda r: (-r["total"], r["name"], r["id"]))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row["total"] != previous:
            rank, previous = position, row["total"]
        row["rank"] = rank
    return rows


# --- snapshots ---------------------------------------------------------------------------------


def _to_json(month_scores):
    def rows(items):
        return [
            {**row, "total": str(row["total"]), "lines": [line.as_dict() for line in row["lines"]]} for row in items
        ]

    return {"teams": rows(month_scores["teams"]), "secretaries": rows(month_scores["secretaries"])}


def _from_json(data):
    def rows(items):
        return [
            {
                **row,
                "total": Decimal(row["total"]),
                "lines": [
                    Line(
                        line["label"],
                        line["quantity"],
                        Decimal(line["points"]),
                        Decimal(line["subtotal"]),
                        line["note"],
                    )
                    for line in row["lines"]
                ],
            }
            for row in items
        ]

    return {"teams": rows(data["teams"]), "secretaries": rows(data["secretaries"])}


def rankings(district_id, months):
    """{month: {"teams", "secretaries", "frozen_at"}}: a frozen month shows its snapshot, the
    others are computed live (in one batch)."""
    snapshots = {s.month: s for s in RankingSnapshot.objects.filter(district_id=district_id, month__in=months)}
    live = compute_months(district_id, [m for m in months if m not in snapshots])
    result = {}
    for month in months:
        snapshot = snapshots.get(month)
        if snapshot is not None:
            result[month] = {**_from_json(snapshot.data), "frozen_at": snapshot.frozen_at}
        else:
            result[month] = {**live[month], "frozen_at": None}
    return result


def freeze_month(district_id, month, *, today=None):
    """Freeze `month`'s ranking. Only a finished month can be frozen. Idempotent: returns
    (snapshot, created); the unique (district, month) constraint decides, not a prior check."""
    month = month_start(month)
    today = today or timezone.localdate()
    if next_month(month) > today:
        raise ValidationError(f"{month:%Y年%m月}尚未结束，不能冻结排名。")
    existing = RankingSnapshot.objects.filter(district_id=district_id, month=month).first()
    if existing is not None:
        return existing, False
    data = _to_json(compute_months(district_id, [month], today=today)[month])
    try:
        with transaction.atomic():
            return RankingSnapshot.objects.create(district_id=district_id, month=month, data=data), True
    except IntegrityError:
        return RankingSnapshot.objects.get(district_id=district_id, month=month), False


def freeze_last_month(today=None):
    """The beat job of the 1st: freeze last month for every district with teams."""
    today = today or timezone.localdate()
    last_month = month_start(month_start(today) - timedelta(days=1))
    district_ids = PioneerTeam.objects.values_list("district_id", flat=True).distinct()
    return [freeze_month(district_id, last_month, today=today) for district_id in district_ids]


# --- the year ----------------------------------------------------------------------------------


def evaluation(district_id, months):
    """Sum of the monthly scores over `months` (frozen months from their snapshots), per team and
    per secretary, with lines added up by label and the score of each month."""
    per_month = rankings(district_id, months)

    def add_up(kind):
        totals = {}
        for index, month in enumerate(months):
            for row in per_month[month][kind]:
                entry = totals.setdefault(
                    row["id"],
                    {
                        "id": row["id"],
                        "name": row["name"],
                        "team": row["team"],
                        "total": ZERO,
                        "monthly": [ZERO] * len(months),
                        "lines": {},
                    },
                )
                entry["team"] = row["team"] or entry["team"]
                entry["total"] += row["total"]
                entry["monthly"][index] = row["total"]
                for line in row["lines"]:
                    summed = entry["lines"].setdefault(line.label, Line(line.label, 0, line.points, ZERO))
                    summed.quantity += line.quantity
                    summed.subtotal += line.subtotal
        rows = list(totals.values())
        for row in rows:
            row["lines"] = list(row["lines"].values())
        return _ranked(rows)

    frozen = sum(1 for m in months if per_month[m]["frozen_at"] is not None)
    return {"teams": add_up("teams"), "secretaries": add_up("secretaries"), "frozen_months": frozen}
