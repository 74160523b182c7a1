from datetime import date

from django.urls import reverse

from demands.models import DemandCategory, DemandItem, ProjectItem
from secretaries.models import Secretary
from teams.models import Award, Meeting, MeetingDecision, ScoringRule, TeamMembership
from tests.factories import SecretaryFactory, VillageFactory
from tests.teams.factories import MeetingFactory, TeamFactory


def test_the_org_adopts_a_proposed_split_and_then_edits_by_hand(client_for, org_user, district, township_a, batch):
    for i in range(8):
        SecretaryFactory(
            village=VillageFactory(township=township_a, name=f"分队村{i}"),
            batch=batch,
            birth_date=date(1970 + i * 3, 1, 1),
        )
    first = TeamFactory(district=district, name="一队")
    second = TeamFactory(district=district, name="二队")
    client = client_for(org_user)

    preview = client.get(reverse("teams:team_split"), {"n": 2, "min_size": 3, "max_size": 5})
    assert preview.status_code == 200 and preview.content.decode().count('class="card h-100 proposal"') == 2
    assert not TeamMembership.objects.exists()

    client.post(reverse("teams:team_split"), {"n": 2, "min_size": 3, "max_size": 5})
    assert sorted(TeamMembership.objects.current().values_list("team__name", flat=True)) == ["一队"] * 4 + ["二队"] * 4

    mover = TeamMembership.objects.current().filter(team=first).first()
    client.post(reverse("teams:member_add", args=[second.pk]), {"secretary": mover.secretary_id, "role": "captain"})
    second.refresh_from_db()
    assert second.captain_id == mover.secretary_id
    assert TeamMembership.objects.current().get(secretary_id=mover.secretary_id).team == second
    assert TeamMembership.objects.filter(secretary_id=mover.secretary_id, left__isnull=False).count() == 1


def test_a_split_that_cannot_fit_the_bounds_says_so(client_for, org_user, secretary, secretary_b):
    response = client_for(org_user).get(reverse("teams:team_split"), {"n": 5, "min_size": 20, "max_size": 40})

    assert "无法分成 5 支" in response.content.decode()


def test_making_a_new_captain_demotes_the_old_one(client_for, org_user, team, secretary, other_team, secretary_b):
    membership = TeamMembership.objects.get(team=team, secretary=secretary)

    client_for(org_user).post(reverse("teams:member_edit", args=[membership.pk]), {"action": "role", "role": "captain"})

    team.refresh_from_db()
    assert team.captain == secretary
    client_for(org_user).post(reverse("teams:member_edit", args=[membership.pk]), {"action": "remove"})
    team.refresh_from_db()
    assert team.captain is None and not TeamMembership.objects.current().filter(secretary=secretary).exists()


def test_the_org_is_warned_about_composition_on_the_team_page(client_for, org_user, secretary_user, team):
    team.min_size = 20
    team.save()

    org_page = client_for(org_user).get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    secretary_page = client_for(secretary_user).get(reverse("teams:team_detail", args=[team.pk])).content.decode()

    assert "少于下限 20 人" in org_page
    assert "少于下限 20 人" not in secretary_page


def test_a_captain_schedules_a_meeting_and_a_plain_member_cannot(
    client_for, secretary_b_user, secretary_user, other_team, secretary_b
):
    data = {
        "team": other_team.pk,
        "kind": "会商研讨",
        "title": "销售对接会",
        "date": "2026-05-06",
        "host": secretary_b.pk,
    }

    assert client_for(secretary_user).post(reverse("teams:meeting_create"), data).status_code == 403
    response = client_for(secretary_b_user).post(reverse("teams:meeting_create"), data)

    meeting = Meeting.objects.get(title="销售对接会")
    assert response.status_code == 302 and meeting.district_id == other_team.district_id


def test_a_decision_becomes_a_project_or_a_demand_once(client_for, secretary_user, team, secretary, village_a):
    meeting = MeetingFactory(team=team, host=secretary)
    category = DemandCategory.objects.create(name="基础设施建设")
    client = client_for(secretary_user)  # the host
    client.post(reverse("teams:decision_add", args=[meeting.pk]), {"text": "修建村口冷库"})
    client.post(reverse("teams:decision_add", args=[meeting.pk]), {"text": "硬化村道"})
    cold_store, road = MeetingDecision.objects.order_by("pk")

    client.post(reverse("teams:decision_convert", args=[cold_store.pk]), {"target": "project", "village": village_a.pk})
    client.post(
        reverse("teams:decision_convert", args=[road.pk]),
        {"target": "demand", "village": village_a.pk, "category": category.pk},
    )
    again = client.post(
        reverse("teams:decision_convert", args=[road.pk]), {"target": "project", "village": village_a.pk}
    )

    project = ProjectItem.objects.get()
    demand = DemandItem.objects.get()
    assert (
        project.title == "修建村口冷库"
        and project.lead_secretary == secretary
        and list(project.villages.all()) == [village_a]
    )
    assert demand.title == "硬化村道" and demand.status == "submitted" and demand.category == category
    cold_store.refresh_from_db()
    road.refresh_from_db()
    assert cold_store.project == project and road.demand == demand
    assert "不能重复转办" in again.content.decode() and ProjectItem.objects.count() == 1


