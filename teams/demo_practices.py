"""Demo districts of the other three practices in the seeds, under one demo city (演示市), beside
Fangshan and without touching it: Shiquan (石泉县, 池河镇 一镇一团: the township's liaison office
runs the loop), Liangshan (梁山县, 第一书记联盟 and the reserve-cadre rule) and Gangcha (刚察县,
一核五队). Places, secretaries, a station each, reserve cadres, logins, and the city login.

Place names are the seeds' where they give them (池河镇 and its 五爱村, 明星村, 合心村, 良田村, 柏安村,
新棉村; 梁山县 大路口乡; 刚察县 沙柳河镇 果洛藏贡麻村, 吉尔孟乡 日芒村) and real places of those
counties otherwise. Each district's groups come from its preset (teams.presets.apply_preset).

Deterministic and idempotent (natural keys with get_or_create)."""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from secretaries.demo import GIVEN_FEMALE, GIVEN_MALE, SURNAMES, demo_password_hash
from secretaries.models import (
    Batch,
    City,
    DispatchUnit,
    District,
    ReserveCadre,
    Secretary,
    StaffProfile,
    Township,
    Village,
)
from secretaries.services import org_login_grant
from stations.models import ServiceStation
from teams.models import GroupMember, PioneerTeam, TeamMembership
from teams.presets import apply_preset
from teams.services import membership_add

CITY = "演示市"
CITY_LOGIN = "shiwei"
BATCH = ("演示批次", 90)

# district: (code, org login, preset, [(township, kind, login, runs the loop, villages, secretaries)], units)
DISTRICTS = {
    "石泉县": (
        "610922",
        "shiquan",
        "shiquan",
        [
            ("池河镇", "镇", "chihe", True, "五爱村 明星村 合心村 良田村 柏安村 新棉村 合一村 谭家湾村", 8),
            ("城关镇", "镇", "chengguan", False, "长兴村 三里村 西沙河村", 2),
        ],
        [("陕西省农业农村厅", "province", "organ"), ("石泉县农业农村局", "county", "organ")],
    ),
    "梁山县": (
        "370832",
        "liangshan",
        "jining",
        [
            ("大路口乡", "乡", "dalukou", False, "贾堌堆村 刘庄村 后集村 前集村", 4),
            ("拳铺镇", "镇", "quanpu", False, "王府集村 朱庄村 马庄村", 3),
            ("小路口镇", "镇", "xiaolukou", False, "西王庄村 陈垓村 刘集村", 3),
        ],
        [
            ("山东省财政厅", "province", "organ"),
            ("济宁市农业农村局", "city", "organ"),
            ("梁山县人民医院", "county", "hospital"),
        ],
    ),
    "刚察县": (
        "632224",
        "gangcha",
        "gangcha",
        [
            ("沙柳河镇", "镇", "shaliuhe", False, "果洛藏贡麻村 潘保村 尕曲村", 3),
            ("吉尔孟乡", "乡", "jiermeng", False, "日芒村 秀脑贡麻村 向阳村", 3),
        ],
        [("刚察县住房城乡建设和交通运输局", "county", "organ"), ("海北州农牧局", "city", "organ")],
    ),
}

# Reserve cadres per village, in village order (Liangshan asks for 2 per village: some fall short).
RESERVES = {"石泉县": [2, 1, 2, 0, 2], "梁山县": [2, 2, 1, 0, 3, 2, 1, 2, 2, 0], "刚察县": [3, 2, 2, 1, 2, 2]}
SOURCES = [choice for choice, _ in ReserveCadre.Source.choices]
EDUCATIONS = ["senior", "college", "bachelor", "junior", "bachelor"]

