"""Demo pioneer teams shaped like Fangshan in the seeds: five teams of 20-40 secretaries formed by
the balanced split, a year of volunteer activities (2025-12-01 to 2026-11-23) adding up exactly to
the reported figures, and monthly joint meetings with a rotating host.

Deterministic (random.Random(6)) and idempotent: each part is skipped when already there. Nothing
reads the clock: the year is a fixed window ending on WINDOW_END, so nothing is dated in the future
(the demo was written on 2026-11-24) and a run on a later day makes exactly the same rows."""

import random
from datetime import date
from decimal import Decimal

from django.db.models import Count

from secretaries.models import District, Secretary
from teams import scoring, services
from teams.models import Meeting, PioneerTeam, TeamActivity, TeamMembership
from teams.presets import FANGSHAN_TEAMS as TEAMS
from teams.presets import apply_preset

FORMED_ON = date(2025, 11, 20)
WINDOW_END = date(2026, 11, 23)  # the last day with demo activities; nothing is dated later
MONTHS = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
# The seeds: 1016 activities, 1300余万元 of support funds, 92 industry projects, 8.4万余公斤 sold.
ACTIVITY_COUNT = 1016
FUNDS_YUAN = 13_050_000
PROJECTS = 92
PRODUCE_KG = 84_200
FUNDED_KINDS = {"农产品促销", "文旅推介", "政策宣讲", "技能培训", "红色党课"}
PLACES = ["村委会", "党群服务中心", "文化广场", "田间地头", "村民活动室", "农产品展销点"]


def seed(stdout):
    district = District.objects.filter(name="房山区").first()
    if district is None:
        stdout.write("先锋队：未找到房山区，跳过。")
        return
    rng = random.Random(6)
    teams = _teams(district)
    _members(district, teams)
    members = _current_members(teams)
    _activities(rng, teams, members)
    _meetings(rng, district, teams, members)
    _freeze_finished_months(district)
    totals = TeamActivity.objects.filter(team__in=teams).values("team").annotate(n=Count("pk"))
    stdout.write(
        f"先锋队：{len(teams)}支，队员{TeamMembership.objects.current().filter(team__in=teams).count()}名，"
        f"活动{sum(row['n'] for row in totals)}场。"
    )


def _teams(district):
    """Fangshan's preset (一五八: the 先锋队 kind and its five teams, the 联合党组织 kind); applying it
    again finds what is there, so an existing demo keeps its teams as they are."""
    apply_preset(district, "fangshan")
    return [PioneerTeam.objects.get(district=district, name=name) for name, _focus, _description, _kinds in TEAMS]