def test_a_demand_needs_a_category(client_for, org_user, team, secretary, village_a):
    decision = MeetingDecision.objects.create(meeting=MeetingFactory(team=team), text="整治河道")

    response = client_for(org_user).post(
        reverse("teams:decision_convert", args=[decision.pk]), {"target": "demand", "village": village_a.pk}
    )

    assert "请选择需求类别" in response.content.decode() and not DemandItem.objects.exists()


def test_awards_are_recorded_once_a_year(client_for, org_user, team, secretary):
    client = client_for(org_user)
    client.post(reverse("teams:award_add"), {"year": 2026, "kind": "member", "secretary": secretary.pk})
    response = client.post(
        reverse("teams:award_add"), {"year": 2026, "kind": "member", "secretary": secretary.pk}, follow=True
    )

    assert Award.objects.count() == 1
    assert "该第一书记本年度已获此表彰" in response.content.decode()
    page = client.get(reverse("teams:evaluation"), {"to": "2026-12"}).content.decode()
    assert "优秀队员" in page and "王建国" in page


def test_the_org_edits_the_points_scheme_as_data(client_for, org_user):
    rules = list(ScoringRule.objects.order_by("sort_order", "key"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for i, rule in enumerate(rules):
        data |= {
            f"form-{i}-id": rule.pk,
            f"form-{i}-label": rule.label,
            f"form-{i}-points": rule.points,
            f"form-{i}-cap": rule.cap or "",
        }
        data[f"form-{i}-active"] = "on"
    data["form-0-points"] = "8"
    client = client_for(org_user)

    assert client.post(reverse("teams:scoring_rules"), data).status_code == 302
    assert ScoringRule.objects.get(pk=rules[0].pk).points == 8

    data["form-0-cap"] = "-1"
    response = client.post(reverse("teams:scoring_rules"), data)
    assert "每月上限须大于0" in response.content.decode()


def test_secretaries_on_post_only_are_proposed(client_for, org_user, secretary, secretary_b):
    Secretary.objects.filter(pk=secretary_b.pk).update(status="expired")

    page = (
        client_for(org_user).get(reverse("teams:team_split"), {"n": 1, "min_size": 1, "max_size": 5}).content.decode()
    )

    assert "王建国" in page and "李红梅" not in page


def test_a_captain_cannot_schedule_a_district_wide_meeting_without_a_team(client_for, secretary_b_user, other_team):
    data = {"kind": "会商研讨", "title": "全区会商", "date": "2026-05-06"}

    response = client_for(secretary_b_user).post(reverse("teams:meeting_create"), data)

    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_org_may_hold_a_district_wide_meeting(client_for, org_user, team):
    data = {"kind": "会商研讨", "title": "全区会商", "date": "2026-05-06"}

    assert client_for(org_user).post(reverse("teams:meeting_create"), data).status_code == 302
    assert Meeting.objects.get().team is None


def test_a_full_team_takes_one_more_member_with_a_warning_not_a_block(client_for, org_user, team, secretary_b):
    team.max_size = 1
    team.save()
    client = client_for(org_user)

    client.post(reverse("teams:member_add", args=[team.pk]), {"secretary": secretary_b.pk, "role": "member"})

    assert TeamMembership.objects.current().filter(team=team).count() == 2
    assert "超过上限 1 人" in client.get(reverse("teams:team_detail", args=[team.pk])).content.decode()


def test_team_form_refuses_an_upper_bound_below_the_lower(client_for, org_user, team):
    response = client_for(org_user).post(
        reverse("teams:team_edit", args=[team.pk]), {"name": team.name, "min_size": 30, "max_size": 20}
    )

    assert response.status_code == 200 and "人数上限不能小于下限" in response.content.decode()
    team.refresh_from_db()
    assert (team.min_size, team.max_size) == (1, 40)
