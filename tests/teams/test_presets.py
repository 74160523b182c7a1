"""Each practice preset (issue 16 point 8, teams/presets.py) creates what it says, once."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from teams.models import GroupKind, PioneerTeam, ScoringRule
from teams.presets import PRESETS, apply_preset
from tests.factories import DistrictFactory, VillageFactory


@pytest.fixture
def places(district, village_a, village_a2, village_b):
    """十渡镇 (六渡村, 西庄村) and 佛子庄乡 (黑龙关村)."""
    return district


def kinds(district):
    return {k.code: k for k in GroupKind.objects.filter(district=district)}


def names(district, code):
    return sorted(PioneerTeam.objects.filter(district=district, kind__code=code).values_list("name", flat=True))


def test_fangshan_has_five_pioneer_teams_one_each_and_joint_organisations_as_loop_targets(places):
    applied = apply_preset(places, "fangshan")

    found = kinds(places)
    assert set(found) == {"pioneer", "joint_org"}
    pioneer, joint = found["pioneer"], found["joint_org"]
    assert (pioneer.name, pioneer.max_per_person, pioneer.min_size, pioneer.max_size) == ("先锋队", 1, 20, 40)
    assert (pioneer.age_band_max_share, pioneer.unit_max_share) == (pytest.approx(0.5), pytest.approx(0.25))
    assert names(places, "pioneer") == sorted(["红色先锋", "致富先锋", "文明先锋", "为民先锋", "维稳先锋"])
    assert (joint.name, joint.max_per_person, joint.dispatchable, joint.leader_title) == (
        "联合党组织",
        None,
        True,
        "书记",
    )
    assert not ScoringRule.objects.filter(group_kind__district=places).exists()  # the general scheme
    assert (len(applied.kinds), len(applied.groups), applied.rules) == (2, 5, 0)


def test_shiquan_has_a_service_group_with_eight_themed_groups_in_every_township(places, township_a, township_b):
    apply_preset(places, "shiquan")

    found = kinds(places)
    assert {found["service_corps"].level, found["service_group"].level} == {"township"}
    for township in (township_a, township_b):
        corps = PioneerTeam.objects.get(district=places, name=f"{township.name}服务团")
        assert corps.township == township and corps.kind.leader_title == "团长"
        assert sorted(c.focus for c in corps.children.all()) == sorted(
            ["党建指导", "预制菜产业", "蚕桑产业", "畜牧养殖", "产品销售", "新民风建设", "人才培养", "法制宣传"]
        )
        assert {c.township_id for c in corps.children.all()} == {township.pk}
    assert "十渡镇蚕桑产业服务组" in names(places, "service_group")


def test_gangcha_has_five_villager_work_teams_per_village_with_allowances_and_own_points(places, village_b):
    applied = apply_preset(places, "gangcha")

    work = kinds(places)["work_team"]
    assert (work.level, work.allowance, work.max_per_person, work.scored) == ("village", True, 1, True)
    assert len(names(places, "work_team")) == 15
    assert sorted(PioneerTeam.objects.filter(village=village_b).values_list("focus", flat=True)) == sorted(
        ["生态文明", "产业促进", "社会保障", "社会治理", "文化宣传"]
    )
    assert PioneerTeam.objects.get(name="黑龙关村社会治理工作队").township == village_b.township
    rules = dict(ScoringRule.objects.filter(group_kind=work).values_list("key", "points"))
    assert rules["people_helped"] == pytest.approx(0.5) and rules["activity:帮办代办"] == 3
    assert applied.rules == len(rules) == 9


def test_jining_has_an_alliance_of_six_sub_alliances_built_one_plus_one_plus_one_and_two_standing_groups(
    places, township_a, township_b
):
    apply_preset(places, "jining")

    found = kinds(places)
    alliance = PioneerTeam.objects.get(district=places, name="第一书记联盟")
    subs = list(alliance.children.order_by("pk"))
    assert [s.name for s in subs] == ["第一分盟", "第二分盟", "第三分盟", "第四分盟", "第五分盟", "第六分盟"]
    assert [s.township for s in subs] == [township_a, township_b] * 3
    assert found["sub_alliance"].one_one_one and found["sub_alliance"].max_per_person == 1
    assert names(places, "speakers") == ["第一书记宣讲团"] and names(places, "experts") == ["专家顾问团"]
    assert found["experts"].min_expertise == 5 and not found["experts"].scored
    assert ScoringRule.objects.filter(group_kind=found["speakers"]).count() == 3


def test_jining_needs_townships_and_says_so(db):
    with pytest.raises(ValidationError, match="本区还没有乡镇"):
        apply_preset(DistrictFactory(name="空区"), "jining")
    assert not GroupKind.objects.exists()  # all or nothing


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_applying_a_preset_again_adds_nothing_and_keeps_the_department_s_edits(places, name):
    apply_preset(places, name)
    GroupKind.objects.filter(district=places).update(min_size=7)
    before = (GroupKind.objects.count(), PioneerTeam.objects.count(), ScoringRule.objects.count())

    again = apply_preset(places, name)

    assert (GroupKind.objects.count(), PioneerTeam.objects.count(), ScoringRule.objects.count()) == before
    assert (again.kinds, again.groups, again.rules) == ([], [], 0)
    assert set(GroupKind.objects.values_list("min_size", flat=True)) == {7}


def test_an_unknown_preset_is_refused_in_chinese(places):
    with pytest.raises(ValidationError, match="没有名为“taiyuan”的预设"):
        apply_preset(places, "taiyuan")


def test_the_org_applies_a_preset_on_its_page_and_others_may_not(client_for, org_user, secretary_user, places):
    assert client_for(secretary_user).post(reverse("teams:presets"), {"preset": "gangcha"}).status_code == 403

    response = client_for(org_user).post(reverse("teams:presets"), {"preset": "gangcha"}, follow=True)

    assert (
        "已应用“刚察“一核五队””：新建队伍类型 1 个、队伍 15 支、计分规则 9 条、需求类别 5 个。"
        in response.content.decode()
    )
    page = client_for(org_user).get(reverse("teams:presets")).content.decode()
    assert "工作队" in page and "村级" in page


def test_the_command_applies_a_preset_by_district_name(places):
    out = StringIO()
    call_command("apply_group_preset", "房山区", "shiquan", stdout=out)

    assert "房山区：已应用" in out.getvalue() and PioneerTeam.objects.filter(kind__code="service_group").count() == 16
    with pytest.raises(CommandError, match="没有名为“某区”的区"):
        call_command("apply_group_preset", "某区", "shiquan")


def test_gangcha_names_the_teams_of_two_villages_of_one_name_by_their_townships(places, township_b, village_a):
    VillageFactory(township=township_b, name="六渡村")

    apply_preset(places, "gangcha")

    assert PioneerTeam.objects.filter(kind__code="work_team").count() == 20
    assert PioneerTeam.objects.get(village=village_a, focus="生态文明").name == "十渡镇六渡村生态文明工作队"
    assert PioneerTeam.objects.filter(name="佛子庄乡六渡村文化宣传工作队", township=township_b).exists()
