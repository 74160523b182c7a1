import io
from datetime import UTC, date, datetime

from django.db.models import Max
from django.utils import timezone

from secretaries import demo as secretaries_demo
from secretaries.models import District
from stations import demo as stations_demo
from teams import demo
from teams.models import GroupKind, Meeting, PioneerTeam, RankingSnapshot, TeamActivity, TeamMembership
from teams.presets import apply_preset
from teams.selectors import activity_totals

DEMO_WRITTEN_ON = date(2026, 11, 24)  # "today" when the demo was written (Asia/Shanghai)


def fingerprint():
    return (
        list(TeamActivity.objects.order_by("pk").values_list("pk", "team_id", "kind", "date", "funds_secured")),
        list(Meeting.objects.order_by("pk").values_list("pk", "team_id", "date", "host_id")),
        list(TeamMembership.objects.order_by("pk").values_list("pk", "team_id", "secretary_id", "role")),
        list(RankingSnapshot.objects.order_by("month").values_list("month", "data")),
        TeamActivity.participants.through.objects.count(),
        Meeting.attendees.through.objects.count(),
    )


def test_demo_teams_add_up_to_the_seeds_figures_and_seeding_again_later_changes_nothing(db, monkeypatch):
    out = io.StringIO()
    secretaries_demo.seed(out)
    stations_demo.seed(out)
    demo.seed(out)
    first = fingerprint()
    # A second run a month and a half later (the demo must not read the clock).
    later = datetime(2027, 1, 10, 4, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    demo.seed(out)

    assert fingerprint() == first
    totals = activity_totals(TeamActivity.objects.all())
    assert totals["activities"] == 1016
    assert totals["funds_secured"] == 13_050_000
    assert totals["projects_built"] == 92
    assert totals["produce_kg"] == 84_200
    teams = PioneerTeam.objects.all()
    assert sorted(t.name for t in teams) == sorted(["红色先锋", "致富先锋", "文明先锋", "为民先锋", "维稳先锋"])
    for team in teams:
        size = TeamMembership.objects.current().filter(team=team).count()
        assert 20 <= size <= 40 and team.captain_id is not None
        hosts = list(Meeting.objects.filter(team=team, kind="联席会议").values_list("host_id", flat=True))
        assert len(hosts) == 12 and len(set(hosts)) == 12  # rotating: nobody hosts twice in the year
    assert TeamActivity.participants.through.objects.count() >= 1016
    # Frozen: the eleven months finished before the window's end, not the current one.
    assert list(RankingSnapshot.objects.order_by("month").values_list("month", flat=True)) == demo.MONTHS[:-1]


def test_nothing_in_the_demo_is_dated_after_today(db):
    out = io.StringIO()
    secretaries_demo.seed(out)
    demo.seed(out)

    last_activity = TeamActivity.objects.aggregate(last=Max("date"))["last"]
    last_meeting = Meeting.objects.aggregate(last=Max("date"))["last"]
    assert last_activity <= demo.WINDOW_END < DEMO_WRITTEN_ON <= timezone.localdate()
    assert last_meeting <= demo.WINDOW_END
    assert last_activity.month == 11 and last_activity.year == 2026  # the year runs up to last week
    assert not TeamMembership.objects.filter(joined__gt=demo.WINDOW_END).exists()
    assert not Meeting.objects.filter(date__lte=demo.WINDOW_END, minutes="").filter(team__isnull=False).exists()


def test_fangshans_demo_applies_its_preset_and_applying_it_again_adds_nothing(db):
    out = io.StringIO()
    secretaries_demo.seed(out)
    demo.seed(out)
    district = District.objects.get(name="房山区")

    assert set(GroupKind.objects.filter(district=district).values_list("code", flat=True)) == {"pioneer", "joint_org"}
    assert set(PioneerTeam.objects.filter(district=district).values_list("kind__code", flat=True)) == {"pioneer"}
    again = apply_preset(district, "fangshan")
    assert (again.kinds, again.groups, again.rules) == ([], [], 0)
