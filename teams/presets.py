"""A preset per practice (做法预设): the group kinds, their composition rules, their scoring scheme,
the standing groups and the demand categories of one county's way of organising its secretaries,
from the seeds.

    apply_preset(district, "fangshan")  房山 一五八: five 先锋队 of 20-40; 联合党组织 as loop targets
    apply_preset(district, "shiquan")   石泉 一镇一团、一团八组: per township a 服务团 and 8 服务组
    apply_preset(district, "gangcha")   刚察 一核五队: per village 5 工作队 of villagers with allowances
    apply_preset(district, "jining")    梁山 第一书记联盟: 联盟 → 6 分盟 (1+1+1), 宣讲团, 专家顾问团

Idempotent: a kind is found by its code, a group by its name, a rule by its kind and key, a
category by its district and name; what exists is left as the department edited it, so applying a
preset again only adds what is missing.
seed_demo's demo districts call apply_preset; keep the name and signature."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from demands.models import DemandCategory, ResourceCategory
from secretaries.models import Expertise, Township, Village
from teams.models import PIONEER, PIONEER_DEFAULTS, AppliedPreset, GroupKind, PioneerTeam, ScoringRule

DISTRICT, TOWNSHIP, VILLAGE = GroupKind.Level.DISTRICT, GroupKind.Level.TOWNSHIP, GroupKind.Level.VILLAGE

# Fangshan's five pioneer teams: (name, focus, description, the kinds of activity it mostly runs)
FANGSHAN_TEAMS = [
    ("红色先锋", "党建引领", "讲红色党课、宣讲政策、帮村党组织建强班子。", ["红色党课", "政策宣讲", "技能培训"]),
    (
        "致富先锋",
        "增收致富与产销对接",
        "引项目、争资金、拓销路，帮农产品卖出去。",
        ["农产品促销", "文旅推介", "技能培训"],
    ),
    ("文明先锋", "乡风文明", "移风易俗、人居环境整治、文明实践。", ["文明引导", "环境整治", "文旅推介"]),
    ("为民先锋", "民生服务", "义诊、法律咨询、助老助残，办好群众身边事。", ["义诊服务", "法律咨询", "环境整治"]),
    ("维稳先锋", "平安稳定", "矛盾调解、安保服务、护林防火。", ["矛盾调解", "安保服务", "法律咨询"]),
]
JOINT_ORG = {
    "name": "联合党组织",
    "level": TOWNSHIP,
    "leader_title": "书记",
    "max_per_person": None,
    "scored": False,
    "rotating_meeting": False,
    "min_size": 2,
    "max_size": 60,
    "sort_order": 10,
}
SHIQUAN_THEMES = ["党建指导", "预制菜产业", "蚕桑产业", "畜牧养殖", "产品销售", "新民风建设", "人才培养", "法制宣传"]
GANGCHA_THEMES = ["生态文明", "产业促进", "社会保障", "社会治理", "文化宣传"]
SUB_ALLIANCES = ["第一分盟", "第二分盟", "第三分盟", "第四分盟", "第五分盟", "第六分盟"]

# A practice's own demand categories: (name, matching resource categories, matching expertise), the
# map the dispatch ranking reads (names not in the shared catalogue are skipped). Fangshan keeps the
# shared catalogue. Jining: seed 004 collects needs "围绕民生保障、产业发展等7个方面" and names the other
# areas it works in (组织建设、农业生产 of its experts, 人才培训, 生态保护、文化传承 of its 片区 types).
JINING_CATEGORIES = [
    ("民生保障", ["资金支持", "医疗义诊", "就业培训"], ["社会保障", "医疗", "公共卫生"]),
    ("产业发展", ["产业帮扶", "资金支持", "技术指导"], ["农业技术", "招商引资", "电商直播"]),
    ("组织建设", ["文化服务"], ["党建", "宣传文化"]),
    ("农业生产", ["技术指导", "产业帮扶"], ["农业技术", "畜牧养殖", "林业"]),
    ("人才培训", ["就业培训", "教育支教"], ["教育", "电商直播", "信息化"]),
    ("生态保护", ["技术指导", "资金支持"], ["环境治理", "林业", "水利"]),
    ("文化传承", ["文化服务"], ["宣传文化", "文旅"]),
]
# Shiquan (seed 002): the liaison office collects "项目、资金、技术、销售等需求清单".
SHIQUAN_CATEGORIES = [
    ("项目", ["产业帮扶", "资金支持"], ["招商引资", "规划建设"]),
    ("资金", ["资金支持"], ["财务", "招商引资"]),
    ("技术", ["技术指导", "就业培训"], ["农业技术", "畜牧养殖", "信息化"]),
    ("销售", ["农产品促销", "消费帮扶"], ["电商直播", "市场营销"]),
]
# Gangcha (seed 003): the five work teams' fields are what its villages ask for.
GANGCHA_CATEGORIES = [
    ("生态文明", ["技术指导", "资金支持"], ["环境治理", "林业"]),
    ("产业促进", ["产业帮扶", "技术指导", "农产品促销"], ["畜牧养殖", "农业技术", "电商直播"]),
    ("社会保障", ["资金支持", "医疗义诊", "就业培训"], ["社会保障", "医疗"]),
    ("社会治理", ["法律援助"], ["矛盾调解", "法律", "安全生产"]),
    ("文化宣传", ["文化服务"], ["宣传文化", "党建"]),
]

# The work teams' points (Gangcha's monthly ranking): what villagers' teams do and the people they help.
WORK_TEAM_RULES = [
    ("activity:政策宣讲", "开展政策宣讲（每场）", "3", None),
    ("activity:走访入户", "走访入户（每次）", "2", None),
    ("activity:帮办代办", "帮办代办（每次）", "3", None),
    ("activity:环境整治", "环境整治（每次）", "3", None),
    ("activity:矛盾调解", "调解矛盾纠纷（每件）", "4", None),
    ("activity:文明引导", "文明引导（每次）", "2", None),
    ("activity:其他", "其他活动（每次）", "1", None),
    ("people_reached", "服务群众（每人次）", "0.1", "10"),
    ("people_helped", "帮助群众办事（每人次）", "0.5", "20"),
]
SPEAKER_RULES = [
    ("activity:政策宣讲", "宣讲（每场）", "5", None),
    ("activity:红色党课", "讲红色党课（每场）", "5", None),
    ("people_reached", "听众（每人次）", "0.1", "10"),
]


@dataclass
class Applied:
    """What one application created (what already existed is not counted)."""

    preset: str
    kinds: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    rules: int = 0
    categories: list = field(default_factory=list)

    def __str__(self):
        return (
            f"已应用“{PRESETS[self.preset].label}”：新建队伍类型 {len(self.kinds)} 个、队伍 {len(self.groups)} 支、"
            f"计分规则 {self.rules} 条、需求类别 {len(self.categories)} 个。"
        )


@dataclass(frozen=True)
class Preset:
    label: str
    summary: str
    build: object


def _kind(result, district, code, **defaults):
    kind, created = GroupKind.objects.get_or_create(district=district, code=code, defaults=defaults)
    if created:
        result.kinds.append(kind)
    return kind


def _group(result, district, kind, name, *, lookup=None, **defaults):
    """A group found by its name (or by `lookup`, e.g. its village and theme), else created."""
    defaults.setdefault("min_size", kind.min_size)
    defaults.setdefault("max_size", kind.max_size)
    lookup = lookup or {"name": name}
    fields = {"kind": kind, "name": name, **defaults}
    defaults = {key: value for key, value in fields.items() if key not in lookup}
    group, created = PioneerTeam.objects.get_or_create(district=district, **lookup, defaults=defaults)
    if created:
        result.groups.append(group)
    return group


def _rules(result, kind, rules):
    for order, (key, label, points, cap) in enumerate(rules, start=1):
        _rule, created = ScoringRule.objects.get_or_create(
            group_kind=kind,
            key=key,
            defaults={
                "label": label,
                "points": Decimal(points),
                "cap": Decimal(cap) if cap else None,
                "sort_order": order * 10,
            },
        )
        result.rules += created


def _categories(result, district, specs):
    """The district's own demand categories, found by name. A name the shared catalogue already
    has is that shared category (the district sees it anyway; an own one would hide it, and the
    district's items and projects filed under it). A category gets the preset's matching map when
    created, or later while its map is still empty (the shared catalogue it maps onto may be
    loaded after the preset); a map the department edited is left alone."""
    resources = {c.name: c for c in ResourceCategory.objects.all()}
    expertise = {e.name: e for e in Expertise.objects.all()}
    shared = set(DemandCategory.objects.filter(district__isnull=True).values_list("name", flat=True))
    for order, (name, resource_names, skill_names) in enumerate(specs, start=1):
        if name in shared:
            continue
        category, created = DemandCategory.objects.get_or_create(
            district=district, name=name, defaults={"sort_order": order}
        )
        if created:
            result.categories.append(category)
        if not category.resource_categories.exists():
            category.resource_categories.set([resources[n] for n in resource_names if n in resources])
        if not category.expertise.exists():
            category.expertise.set([expertise[n] for n in skill_names if n in expertise])


def _fangshan(result, district):
    pioneer = _kind(result, district, PIONEER, **PIONEER_DEFAULTS)
    _kind(result, district, "joint_org", **JOINT_ORG)
    for name, focus, description, _activity_kinds in FANGSHAN_TEAMS:
        _group(result, district, pioneer, name, focus=focus, description=description)


def _shiquan(result, district):
    _categories(result, district, SHIQUAN_CATEGORIES)
    corps = _kind(
        result,
        district,
        "service_corps",
        name="服务团",
        level=TOWNSHIP,
        leader_title="团长",
        max_per_person=1,
        min_size=10,
        max_size=40,
        sort_order=1,
    )
    groups = _kind(
        result,
        district,
        "service_group",
        name="服务组",
        level=TOWNSHIP,
        leader_title="组长",
        max_per_person=None,
        rotating_meeting=False,
        min_size=3,
        max_size=15,
        sort_order=2,
    )
    for township in Township.objects.filter(district=district).order_by("pk"):
        parent = _group(
            result,
            district,
            corps,
            f"{township.name}服务团",
            township=township,
            focus="镇级服务团：第一书记与村党组织书记组团服务",
        )
        for theme in SHIQUAN_THEMES:
            _group(
                result, district, groups, f"{township.name}{theme}服务组", township=township, parent=parent, focus=theme
            )


def _gangcha(result, district):
    _categories(result, district, GANGCHA_CATEGORIES)
    work_team = _kind(
        result,
        district,
        "work_team",
        name="工作队",
        level=VILLAGE,
        leader_title="队长",
        max_per_person=1,
        allowance=True,
        rotating_meeting=False,
        dispatchable=False,
        min_size=3,
        max_size=15,
        sort_order=1,
    )
    _rules(result, work_team, WORK_TEAM_RULES)
    villages = list(Village.objects.filter(township__district=district).select_related("township").order_by("pk"))
    # Group names are unique in a district: a village name found in two townships takes its township's.
    seen = Counter(village.name for village in villages)
    for village in villages:
        prefix = village.name if seen[village.name] == 1 else f"{village.township.name}{village.name}"
        for theme in GANGCHA_THEMES:
            _group(
                result,
                district,
                work_team,
                f"{prefix}{theme}工作队",
                lookup={"kind": work_team, "village": village, "focus": theme},
                township=village.township,
            )


def _jining(result, district):
    _categories(result, district, JINING_CATEGORIES)
    alliance_kind = _kind(
        result,
        district,
        "alliance",
        name="联盟",
        level=DISTRICT,
        leader_title="盟长",
        max_per_person=None,
        scored=False,
        min_size=0,
        max_size=500,
        sort_order=1,
    )
    sub_kind = _kind(
        result,
        district,
        "sub_alliance",
        name="分盟",
        level=TOWNSHIP,
        leader_title="盟长",
        max_per_person=1,
        one_one_one=True,
        min_size=3,
        max_size=12,
        sort_order=2,
    )
    speakers = _kind(
        result,
        district,
        "speakers",
        name="宣讲团",
        level=DISTRICT,
        leader_title="团长",
        max_per_person=1,
        rotating_meeting=False,
        min_size=20,
        max_size=100,
        sort_order=3,
    )
    experts = _kind(
        result,
        district,
        "experts",
        name="专家顾问团",
        level=DISTRICT,
        leader_title="团长",
        max_per_person=1,
        scored=False,
        rotating_meeting=False,
        min_size=20,
        max_size=80,
        min_expertise=5,
        sort_order=4,
    )
    _rules(result, speakers, SPEAKER_RULES)
    alliance = _group(result, district, alliance_kind, "第一书记联盟", focus="统筹各分盟，管理四张清单")
    townships = list(Township.objects.filter(district=district).order_by("pk"))
    if not townships:
        raise ValidationError("本区还没有乡镇：分盟按“1+1+1”须落在一个乡镇，请先录入乡镇。")
    for index, name in enumerate(SUB_ALLIANCES):
        township = townships[index % len(townships)]
        _group(result, district, sub_kind, name, township=township, parent=alliance, focus=f"{township.name}片区")
    _group(result, district, speakers, "第一书记宣讲团", focus="政策宣讲、红色党课")
    _group(result, district, experts, "专家顾问团", focus="第一书记、派出单位与乡村干部中的专家")


PRESETS = {
    "fangshan": Preset(
        "房山“一五八”",
        "先锋队（每人限1支，20-40人，年龄、单位搭配）5支，联合党组织（片区、村村、村企、村校）可作为派单对象；"
        "需求类别用各区共用的类别。",
        _fangshan,
    ),
    "shiquan": Preset(
        "石泉“一镇一团、一团八组”",
        "每个乡镇1个服务团（第一书记与村党组织书记）及其下8个主题服务组（可吸收技术员、法官、企业家等）；"
        "需求类别：项目、资金、技术、销售。",
        _shiquan,
    ),
    "gangcha": Preset(
        "刚察“一核五队”",
        "每个村5支村民工作队（生态文明、产业促进、社会保障、社会治理、文化宣传），成员按月领补贴，月度排名、年终评优；"
        "需求类别按五队分工。",
        _gangcha,
    ),
    "jining": Preset(
        "梁山“第一书记联盟”",
        "联盟下设6个分盟（按“1+1+1”组建，每人限1个分盟），另设宣讲团、专家顾问团（可同时参加）；"
        "需求清单按民生保障、产业发展等7个方面分类，与资源清单、共建清单、督导清单合为“四张清单”。",
        _jining,
    ),
}


# The practices whose lists are four (Jining's 四张清单: 需求、资源、共建、督导): the menu and the
# overview page name them so for a district that applied one.
FOUR_LISTS_PRESETS = {"jining"}


def has_four_lists(district_id):
    return (
        bool(district_id)
        and AppliedPreset.objects.filter(district_id=district_id, preset__in=FOUR_LISTS_PRESETS).exists()
    )


@transaction.atomic
def apply_preset(district, name):
    """Create the district's group kinds, composition rules, scoring scheme and standing groups of
    the practice `name` (a key of PRESETS). Returns what was created."""
    preset = PRESETS.get(name)
    if preset is None:
        raise ValidationError(f"没有名为“{name}”的预设，可选：{'、'.join(PRESETS)}。")
    result = Applied(name)
    preset.build(result, district)
    AppliedPreset.objects.get_or_create(district=district, preset=name)
    return result
