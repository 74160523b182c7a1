"""组建要求: a group's make-up against its kind's rules (data on GroupKind, size on the group).

One function says which rule a group breaks and why (`team_composition(...).warnings`), for the
group page and the balanced-split preview alike. Rules, each skipped when the kind leaves it empty:

- size within the group's min_size..max_size;
- ages mixed: no age band holds more than `age_band_max_share` of the secretaries;
- dispatch units shared: no unit sends more than `unit_max_share` of them;
- expertise complementary: at least `min_expertise` expertise categories covered;
- Jining's 1+1+1 (`one_one_one`): a province- or city-sent secretary or work team (several sent
  together by one unit), a county-sent secretary of the group's own township, and a county-sent
  secretary of another township.

Ages, units and expertise are the secretaries'; other members (village cadres, villagers) count
for the size only. Warnings never block a save: the department decides."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from secretaries.models import Expertise, age_on
from teams.models import PIONEER_DEFAULTS, GroupKind, PioneerTeam, TeamMembership

AGE_BANDS = [("35岁以下", 0, 34), ("35-44岁", 35, 44), ("45-54岁", 45, 54), ("55岁及以上", 55, 200)]
# Fangshan's defaults (the 先锋队 kind's): 年龄搭配合理、优势资源共融.
AGE_BAND_MAX_SHARE = PIONEER_DEFAULTS["age_band_max_share"]
UNIT_MAX_SHARE = PIONEER_DEFAULTS["unit_max_share"]
# Dispatching levels for 1+1+1: sent from above the county, or by the county (district) itself.
UPPER_LEVELS = {"central", "province", "city"}
COUNTY_LEVELS = {"district", "county"}


def age_band(age):
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return AGE_BANDS[-1][0]


@dataclass
class Composition:
    team: PioneerTeam
    members: list
    size: int
    age_bands: list  # [(label, count)]
    expertise_covered: list  # [(name, count)]
    expertise_missing: list  # [name]
    units: list  # [(unit name, level label, count)]
    unit_levels: list  # [(level label, count)]
    warnings: list = field(default_factory=list)
    one_one_one: list = field(default_factory=list)  # [(part, who or None)] where the kind asks for 1+1+1


def rules_of(team):
    """The kind whose rules apply; an unsaved team without a kind (the split preview) gets 先锋队's."""
    if team.kind_id is not None:
        return team.kind
    return GroupKind(**PIONEER_DEFAULTS)


def current_members(team):
    return list(
        TeamMembership.objects.current()
        .filter(team=team)
        .select_related("secretary__dispatch_unit", "secretary__village__township", "person__village", "team__kind")
        .prefetch_related("secretary__expertise")
        .order_by("role", "secretary__name", "person__name")
    )


def team_composition(team, *, today=None, members=None, all_expertise=None):
    """The make-up of a group against its kind's rules, with warnings (never a block)."""
    today = today or timezone.localdate()
    if members is None:
        members = current_members(team)
    if all_expertise is None:
        all_expertise = list(Expertise.objects.values_list("name", flat=True))
    secretaries = [m.secretary for m in members if m.secretary is not None]
    bands = Counter(age_band(age_on(s.birth_date, today)) for s in secretaries)
    expertise = Counter(e.name for s in secretaries for e in s.expertise.all())
    units = Counter((s.dispatch_unit.name, s.dispatch_unit.get_level_display()) for s in secretaries)
    levels = Counter(s.dispatch_unit.get_level_display() for s in secretaries)
    composition = Composition(
        team=team,
        members=members,
        size=len(members),
        age_bands=[(label, bands.get(label, 0)) for label, _low, _high in AGE_BANDS],
        expertise_covered=sorted(expertise.items(), key=lambda item: (-item[1], item[0])),
        expertise_missing=[name for name in all_expertise if name not in expertise],
        units=sorted(((name, level, n) for (name, level), n in units.items()), key=lambda u: (-u[2], u[0])),
        unit_levels=sorted(levels.items(), key=lambda item: -item[1]),
    )
    rules = rules_of(team)
    composition.warnings = composition_warnings(team, len(members), bands, units, rules=rules)
    if rules.min_expertise and len(expertise) < rules.min_expertise:
        composition.warnings.append(
            f"业务特长只覆盖 {len(expertise)} 类，少于要求的 {rules.min_expertise} 类（特长互补）。"
        )
    if rules.one_one_one:
        composition.one_one_one, warnings = one_one_one_parts(team, secretaries)
        composition.warnings += warnings
    return composition


