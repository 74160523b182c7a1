"""考评: the points scheme applied to a month, the monthly ranking, its freezing, the year.

Rules are data (ScoringRule). Each key counts one thing, computed from the models' own fields:

    activity:<kind>   per team activity of that kind (a team once per activity; a secretary per
                      activity taken part in)
    people_reached    per person reached by those activities
    people_helped     per person helped with an application or errand (帮办代办) by those activities
    demand_resolved   per DemandItem resolved or rated with the secretary as assignee (month of resolved_at)
    shift_done        per station DutyShift done
    list_on_time      per village list Submission submitted on or before the round's deadline
    shift_absent      per DutyShift absent (a negative points value deducts)
    list_late         per Submission submitted after the deadline (in the month it was sent)
    list_missing      per round whose deadline passed in the month with the village's list not sent
                      at all (counted in the deadline's month; it turns into list_late when the list
                      comes in, unless the month was frozen meanwhile: then both stand)

Every kind of group (GroupKind with `scored`) is ranked on its own: a kind with rules of its own
(ScoringRule.group_kind) uses them, any other its district's general rules (ScoringRule.district). A group's score is its
activities plus its secretaries' own items (demands, shifts, lists) while they were in the group;
members who are not secretaries (villagers of a work team) score through the activities they took
part in. Groups placed in villages or townships also rank their villages and townships, by the
mean score of their groups (a township with more villages is not ahead for that alone). `cap` limits what one team or secretary can gain (or lose) from a rule in a month.
A rule whose key is not known here is shown on the rules page as not wired in: the hook for new
sources of points is `MEMBER_SOURCES` below.

Every figure comes from a fixed number of aggregate queries, whatever the number of months."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
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
from teams.models import Award, GroupKind, PioneerTeam, RankingSnapshot, ScoringRule, TeamActivity, TeamMembership
from teams.services import month_start, next_month

ACTIVITY_PREFIX = "activity:"
MEMBER_SOURCES = ["demand_resolved", "shift_done", "list_on_time", "shift_absent", "list_late", "list_missing"]
KNOWN_KEYS = {"people_reached", "people_helped", *MEMBER_SOURCES}
ZERO = Decimal("0")
# The lists of a month's ranking: groups, their secretaries, their other members, and the places.
ROW_KINDS = ("teams", "secretaries", "people", "villages", "townships")
EMPTY = {"teams": [], "secretaries": [], "people": [], "villages": [], "townships": []}


def kind_for(district_id, kind=None):
    """The kind to rank: the one given, else the district's default (its 先锋队 when there is one)."""
    return kind if kind is not None else GroupKind.objects.ranking_default(district_id)


def rules_for(kind):
    """A kind's own active rules when it has any rule of its own, else its district's general ones
    (another district's never count here): one query."""
    rules = list(
        ScoringRule.objects.filter(Q(group_kind=kind) | Q(district_id=kind.district_id, group_kind__isnull=True))
    )
    own = [rule for rule in rules if rule.group_kind_id is not None]
    return [rule for rule in (own or rules) if rule.active]


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


