"""Joint party organisations (issue 16 point 4): a 联合党组织 linking villages with each other or
with a company or a university is an assignee of the closed loop like a team; its page lists its
villages, member organisations, members, the demands it resolved, its meetings and joint activities."""

from datetime import date

import pytest
from django.urls import reverse

from demands.models import DemandItem
from demands.services import loop
from demands.services.matching import candidates_for
from teams import services
from teams.models import GroupKind, GroupPartner, PioneerTeam
from teams.presets import apply_preset
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory
from tests.factories import DistrictFactory
from tests.teams.factories import ActivityFactory, MeetingFactory


@pytest.fixture
def joint(district, township_a, village_a, village_a2, secretary):
    """村村联建 around 六渡村 with 西庄村; the first secretary of 六渡村 is its 书记; a university joins."""
    apply_preset(district, "fangshan")
    kind = GroupKind.objects.get(district=district, code="joint_org")
    group = PioneerTeam.objects.create(
        district=district, kind=kind, name="六渡村村村联建党委", township=township_a, subkind="villages", min_size=1
    )
    group.linked_villages.add(village_a, village_a2)
    GroupPartner.objects.create(team=group, name="北京农学院", kind="university")
    services.membership_add(group, secretary, role="captain", on=date(2025, 1, 1))
    services.person_add(group, name="刘指导员", title="党建工作指导员", role="instructor", on=date(2025, 1, 1))
    return group


@pytest.fixture
def item(village_a2):
    return DemandItemFactory(village=village_a2, category=DemandCategoryFactory(name="人居环境"), title="垃圾清运")


def test_the_loop_offers_a_joint_organisation_linking_the_item_s_village(joint, item, org_user):
    loop.accept(item, org_user)

    offered = {c.name: c for c in candidates_for(item, limit=50)}

    assert "六渡村村村联建党委" in offered
    assert "联合党组织联建本村" in offered["六渡村村村联建党委"].reasons
    assert offered["六渡村村村联建党委"].kind == DemandItem.AssigneeKind.TEAM


def test_a_joint_organisation_takes_a_dispatch_resolves_it_and_shows_it_on_its_page(
    client_for, joint, item, org_user, secretary_user, secretary_b_user
):
    loop.accept(item, org_user)
    loop.dispatch(item, org_user, kind=DemandItem.AssigneeKind.TEAM, assignee_id=joint.pk)
    loop.resolve(item, secretary_user, resolution="联建村共同清运")  # its 书记 works the item
    MeetingFactory(team=joint, title="联建议事会", host=None)
    ActivityFactory(team=joint, kind="联建共建", title="两村联合清洁日")

    item.refresh_from_db()
    assert item.assignee_team == joint and item.status == DemandItem.Status.RESOLVED
    page = client_for(org_user).get(reverse("teams:team_detail", args=[joint.pk])).content.decode()
    assert "办结的派单需求" in page and "共 1 件" in page and "垃圾清运" in page
    assert "村村联建" in page and "北京农学院（高校）" in page and "西庄村" in page
    assert "刘指导员" in page and "党建工作指导员" in page and "书记：王建国" in page
    assert "联建议事会" in page and "两村联合清洁日" in page
    # Another township's secretary reads the group but not the demands outside their scope.
    other = client_for(secretary_b_user).get(reverse("teams:team_detail", args=[joint.pk])).content.decode()
    assert "六渡村村村联建党委" in other and "垃圾清运" not in other


def test_a_kind_that_takes_no_dispatches_is_neither_offered_nor_accepted(district, joint, item, org_user):
    joint.kind.dispatchable = False
    joint.kind.save()
    loop.accept(item, org_user)

    assert "六渡村村村联建党委" not in {c.name for c in candidates_for(item, limit=50)}
    with pytest.raises(loop.TransitionError):
        loop.dispatch(item, org_user, kind=DemandItem.AssigneeKind.TEAM, assignee_id=joint.pk)


def test_another_district_s_joint_organisation_is_not_a_target(joint, item, org_user):
    elsewhere = PioneerTeam.objects.create(district=DistrictFactory(name="门头沟区"), name="外区联合党委")
    loop.accept(item, org_user)

    with pytest.raises(loop.TransitionError):
        loop.dispatch(item, org_user, kind=DemandItem.AssigneeKind.TEAM, assignee_id=elsewhere.pk)
