import io

from secretaries import demo as secretaries_demo
from stations import demo as stations_demo
from teams import demo
from teams.models import Meeting, PioneerTeam, TeamActivity, TeamMembership
from teams.selectors import activity_totals


def test_demo_teams_add_up_to_the_seeds_figures_and_seeding_twice_changes_nothing(db):
    out = io.StringIO()
    secretaries_demo.seed(out)
    stations_demo.seed(out)
    demo.seed(out)
    counts = (TeamActivity.objects.count(), Meeting.objects.count(), TeamMembership.objects.count())
    demo.seed(out)

    assert (TeamActivity.objects.count(), Meeting.objects.count(), TeamMembership.objects.count()) == counts
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
        assert len(hosts) == 13 and len(set(hosts)) == 13  # rotating: nobody hosts twice in 13 months
    assert TeamActivity.participants.through.objects.count() >= 1016