# Members who are not secretaries (seed 002: 及食雨公司 technicians in the 预制菜 group, judges in
# the 普法 group, live-streamers for sales, the 蚕桑 centre's experts; seed 003: villagers paid
# 2,000 yuan a month in each work team): (theme, organisation, title).
SHIQUAN_OTHERS = [
    ("预制菜产业", "安康及食雨食品有限公司", "技术员"),
    ("法制宣传", "石泉县人民法院", "法官"),
    ("产品销售", "池河镇电商直播中心", "本土主播"),
    ("蚕桑产业", "石泉县蚕桑发展服务中心", "养蚕技术员"),
]
# The 预制菜 technician's login (role 队伍成员): sees and logs its own groups only.
MEMBER_LOGIN = "chihe_jishuyuan"
WORK_TEAM_ALLOWANCE = 2000


def seed(stdout):
    rng = random.Random(16)
    city, _ = City.objects.get_or_create(name=CITY)
    batch, _ = Batch.objects.get_or_create(
        name=BATCH[0], defaults={"number": BATCH[1], "term_start": date(2024, 6, 1), "term_end": date(2027, 5, 31)}
    )
    presets = []
    for name, (code, org_login, preset, townships, units) in DISTRICTS.items():
        district, _ = District.objects.get_or_create(name=name, defaults={"code": code, "city": city})
        unit_rows = [
            DispatchUnit.objects.get_or_create(name=unit, defaults={"level": level, "kind": kind})[0]
            for unit, level, kind in units
        ]
        villages = _places(rng, district, townships, batch, unit_rows)
        _reserves(rng, name, villages)
        _station(district, townships)
        _login(org_login, f"{name}委组织部", role="org", district=district, admin=True)
        apply_preset(district, preset)
        if not TeamMembership.objects.filter(team__district=district).exists():
            MEMBERS[preset](rng, district)
        presets.append(preset)
    _login(CITY_LOGIN, f"{CITY}委组织部", role="city", city=city)
    stdout.write(f"演示市：{len(DISTRICTS)}个县（石泉县、梁山县、刚察县），预设：{'、'.join(presets)}。")


def _places(rng, district, townships, batch, units):
    villages = []
    User = get_user_model()
    for township_name, kind, login, runs_loop, village_names, staffed in townships:
        township, _ = Township.objects.get_or_create(
            district=district, name=township_name, defaults={"kind": kind, "runs_loop": runs_loop}
        )
        _login(login, f"{township_name}工作人员", role="township", township=township)
        for number, village_name in enumerate(village_names.split(), start=1):
            village, _ = Village.objects.get_or_create(
                township=township, name=village_name, defaults={"population": 600 + 97 * number}
            )
            villages.append(village)
            name, gender, birth = _person(rng)
            if number > staffed or Secretary.objects.filter(village=village, batch=batch).exists():
                continue
            username = f"{login}{number:02d}"
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
            if created:
                user.password = demo_password_hash()
                user.save(update_fields=["password"])
            StaffProfile.objects.get_or_create(user=user, defaults={"role": "secretary"})
            Secretary.objects.create(
                name=name,
                gender=gender,
                birth_date=birth,
                phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
                dispatch_unit=units[number % len(units)],
                batch=batch,
                village=village,
                term_start=batch.term_start,
                term_end=batch.term_end,
                user=user,
            )
    return villages


def _person(rng):
    gender = "F" if rng.random() < 0.3 else "M"
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE if gender == "F" else GIVEN_MALE)
    birth = date(2026 - rng.randint(26, 55), 1, 1) + timedelta(days=rng.randint(0, 330))
    return name, gender, birth


def _reserves(rng, district_name, villages):
    for village, wanted in zip(villages, RESERVES[district_name], strict=False):
        have = ReserveCadre.objects.filter(village=village).count()
        mentor = Secretary.objects.filter(village=village).first()
        for i in range(have, wanted):
            name, _, _ = _person(rng)
            ReserveCadre.objects.create(
                village=village,
                name=name,
                birth_year=1985 + (i * 4) % 14,
                education=EDUCATIONS[i % len(EDUCATIONS)],
                current_post=["村委会委员", "村务监督委员", "合作社负责人", "网格员"][i % 4],
                source=SOURCES[i % len(SOURCES)],
                mentor=mentor,
                added=date(2025, 3, 1) + timedelta(days=30 * i),
            )


