"""Issue 14 point 12: a meeting's decision becomes a demand (or project) only of the meeting's
villages (where its host, attendees and team members serve), unless the org department converts
it; an activity's figures have sane bounds."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demands.models import DemandCategory, DemandEvent, DemandItem, ProjectItem
from teams import services
from teams.models import MeetingDecision, TeamActivity
from tests.teams.factories import MeetingFactory
from tests.teams.test_activities import form_data

REFUSED = "议定事项只能转办到本次会议参会人员和本队成员所在的村"


@pytest.fixture
def category():
    return DemandCategory.objects.create(name="基础设施建设")


@pytest.fixture
def decision(team, secretary):
    """The host's (secretary of village_a, a member of 红色先锋) meeting; secretary_b serves in
    village_b and is in another team."""
    return MeetingDecision.objects.create(meeting=MeetingFactory(team=team, host=secretary), text="硬化村道")


def convert(client, decision, village, category):
    return client.post(
        reverse("teams:decision_convert", args=[decision.pk]),
        {"target": "demand", "village": village.pk, "category": category.pk},
    )


def test_the_host_sees_only_the_meetings_villages(client_for, secretary_user, decision, village_a, village_b):
    page = client_for(secretary_user).get(reverse("teams:decision_convert", args=[decision.pk]))
    choices = list(page.context["form"].fields["village"].queryset)
    assert choices == [village_a]


def test_the_host_cannot_raise_a_demand_in_another_village(
    client_for, secretary_user, decision, village_b, category, secretary_b
):
    response = convert(client_for(secretary_user), decision, village_b, category)

    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not DemandItem.objects.exists()
    decision.refresh_from_db()
    assert decision.demand_id is None


def test_an_attendees_village_is_one_of_the_meetings(
    client_for, secretary_user, decision, village_b, category, secretary_b
):
    decision.meeting.attendees.add(secretary_b)

    response = convert(client_for(secretary_user), decision, village_b, category)

    assert response.status_code == 302
    demand = DemandItem.objects.get()
    assert demand.village == village_b and demand.status == DemandItem.Status.SUBMITTED
    assert DemandEvent.objects.filter(item=demand, to_status=DemandItem.Status.SUBMITTED).count() == 1


def test_the_org_department_converts_to_any_village_of_the_district(
    client_for, org_user, decision, village_b, category
):
    assert convert(client_for(org_user), decision, village_b, category).status_code == 302
    assert DemandItem.objects.get().village == village_b


def test_the_service_refuses_a_village_outside_the_meeting_with_a_chinese_message(
    secretary_user, decision, village_b, category
):
    with pytest.raises(ValidationError, match=REFUSED):
        services.decision_to_demand(decision, village=village_b, category=category, user=secretary_user)
    with pytest.raises(ValidationError, match=REFUSED):
        services.decision_to_project(decision, village=village_b, user=secretary_user)
    assert not DemandItem.objects.exists() and not ProjectItem.objects.exists()


@pytest.mark.parametrize(
    ("field", "too_much", "at_limit", "message"),
    [
        ("funds_secured", "100000000.01", "100000000", "争取帮扶资金不能超过 100,000,000 元"),
        ("produce_yuan", "9999999999.99", "100000000", "农产品销售额不能超过 100,000,000 元"),
        ("people_reached", "2000000000", "1000000", "服务群众不能超过 1,000,000 人次"),
        ("produce_kg", "100000000.1", "100000000", "销售农产品不能超过 100,000,000 公斤"),
        ("projects_built", "1001", "1000", "建成产业项目不能超过 1,000 个"),
    ],
)
def test_activity_figures_have_sane_bounds(client_for, secretary_user, team, field, too_much, at_limit, message):
    client = client_for(secretary_user)

    refused = client.post(reverse("teams:activity_create"), form_data(team, **{field: too_much}))
    assert refused.status_code == 200 and message in refused.content.decode()
    assert not TeamActivity.objects.exists()

    accepted = client.post(reverse("teams:activity_create"), form_data(team, **{field: at_limit}))
    assert accepted.status_code == 302 and TeamActivity.objects.count() == 1


def test_the_model_refuses_the_figures_too(team):
    activity = TeamActivity(team=team, kind="义诊服务", title="义诊", date="2026-03-10", people_reached=2_000_000)
    with pytest.raises(ValidationError) as refused:
        activity.full_clean()
    assert "服务群众不能超过 1,000,000 人次" in str(refused.value.message_dict["people_reached"])