def compute_months(district_id, months, *, today=None, kind=None):
    """Live scores: {month: {"teams", "secretaries", "people", "villages", "townships": [row...]}}
    for the given months and one kind of group (default: kind_for). `today` (default: today in
    TIME_ZONE) decides which list deadlines have passed."""
    if not months:
        return {}
    kind = kind_for(district_id, kind)
    if kind is None:
        return {month: {key: [] for key in ROW_KINDS} for month in months}
    today = today or timezone.localdate()
    months = sorted(set(months))
    start, end = months[0], next_month(months[-1])
    rules = {r.key: r for r in rules_for(kind)}
    teams = list(
        PioneerTeam.objects.filter(district_id=district_id, kind=kind)
        .select_related("village", "township")
        .order_by("pk")
    )
    memberships = list(
        TeamMembership.objects.filter(team__district_id=district_id, team__kind=kind, joined__lt=end)
        .filter(Q(left__isnull=True) | Q(left__gte=start))
        .select_related("secretary", "person")
        .order_by("joined", "pk")
    )
    in_period = {"team__district_id": district_id, "team__kind": kind, "date__gte": start, "date__lt": end}
    activity_rows = (
        TeamActivity.objects.filter(**in_period)
        .annotate(m=TruncMonth("date"))
        .values("team_id", "m", "kind")
        .annotate(n=Count("pk"), reached=Sum("people_reached"), helped=Sum("people_helped"))
    )
    participation = {f"teamactivity__{key}": value for key, value in in_period.items()}
    secretary_rows = _participation(TeamActivity.participants.through, "secretary_id", participation)
    has_people = any(m.person_id is not None for m in memberships)
    person_rows = _participation(TeamActivity.people.through, "groupmember_id", participation) if has_people else []
    member_counts = _member_source_counts(district_id, start, end, today)

    team_by_pk = {t.pk: t for t in teams}
    result = {}
    for month in months:
        month_end = next_month(month)
        # Who was in which group that month (the latest membership wins when someone moved).
        team_of, person_team, names = {}, {}, {}
        for m in memberships:
            if m.joined < month_end and (m.left is None or m.left >= month):
                if m.secretary_id is not None:
                    team_of[m.secretary_id] = m.team_id
                    names[("s", m.secretary_id)] = m.secretary.name
                else:
                    person_team[m.person_id] = m.team_id
                    names[("p", m.person_id)] = m.person.name
        result[month] = {
            "team_counts": defaultdict(lambda: defaultdict(int)),
            "secretary_counts": {pk: defaultdict(int) for pk in team_of},
            "person_counts": {pk: defaultdict(int) for pk in person_team},
            "team_of": team_of,
            "person_team": person_team,
            "names": names,
        }
    for row in activity_rows:
        bucket = result.get(_month_key(row["m"]))
        if bucket is None:
            continue
        counts = bucket["team_counts"][row["team_id"]]
        counts[ACTIVITY_PREFIX + row["kind"]] += row["n"]
        counts["people_reached"] += row["reached"] or 0
        counts["people_helped"] += row["helped"] or 0
    for rows, who in ((secretary_rows, "secretary_counts"), (person_rows, "person_counts")):
        for member_id, month, activity_kind, n, reached, helped in rows:
            bucket = result.get(month)
            if bucket is None or member_id not in bucket[who]:
                continue
            counts = bucket[who][member_id]
            counts[ACTIVITY_PREFIX + activity_kind] += n
            counts["people_reached"] += reached
            counts["people_helped"] += helped
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
            _row(team.pk, team.name, "", bucket["team_counts"].get(team.pk, {}), ordered_rules) | _place(team)
            for team in teams
        ]
        secretary_rows_ = [
            _row(pk, bucket["names"][("s", pk)], team_by_pk[bucket["team_of"][pk]].name, counts, ordered_rules)
            for pk, counts in bucket["secretary_counts"].items()
        ]
        people_rows = [
            _row(pk, bucket["names"][("p", pk)], team_by_pk[bucket["person_team"][pk]].name, counts, ordered_rules)
            for pk, counts in bucket["person_counts"].items()
        ]
        scores[month] = {
            "teams": _ranked(team_rows),
            "secretaries": _ranked(secretary_rows_),
            "people": _ranked(people_rows),
            "villages": _ranked(_places(team_rows, "village")),
            "townships": _ranked(_places(team_rows, "township")),
        }
    return scores


def _participation(through, member_column, in_period):
    """[(member id, month, activity kind, activities, people reached, people helped)]: one query."""
    rows = (
        through.objects.filter(**in_period)
        .annotate(m=TruncMonth("teamactivity__date"))
        .values(member_column, "m", "teamactivity__kind")
        .annotate(n=Count("pk"), reached=Sum("teamactivity__people_reached"), helped=Sum("teamactivity__people_helped"))
    )
    return [
        (
            row[member_column],
            _month_key(row["m"]),
            row["teamactivity__kind"],
            row["n"],
            row["reached"] or 0,
            row["helped"] or 0,
        )
        for row in rows
    ]


def _place(team):
    village, township = team.village, team.township
    return {
        "village_id": village.pk if village else None,
        "village": village.name if village else "",
        "township_id": township.pk if township else None,
        "township": township.name if township else "",
    }


def _places(team_rows, level):
    """The villages' (or townships') rows: the mean total of their groups, two decimals."""
    grouped = defaultdict(list)
    for row in team_rows:
        if row[f"{level}_id"] is not None:
            grouped[(row[f"{level}_id"], row[level], row["township"] if level == "village" else "")].append(row)
    rows = []
    for (pk, name, township), members in grouped.items():
        total = (sum((r["total"] for r in members), ZERO) / len(members)).quantize(Decimal("0.01"))
        rows.append({"id": pk, "name": name, "team": township, "total": total, "lines": [], "groups": len(members)})
    return rows


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

    return {key: rows(month_scores.get(key, [])) for key in ROW_KINDS}


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

    # Snapshots frozen before groups had kinds hold teams and secretaries only.
    return {key: rows(data.get(key, [])) for key in ROW_KINDS}