def _station(district, townships):
    """One station in the district's first township, covering every township of the district."""
    first = Township.objects.get(district=district, name=townships[0][0])
    station, created = ServiceStation.objects.get_or_create(
        name=f"{first.name}乡村振兴服务站", defaults={"township": first, "duty_weekdays": [2]}
    )
    if created:
        station.covered_townships.set(Township.objects.filter(district=district))


def _login(username, first_name, admin=False, **profile):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    StaffProfile.objects.get_or_create(user=user, defaults=profile)
    if admin and created:
        org_login_grant(user)
    return user


# Members of the preset's groups (the first seed only: a district with any membership is left as is).


def _other(rng, district, title, organisation="", village=None):
    name, _, _ = _person(rng)
    return GroupMember.objects.create(
        district=district,
        name=name,
        title=title,
        organisation=organisation,
        village=village,
        phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
    )


def _shiquan_members(rng, district):
    """池河镇服务团: its 8 secretaries and each village's party secretary; each themed 服务组 a
    secretary as 组长 and, where the seed names them, people from companies, the court, the
    live-streaming centre and the 蚕桑 centre (one with a login)."""
    township = Township.objects.get(district=district, name="池河镇")
    corps = PioneerTeam.objects.get(district=district, kind__code="service_corps", township=township)
    secretaries = list(Secretary.objects.filter(village__township=township).order_by("village_id"))
    for number, secretary in enumerate(secretaries):
        role = TeamMembership.Role.VICE_CAPTAIN if number == 0 else TeamMembership.Role.MEMBER
        membership_add(corps, secretary, role=role, on=date(2024, 3, 1))
    for village in Village.objects.filter(township=township).order_by("pk"):
        person = _other(rng, district, "村党支部书记", f"{village.name}党支部", village)
        membership_add(corps, person=person, on=date(2024, 3, 1))
    groups = PioneerTeam.objects.filter(district=district, kind__code="service_group", township=township)
    others = {theme: (organisation, title) for theme, organisation, title in SHIQUAN_OTHERS}
    for number, group in enumerate(groups.order_by("pk")):
        if secretaries:
            membership_add(group, secretaries[number % len(secretaries)], role=TeamMembership.Role.CAPTAIN)
        if group.focus in others:
            organisation, title = others[group.focus]
            person = _other(rng, district, title, organisation)
            membership_add(group, person=person)
            if group.focus == "预制菜产业":
                person.user = _login(MEMBER_LOGIN, person.name, role="member", district=district)
                person.save(update_fields=["user"])


def _gangcha_members(rng, district):
    """Each village's five work teams: a captain and two villagers, each paid monthly."""
    for team in PioneerTeam.objects.filter(district=district, kind__code="work_team").order_by("pk"):
        for role in (TeamMembership.Role.CAPTAIN, TeamMembership.Role.MEMBER, TeamMembership.Role.MEMBER):
            person = _other(rng, district, "村民", village=team.village)
            membership_add(team, person=person, role=role, allowance=WORK_TEAM_ALLOWANCE)


def _jining_members(rng, district):
    """Each secretary in a 分盟 (those of the 分盟's township first), in the 宣讲团, and the county
    hospital's secretaries with a doctor of the hospital in the 专家顾问团."""
    secretaries = list(Secretary.objects.filter(village__township__district=district).select_related("village"))
    subs = list(PioneerTeam.objects.filter(district=district, kind__code="sub_alliance").order_by("pk"))
    for number, secretary in enumerate(secretaries):
        own = [sub for sub in subs if sub.township_id == secretary.village.township_id]
        membership_add((own or subs)[number % len(own or subs)], secretary)
    speakers = PioneerTeam.objects.get(district=district, kind__code="speakers")
    experts = PioneerTeam.objects.get(district=district, kind__code="experts")
    for secretary in secretaries:
        membership_add(speakers, secretary)
        if secretary.dispatch_unit.kind == "hospital":
            membership_add(experts, secretary)
    membership_add(experts, person=_other(rng, district, "主任医师", "梁山县人民医院"))


MEMBERS = {"shiquan": _shiquan_members, "gangcha": _gangcha_members, "jining": _jining_members}
