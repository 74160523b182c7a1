"""Groups of any kind (issue 16 points 1-2): how many groups of a kind one person may be in,
members who are not secretaries, and the composition rules with Jining's 1+1+1."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from teams import services
from teams.composition import team_composition
from teams.models import GroupKind, GroupMember, PioneerTeam, TeamMembership
from teams.presets import apply_preset
from tests.factories import DispatchUnitFactory, DistrictFactory, SecretaryFactory, TownshipFactory, VillageFactory
from tests.teams.factories import TeamFactory

TODAY = date(2026, 6, 1)


@pytest.fixture
def jining(district, township_a, township_b):
    """The Jining preset on the standard district: 联盟, 6 分盟 (round the two townships), 宣讲团, 专家顾问团."""
    apply_preset(district, "jining")
    return {team.name: team for team in PioneerTeam.objects.filter(district=district)}


def current(person):
    return sorted(TeamMembership.objects.current().filter(secretary=person).values_list("team__name", flat=True))


def test_a_jining_secretary_is_in_a_sub_alliance_the_speakers_and_the_experts_at_once(jining, secretary):
    for name in ("第一分盟", "第一书记宣讲团", "专家顾问团"):
        services.membership_add(jining[name], secretary)

    assert current(secretary) == sorted(["第一分盟", "第一书记宣讲团", "专家顾问团"])


def test_a_second_sub_alliance_is_refused_where_the_kind_allows_one(jining, secretary):
    services.membership_add(jining["第一分盟"], secretary)

    with pytest.raises(ValidationError) as refused:
        services.membership_add(jining["第二分盟"], secretary, transfer=False)

    assert "王建国 已在第一分盟，按规定每人同时最多参加 1 个分盟，不能再加入第二分盟" in refused.value.messages[0]
    assert current(secretary) == ["第一分盟"]


def test_joining_another_sub_alliance_moves_the_secretary_and_keeps_the_other_kinds(jining, secretary):
    services.membership_add(jining["第一书记宣讲团"], secretary)
    services.membership_add(jining["第一分盟"], secretary)

    services.membership_add(jining["第二分盟"], secretary)

    assert current(secretary) == sorted(["第一书记宣讲团", "第二分盟"])
    assert TeamMembership.objects.filter(secretary=secretary, team=jining["第一分盟"], left__isnull=False).exists()


def test_a_kind_allowing_two_groups_refuses_the_third_even_with_transfer(district, secretary):
    kind = GroupKind.objects.create(district=district, code="lecture", name="讲师团", max_per_person=2)
    first, second, third = (TeamFactory(district=district, kind=kind, name=f"讲师{n}团") for n in "一二三")
    services.membership_add(first, secretary)
    services.membership_add(second, secretary)

    with pytest.raises(ValidationError, match="已在讲师一团、讲师二团，按规定每人同时最多参加 2 个讲师团"):
        services.membership_add(third, secretary)

    assert current(secretary) == ["讲师一团", "讲师二团"]


def test_a_kind_without_a_limit_takes_a_person_in_many_groups(district, village_a):
    kind = GroupKind.objects.create(district=district, code="joint", name="联合党组织", max_per_person=None)
    person = GroupMember.objects.create(district=district, name="张支书", title="村党支部书记", village=village_a)
    for n in range(3):
        services.membership_add(TeamFactory(district=district, kind=kind, name=f"联合党委{n}"), person=person)

    assert TeamMembership.objects.current().filter(person=person).count() == 3


def test_the_same_person_cannot_be_twice_in_one_group(team, secretary):
    with pytest.raises(ValidationError, match="王建国 已是红色先锋的成员"):
        services.membership_add(team, secretary)


def test_a_membership_names_a_secretary_or_another_person_never_both_nor_neither(team, secretary, district):
    person = GroupMember.objects.create(district=district, name="李技术员", title="技术员")
    for fields in ({"secretary": secretary, "person": person}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TeamMembership.objects.create(team=team, joined=TODAY, **fields)


def test_the_pioneer_kind_is_the_district_default_and_its_limit_is_one(team, district):
    assert team.kind.code == "pioneer" and team.kind.name == "先锋队" and team.kind.max_per_person == 1
    assert GroupKind.objects.filter(district=district).count() == 1


def test_a_village_cadre_and_a_villager_join_with_an_allowance_only_where_the_kind_pays(
    client_for, org_user, district, village_a
):
    work = GroupKind.objects.create(
        district=district, code="work_team", name="工作队", level="village", allowance=True, min_size=1
    )
    team = TeamFactory(district=district, kind=work, name="六渡村生态文明工作队", village=village_a, min_size=1)
    client = client_for(org_user)
    data = {
        "person-name": " 赵大姐 ",
        "person-title": "村民",
        "person-phone": "139 1234 5678",
        "person-village": village_a.pk,
        "person-role": "captain",
        "person-allowance": "300",
    }

    client.post(reverse("teams:person_add", args=[team.pk]), data)

    membership = TeamMembership.objects.get(team=team)
    assert membership.person.name == "赵大姐" and membership.person.phone == "13912345678"
    assert membership.allowance == 300 and membership.role == "captain"
    team.refresh_from_db()
    assert team.captain_person == membership.person
    page = client.get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    assert "赵大姐" in page and "每月补贴（元）" in page and "300" in page and "13912345678" in page
    with pytest.raises(ValidationError, match="先锋队的成员不领取补贴"):
        services.person_add(TeamFactory(district=district, name="红色先锋"), name="钱", title="村民", allowance=100)


def test_a_bad_phone_is_refused_in_chinese_and_nobody_is_added(client_for, org_user, team):
    data = {"person-name": "孙法官", "person-title": "法官", "person-phone": "12345", "person-role": "member"}

    response = client_for(org_user).post(reverse("teams:person_add", args=[team.pk]), data, follow=True)

    assert "联系电话应为11位手机号" in response.content.decode()
    assert not GroupMember.objects.exists()


def test_another_person_s_phone_is_masked_outside_their_township(client_for, secretary_b_user, team, village_a):
    services.person_add(team, name="周技术员", title="技术员", phone="13800001111", village=village_a)

    page = client_for(secretary_b_user).get(reverse("teams:team_detail", args=[team.pk])).content.decode()

    assert "周技术员" in page and "138****1111" in page and "13800001111" not in page


def test_another_districts_group_answers_404_to_every_group_page(client_for, org_user):
    elsewhere = TeamFactory(district=DistrictFactory(name="门头沟区"), name="某服务团")
    client = client_for(org_user)
    assert client.get(reverse("teams:team_detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("teams:team_edit", args=[elsewhere.pk])).status_code == 404
    person = {"person-name": "某人", "person-title": "村民", "person-role": "member"}
    assert client.post(reverse("teams:person_add", args=[elsewhere.pk]), person).status_code == 404
    assert client.post(reverse("teams:partner_add", args=[elsewhere.pk]), {"partner-name": "某公司"}).status_code == 404
    assert not GroupMember.objects.exists() and not elsewhere.partners.exists()


# --- composition rules --------------------------------------------------------------------------


def sent(level, township, name):
    return SecretaryFactory(
        name=name,
        dispatch_unit=DispatchUnitFactory(name=f"{name}的单位", level=level),
        village=VillageFactory(township=township, name=f"{name}村"),
    )


def test_one_plus_one_plus_one_is_met_by_upper_own_township_and_other_township(jining, township_a, township_b):
    sub = jining["第一分盟"]  # in township_a (十渡镇)
    assert sub.township == township_a
    for person in (
        sent("province", township_b, "省派"),
        sent("county", township_a, "本镇"),
        sent("district", township_b, "外镇"),
    ):
        services.membership_add(sub, person)

    warnings = team_composition(sub, today=TODAY).warnings

    assert not [w for w in warnings if "1+1+1" in w]


def test_one_plus_one_plus_one_names_what_is_missing(jining, township_a, township_b):
    sub = jining["第一分盟"]
    services.membership_add(sub, sent("county", township_b, "外镇甲"))
    services.membership_add(sub, sent("city", township_a, "市派"))  # upper level, even in the own township

    warnings = team_composition(sub, today=TODAY).warnings

    assert "未达到“1+1+1”：缺少1名十渡镇的区县派第一书记。" in warnings


def test_one_plus_one_plus_one_says_all_three_when_empty_and_the_page_says_why(
    client_for, org_user, secretary_user, jining
):
    sub = jining["第二分盟"]  # in township_b (佛子庄乡)

    page = client_for(org_user).get(reverse("teams:team_detail", args=[sub.pk])).content.decode()

    assert (
        "未达到“1+1+1”：缺少1名省派或市派第一书记（或工作队）、1名佛子庄乡的区县派第一书记、"
        "1名佛子庄乡以外乡镇的区县派第一书记。" in page
    )
    assert "人数 0 人，少于下限 3 人。" in page


def test_a_city_sent_work_team_of_one_unit_counts_as_the_one_and_the_page_names_it(
    client_for, org_user, jining, township_a, township_b
):
    sub = jining["第一分盟"]  # in township_a (十渡镇)
    unit = DispatchUnitFactory(name="济宁市农业农村局", level="city")
    for name in ("市派甲", "市派乙", "市派丙"):
        services.membership_add(
            sub, SecretaryFactory(name=name, dispatch_unit=unit, village=VillageFactory(township=township_b))
        )
    services.membership_add(sub, sent("county", township_a, "本镇"))
    services.membership_add(sub, sent("county", township_b, "外镇"))

    composition = team_composition(sub, today=TODAY)

    assert not [w for w in composition.warnings if "1+1+1" in w]
    part, who = composition.one_one_one[0]
    assert part == "1名省派或市派第一书记（或工作队）" and who.startswith("济宁市农业农村局工作队（3人：")
    assert all(name in who for name in ("市派甲", "市派乙", "市派丙"))
    page = client_for(org_user).get(reverse("teams:team_detail", args=[sub.pk])).content.decode()
    assert "济宁市农业农村局工作队（3人" in page and "“1+1+1”组建" in page


def test_upper_sent_secretaries_of_two_units_are_more_than_the_one(jining, township_a, township_b):
    sub = jining["第一分盟"]
    for person in (
        sent("province", township_b, "省派"),
        sent("city", township_b, "市派"),
        sent("county", township_a, "本镇"),
        sent("county", township_b, "外镇"),
    ):
        services.membership_add(sub, person)

    warnings = team_composition(sub, today=TODAY).warnings

    assert warnings == [
        "未达到“1+1+1”：省派或市派一方应为1名第一书记或同一派出单位的1支工作队，"
        "现有2个派出单位（市派的单位1名、省派的单位1名）。"
    ]


def test_a_work_team_without_the_county_parts_names_only_those(client_for, org_user, jining, township_a):
    sub = jining["第一分盟"]
    unit = DispatchUnitFactory(name="山东省财政厅", level="province")
    for name in ("省派甲", "省派乙"):
        services.membership_add(sub, SecretaryFactory(name=name, dispatch_unit=unit))

    page = client_for(org_user).get(reverse("teams:team_detail", args=[sub.pk])).content.decode()

    assert "未达到“1+1+1”：缺少1名十渡镇的区县派第一书记、1名十渡镇以外乡镇的区县派第一书记。" in page
    assert "山东省财政厅工作队（2人：省派乙、省派甲）" in page or "山东省财政厅工作队（2人：省派甲、省派乙）" in page


def test_a_kind_without_age_or_unit_rules_does_not_warn_about_them(district, township_a, batch):
    kind = GroupKind.objects.create(district=district, code="g", name="服务组", min_size=1, max_size=5)
    team = TeamFactory(district=district, kind=kind, name="蚕桑产业服务组", min_size=1, max_size=5)
    unit = DispatchUnitFactory(name="同一单位")
    for _ in range(3):
        services.membership_add(team, SecretaryFactory(dispatch_unit=unit, birth_date=date(1995, 1, 1), batch=batch))

    assert team_composition(team, today=TODAY).warnings == []


def test_expertise_spread_counts_the_categories_covered(district, secretary):
    kind = GroupKind.objects.create(district=district, code="experts", name="专家顾问团", min_size=1, min_expertise=3)
    team = TeamFactory(district=district, kind=kind, name="专家顾问团", min_size=1)
    services.membership_add(team, secretary)

    assert "业务特长只覆盖 1 类，少于要求的 3 类（特长互补）。" in team_composition(team, today=TODAY).warnings


def test_a_village_group_needs_its_village_and_the_form_says_so(client_for, org_user, district):
    kind = GroupKind.objects.create(district=district, code="work_team", name="工作队", level="village")

    response = client_for(org_user).post(
        reverse("teams:team_create"), {"kind": kind.pk, "name": "某工作队", "min_size": 3, "max_size": 15}
    )

    assert response.status_code == 200 and "工作队是村级队伍，请选择所属村" in response.content.decode()
    assert not PioneerTeam.objects.filter(name="某工作队").exists()


def test_a_group_of_another_township_place_is_refused(client_for, org_user, district, township_a):
    kind = GroupKind.objects.create(district=district, code="corps", name="服务团", level="township")
    foreign = TownshipFactory(district=DistrictFactory(name="门头沟区"), name="外区镇")

    response = client_for(org_user).post(
        reverse("teams:team_create"),
        {"kind": kind.pk, "name": "外区服务团", "township": foreign.pk, "min_size": 3, "max_size": 15},
    )

    assert response.status_code == 200 and not PioneerTeam.objects.filter(name="外区服务团").exists()