def rankings(district_id, months, *, kind=None):
    """{month: {"teams", "secretaries", "people", "villages", "townships", "frozen_at"}} for one
    kind of group (default: kind_for): a frozen month shows its snapshot, the others are computed
    live (in one batch)."""
    kind = kind_for(district_id, kind)
    snapshots = {
        s.month: s for s in RankingSnapshot.objects.filter(district_id=district_id, group_kind=kind, month__in=months)
    }
    live = compute_months(district_id, [m for m in months if m not in snapshots], kind=kind)
    result = {}
    for month in months:
        snapshot = snapshots.get(month)
        if snapshot is not None:
            result[month] = {**_from_json(snapshot.data), "frozen_at": snapshot.frozen_at}
        else:
            result[month] = {**live[month], "frozen_at": None}
    return result


def freeze_month(district_id, month, *, today=None, kind=None):
    """Freeze `month`'s ranking of one kind (default: kind_for). Only a finished month can be
    frozen. Idempotent: returns (snapshot, created); the unique (district, kind, month) constraint
    decides, not a prior check."""
    month = month_start(month)
    today = today or timezone.localdate()
    if next_month(month) > today:
        raise ValidationError(f"{month:%Y年%m月}尚未结束，不能冻结排名。")
    kind = kind_for(district_id, kind)
    if kind is None:
        raise ValidationError("本区还没有参与考评的队伍类型。")
    key = {"district_id": district_id, "group_kind": kind, "month": month}
    existing = RankingSnapshot.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    data = _to_json(compute_months(district_id, [month], today=today, kind=kind)[month])
    try:
        with transaction.atomic():
            return RankingSnapshot.objects.create(data=data, **key), True
    except IntegrityError:
        return RankingSnapshot.objects.get(**key), False


def freeze_last_month(today=None):
    """The beat job of the 1st: freeze last month for every scored kind that has groups."""
    today = today or timezone.localdate()
    last_month = month_start(month_start(today) - timedelta(days=1))
    kinds = GroupKind.objects.filter(scored=True, groups__isnull=False).distinct().order_by("pk")
    return [freeze_month(kind.district_id, last_month, today=today, kind=kind) for kind in kinds]


# --- the year ----------------------------------------------------------------------------------


def evaluation(district_id, months, *, kind=None):
    """Sum of the monthly scores over `months` (frozen months from their snapshots) for one kind of
    group, per group, secretary, other member, village and township, with lines added up by label
    and the score of each month."""
    per_month = rankings(district_id, months, kind=kind)

    def add_up(kind):
        totals = {}
        for index, month in enumerate(months):
            for row in per_month[month].get(kind, []):
                entry = totals.setdefault(
                    row["id"],
                    {
                        "id": row["id"],
                        "name": row["name"],
                        "team": row["team"],
                        "village": row.get("village", ""),
                        "township": row.get("township", ""),
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
    return {key: add_up(key) for key in ROW_KINDS} | {"frozen_months": frozen}


# --- the year's awards -------------------------------------------------------------------------


def _best(rows, n):
    """The first n by rank (equal scores at the cut all named); a score of zero or less names nobody."""
    return [row for row in rows if n and row["rank"] <= n and row["total"] > 0]


@transaction.atomic
def award_the_best(district_id, months, *, kind, townships=2, teams=10, members=10, user=None):
    """Record the year's best of one kind's evaluation over `months` (Gangcha: 2 excellent
    townships, 10 work teams, 10 members): by rank, secretaries and other members ranked together.
    A subject already awarded that year is left as it is. Returns how many awards were recorded."""
    result = evaluation(district_id, months, kind=kind)
    year = months[-1].year
    people = [{**row, "field": "secretary"} for row in result["secretaries"]]
    people += [{**row, "field": "person"} for row in result["people"]]
    subjects = [(Award.Kind.TOWNSHIP, "township_id", row) for row in _best(result["townships"], townships)]
    subjects += [(Award.Kind.TEAM, "team_id", row) for row in _best(result["teams"], teams)]
    subjects += [(Award.Kind.MEMBER, f"{row['field']}_id", row) for row in _best(_ranked(people), members)]
    created = 0
    for award_kind, field, row in subjects:
        lookup = {"year": year, "kind": award_kind, field: row["id"]}
        if award_kind == Award.Kind.TOWNSHIP:
            lookup["group_kind"] = kind
        note = f"{kind.name}年终考评第 {row['rank']} 名（{row['total']} 分）"
        defaults = {"district_id": district_id, "group_kind": kind, "note": note, "awarded_by": user}
        _award, new = Award.objects.get_or_create(**lookup, defaults=defaults)
        created += new
    return created