def _members(district, teams):
    if TeamMembership.objects.filter(team__in=teams).exists():
        return
    people = (
        Secretary.objects.on_post()
        .filter(village__township__district=district)
        .select_related("dispatch_unit")
        .prefetch_related("expertise")
    )
    groups = services.team_split_propose(people, len(teams), today=FORMED_ON)
    services.team_split_adopt(teams, groups, on=FORMED_ON)
    for team, group in zip(teams, groups, strict=True):
        # The captain: the most versatile of the senior half; the vice captain: the same among the younger.
        ranked = sorted(group, key=lambda s: (-len(s.expertise.all()), s.birth_date, s.pk))
        captain = next(s for s in ranked if s.birth_date <= sorted(p.birth_date for p in group)[len(group) // 2])
        vice = next(s for s in ranked if s.pk != captain.pk and s.birth_date > captain.birth_date)
        services.captain_set(team, captain)
        TeamMembership.objects.current().filter(team=team, secretary=vice).update(role=TeamMembership.Role.VICE_CAPTAIN)


def _current_members(teams):
    members = {team.pk: [] for team in teams}
    rows = (
        TeamMembership.objects.current()
        .filter(team__in=teams)
        .select_related("secretary")
        .order_by("joined", "secretary_id")
    )
    for membership in rows:
        members[membership.team_id].append(membership.secretary)
    return members


def _split(rng, total, parts, unit=1):
    """`total` split into `parts` positive random amounts (multiples of `unit`) adding up exactly."""
    units = total // unit
    weights = [rng.uniform(0.3, 3.0) for _ in range(parts)]
    scale = units / sum(weights)
    amounts = [max(1, int(w * scale)) for w in weights]
    amounts[amounts.index(max(amounts))] += units - sum(amounts)
    return [a * unit for a in amounts]


def _activities(rng, teams, members):
    if TeamActivity.objects.filter(team__in=teams).exists():
        return
    kinds_of = {name: kinds for name, _f, _d, kinds in TEAMS}
    team_weights = [len(members[t.pk]) for t in teams]
    season = [0.7, 0.6, 0.7, 0.9, 1.1, 1.2, 1.1, 1.0, 1.0, 1.2, 1.3, 1.0]  # Dec..Nov
    slots = [(t, m) for t in teams for m in MONTHS]
    weights = [team_weights[teams.index(t)] * season[MONTHS.index(m)] for t, m in slots]
    chosen = rng.choices(slots, weights=weights, k=ACTIVITY_COUNT)
    activities, chosen_people = [], []
    for team, month in sorted(chosen, key=lambda slot: (slot[1], slot[0].pk)):
        kinds = kinds_of[team.name]
        kind = rng.choices([*kinds, "其他"], weights=[5, 3, 2, 1])[0]
        people = rng.sample(members[team.pk], k=min(len(members[team.pk]), rng.choice([1, 2, 2, 3, 4])))
        lead = people[0]
        activities.append(
            TeamActivity(
                team=team,
                kind=kind,
                title=f"{lead.village.name}{kind}",
                date=month.replace(day=rng.randint(1, _last_day(month))),
                village=lead.village,
                place=rng.choice(PLACES),
                people_reached=rng.randint(15, 220),
                description=f"{team.name}组织{len(people)}名第一书记在{lead.village.name}开展{kind}。",
                created_by_id=lead.user_id,
            )
        )
        chosen_people.append(people)
    _outcomes(rng, activities)
    TeamActivity.objects.bulk_create(activities)
    Through = TeamActivity.participants.through
    Through.objects.bulk_create(
        [
            Through(teamactivity_id=activity.pk, secretary_id=person.pk)
            for activity, people in zip(activities, chosen_people, strict=True)
            for person in people
        ]
    )


def _outcomes(rng, activities):
    funded = [a for a in activities if a.kind in FUNDED_KINDS and rng.random() < 0.45]
    for activity, amount in zip(funded, _split(rng, FUNDS_YUAN, len(funded), unit=1000), strict=True):
        activity.funds_secured = Decimal(amount)
    candidates = [a for a in activities if a.funds_secured > 0]
    with_projects = rng.sample(candidates, k=80)
    for activity, count in zip(with_projects, _split(rng, PROJECTS, len(with_projects)), strict=True):
        activity.projects_built = count
    sales = [a for a in activities if a.kind in ("农产品促销", "文旅推介")]
    for activity, kg in zip(sales, _split(rng, PRODUCE_KG, len(sales), unit=10), strict=True):
        activity.produce_kg = Decimal(kg)
        activity.produce_yuan = Decimal(kg * rng.randint(8, 30))


def _meetings(rng, district, teams, members):
    if Meeting.objects.filter(team__in=teams, kind=services.JOINT_MEETING).exists():
        return
    meetings, attendees = [], []
    for team in teams:
        ids = [s.pk for s in members[team.pk]]
        by_id = {s.pk: s for s in members[team.pk]}
        counts, last = {}, {}
        for month in MONTHS:
            host_id = services.choose_host(ids, counts, last, set())
            day = month.replace(day=services.JOINT_MEETING_DAY)
            counts[host_id] = counts.get(host_id, 0) + 1
            last[host_id] = day
            host = by_id[host_id]
            done = day <= WINDOW_END
            meetings.append(
                Meeting(
                    district=district,
                    team=team,
                    kind=services.JOINT_MEETING,
                    title=f"{team.name}{month.month}月联席会议",
                    date=day,
                    month=month,
                    place=f"{host.village.name}村委会" if done else "",
                    host_id=host_id,
                    minutes=f"在{host.village.name}现场观摩，交流本月活动开展情况，研判问题、明确下月重点。"
                    if done
                    else "",
                )
            )
            attendees.append(rng.sample(ids, k=int(len(ids) * 0.7)) if done else [])
    for quarter in (date(2026, 3, 10), date(2026, 6, 10), date(2026, 9, 10)):
        meetings.append(
            Meeting(
                district=district,
                kind="会商研讨",
                title=f"{quarter.year}年第{quarter.month // 3}季度先锋队会商研讨会",
                date=quarter,
                place="区委组织部第一会议室",
                minutes="区委组织部、各乡镇（街道）和各先锋队队长交流工作进展与志愿服务活动开展情况。",
            )
        )
        attendees.append([t.captain_id for t in teams if t.captain_id])
    Meeting.objects.bulk_create(meetings)
    Through = Meeting.attendees.through
    Through.objects.bulk_create(
        [
            Through(meeting_id=meeting.pk, secretary_id=pk)
            for meeting, people in zip(meetings, attendees, strict=True)
            for pk in people
        ]
    )


def _last_day(month):
    """Activities fall on days 1-28 of a month, and not after WINDOW_END in its month."""
    return min(28, WINDOW_END.day) if month == services.month_start(WINDOW_END) else 28


def _freeze_finished_months(district):
    """The months finished by WINDOW_END (not by today: a later run must freeze the same months)."""
    for month in MONTHS:
        if services.next_month(month) <= WINDOW_END:
            scoring.freeze_month(district.pk, month, today=WINDOW_END)