def composition_warnings(team, size, bands, units, *, rules=None):
    rules = rules or rules_of(team)
    warnings = []
    if size < team.min_size:
        warnings.append(f"人数 {size} 人，少于下限 {team.min_size} 人。")
    if size > team.max_size:
        warnings.append(f"人数 {size} 人，超过上限 {team.max_size} 人。")
    counted = sum(bands.values())
    if counted and rules.age_band_max_share is not None:
        for label, count in bands.items():
            if count / counted > rules.age_band_max_share:
                warnings.append(
                    f"{label}的队员占 {count}/{counted}，年龄结构偏于单一（超过 {rules.age_band_max_share:.0%}）。"
                )
    if counted and rules.unit_max_share is not None:
        for (unit_name, _level), count in units.items():
            if count > 1 and count / counted > rules.unit_max_share:
                warnings.append(
                    f"来自{unit_name}的队员占 {count}/{counted}，过于集中于一个派出单位（超过 {rules.unit_max_share:.0%}）。"
                )
    return warnings


def one_one_one_parts(team, secretaries):
    """Jining's 1+1+1, by the dispatching unit's level and the secretary's township: the three
    parts, each [(label, who)] with who None when missing, and the warnings.

    The upper part is one province- or city-sent secretary *or one team*: several secretaries sent
    together by the same unit (a 省派党小组 or 市派工作队) count as the one. Upper-sent secretaries of
    two or more units are more than "1" (the seed: each 分盟 holds one such group or team)."""
    if team.township_id is None:
        return [], ["按“1+1+1”组建须先指定本队所属乡镇，才能判断“本乡镇”和“外乡镇”。"]
    by_unit = {}
    for person in secretaries:
        if person.dispatch_unit.level in UPPER_LEVELS:
            by_unit.setdefault(person.dispatch_unit, []).append(person)
    by_unit = dict(sorted(by_unit.items(), key=lambda item: item[0].name))
    county = [s for s in secretaries if s.dispatch_unit.level in COUNTY_LEVELS]
    own = [s for s in county if s.village.township_id == team.township_id]
    other = [s for s in county if s.village.township_id != team.township_id]
    township = team.township.name
    parts = [
        ("1名省派或市派第一书记（或工作队）", _upper_part(by_unit)),
        (f"1名{township}的区县派第一书记", "、".join(s.name for s in own) or None),
        (f"1名{township}以外乡镇的区县派第一书记", "、".join(s.name for s in other) or None),
    ]
    warnings = []
    missing = [label for label, who in parts if who is None]
    if missing:
        warnings.append(f"未达到“1+1+1”：缺少{'、'.join(missing)}。")
    if len(by_unit) > 1:
        units = "、".join(f"{unit.name}{len(people)}名" for unit, people in by_unit.items())
        warnings.append(
            f"未达到“1+1+1”：省派或市派一方应为1名第一书记或同一派出单位的1支工作队，"
            f"现有{len(by_unit)}个派出单位（{units}）。"
        )
    return parts, warnings


def _upper_part(by_unit):
    if not by_unit:
        return None
    return "；".join(
        f"{unit.name}工作队（{len(people)}人：{'、'.join(p.name for p in people)}）"
        if len(people) > 1
        else f"{people[0].name}（{unit.name}）"
        for unit, people in by_unit.items()
    )
