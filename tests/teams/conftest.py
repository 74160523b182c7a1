import pytest

from teams.models import TeamMembership
from tests.teams.factories import MembershipFactory, TeamFactory


@pytest.fixture
def team(district, secretary):
    """A team with the standard secretary as a plain member."""
    team = TeamFactory(district=district, name="红色先锋", min_size=1, max_size=40)
    MembershipFactory(team=team, secretary=secretary)
    return team


@pytest.fixture
def other_team(district, secretary_b):
    team = TeamFactory(district=district, name="致富先锋", min_size=1, max_size=40)
    MembershipFactory(team=team, secretary=secretary_b, role=TeamMembership.Role.CAPTAIN)
    team.captain = secretary_b
    team.save()
    return team


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
