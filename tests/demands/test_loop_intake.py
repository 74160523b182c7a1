"""An item raised outside the village's list enters the loop through demands.services.loop.demand_create,
with its submit event, like the items of a submitted list."""

from demands.models import DemandEvent, DemandItem
from demands.services import loop
from teams.models import MeetingDecision
from teams.services import decision_to_demand
from tests.demands.factories import DemandCategoryFactory
from tests.teams.factories import MeetingFactory, TeamFactory


def test_a_demand_made_from_a_meeting_decision_has_its_submit_event(district, secretary, village_a, secretary_user):
    meeting = MeetingFactory(team=TeamFactory(district=district, name="致富先锋"), host=secretary)
    decision = MeetingDecision.objects.create(meeting=meeting, text="硬化村道")
    category = DemandCategoryFactory(name="基础设施建设")

    demand = decision_to_demand(decision, village=village_a, category=category, user=secretary_user)

    demand.refresh_from_db()
    assert (demand.status, demand.channel, demand.created_by) == (
        DemandItem.Status.SUBMITTED,
        DemandItem.Channel.OTHER,
        secretary_user,
    )
    event = DemandEvent.objects.get(item=demand)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "submit",
        secretary_user,
        DemandItem.Status.DRAFT,
        DemandItem.Status.SUBMITTED,
    )
    assert event.note == f"来源：{meeting}议定事项"
    decision.refresh_from_db()
    assert decision.demand == demand


def test_an_item_made_by_demand_create_goes_round_the_loop(village_a, org_user):
    item = loop.demand_create(
        village=village_a, category=DemandCategoryFactory(), title="村口路灯", detail="夜间无照明", user=org_user
    )
    loop.accept(item, org_user)
    actions = list(DemandEvent.objects.filter(item=item).order_by("pk").values_list("action", flat=True))
    assert actions == ["submit", "accept"]
