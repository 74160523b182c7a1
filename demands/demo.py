"""Demo data for the three lists: categories and their matching map, the notice template, six
bimonthly rounds of 2026 (the November one open, its deadline just passed), every village's
submission with realistic completeness, ~10 demands per submitting village per round at every
stage of the loop, resources for every secretary and 230 projects.

Deterministic (random.Random(2026)) and idempotent: rounds by period, submissions by the unique
constraint, items/resources/projects only where none exist yet. Bulk inserts keep it fast."""

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from demands.lifecycle import SUBMISSION_DONE
from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandEvent,
    DemandItem,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    RoundNoticeTemplate,
    Submission,
)
from demands.services.rounds import default_round_fields
from secretaries.models import District, Expertise, Secretary, Village

# The demo's "today" (Asia/Shanghai). Nothing is dated after the evening before it, except
# deadlines and planned dates (wanted-by, due, valid-until).
TODAY = date(2026, 11, 24)
ROUND_STARTS = [date(2026, m, 1) for m in (1, 3, 5, 7, 9, 11)]

# name -> (resource categories, expertise) it is matched with.
DEMAND_CATEGORIES = {
    "灾后恢复重建": (["资金支持", "技术指导", "产业帮扶"], ["规划建设", "水利", "安全生产"]),
    "基础设施建设": (["资金支持", "技术指导"], ["规划建设", "水利", "招商引资"]),
    "产业发展": (["产业帮扶", "资金支持", "技术指导"], ["农业技术", "招商引资", "林业", "畜牧养殖", "民宿运营"]),
    "农产品销售": (["农产品促销", "消费帮扶"], ["电商直播", "市场营销"]),
    "人才培训": (["就业培训", "教育支教"], ["教育", "信息化", "电商直播"]),
    "医疗卫生": (["医疗义诊"], ["医疗", "公共卫生", "心理咨询"]),
    "教育": (["教育支教"], ["教育", "心理咨询"]),
    "法律服务": (["法律援助"], ["法律", "矛盾调解"]),
    "人居环境": (["技术指导", "资金支持"], ["环境治理", "规划建设", "林业"]),
    "组织建设": (["文化服务"], ["党建", "宣传文化"]),
    "文化旅游": (["文化服务", "产业帮扶"], ["文旅", "民宿运营", "宣传文化"]),
    "社会治理": (["法律援助"], ["矛盾调解", "社会保障", "安全生产"]),
}
RESOURCE_CATEGORIES = [
    "产业帮扶",
    "法律援助",
    "农产品促销",
    "医疗义诊",
    "教育支教",
    "资金支持",
    "技术指导",
    "文化服务",
    "就业培训",
    "消费帮扶",
]

DEMAND_TITLES = {
    "灾后恢复重建": ["水毁村道修复", "河道护坡加固", "受损农田复垦", "山洪沟清淤", "受灾农户房屋修缮"],
    "基础设施建设": ["村内主路硬化", "安装太阳能路灯", "饮水管网改造", "新建村级停车场", "桥梁加宽", "文化广场改造"],
    "产业发展": ["磨盘柿深加工设备", "黄芩茶种植技术", "精品民宿升级", "林下经济项目", "蜜蜂养殖扩规模", "冷库建设"],
    "农产品销售": ["磨盘柿销路对接", "核桃线上销售", "蜂蜜进社区展销", "小米包装设计", "直播带货培训"],
    "人才培训": ["电商运营培训", "民宿管家培训", "果树修剪技术培训", "村干部财务培训", "青年创业辅导"],
    "医疗卫生": ["老年人健康义诊", "慢病随访", "村卫生室设备更新", "心理健康讲座", "家庭医生签约"],
    "教育": ["暑期课业辅导", "留守儿童陪伴", "村小图书角", "青少年科普活动", "学前教育讲座"],
    "法律服务": ["土地流转合同审查", "法律咨询进村", "邻里纠纷调解", "农民工讨薪援助", "遗产继承咨询"],
    "人居环境": ["垃圾分类设施", "厕所改造", "村庄绿化美化", "污水处理设施维护", "废旧房屋拆除"],
    "组织建设": ["党员活动室改造", "红色党课", "村务公开栏更新", "党员教育培训", "后备干部培养"],
    "文化旅游": ["红叶节宣传推介", "非遗古琴体验", "村史馆布展", "旅游标识牌设置", "民俗文化节策划"],
    "社会治理": ["矛盾纠纷排查", "平安村建设", "防诈骗宣传", "网格员培训", "安全隐患排查"],
}
RESOURCE_TITLES = {
    "产业帮扶": "产业项目对接",
    "法律援助": "法律咨询与合同审查",
    "农产品促销": "单位食堂采购与展销",
    "医疗义诊": "专家义诊进村",
    "教育支教": "志愿支教",
    "资金支持": "帮扶资金",
    "技术指导": "专业技术指导",
    "文化服务": "文艺演出与送书",
    "就业培训": "技能培训",
    "消费帮扶": "消费帮扶订单",
}
PROJECT_NAMES = [
    "精品民宿提升",
    "磨盘柿深加工",
    "黄芩茶基地",
    "林下中药材种植",
    "村庄亮化",
    "饮水安全提升",
    "红色教育基地",
    "电商服务站",
    "乡村旅游步道",
    "冷链仓储",
    "蜂产业合作社",
    "村史馆建设",
]
URGENCY_WEIGHTS = [("low", 50), ("normal", 30), ("high", 15), ("critical", 5)]


def seed(stdout):
    rng = random.Random(2026)
    district = District.objects.filter(name="房山区").first()
    if district is None:
        stdout.write("三张清单：没有找到房山区，跳过。")
        return
    categories = _categories()
    RoundNoticeTemplate.objects.get_or_create(district=district)
    rounds = _rounds(district)
    villages = list(Village.objects.filter(township__district=district).select_related("township"))
    secretaries = list(Secretary.objects.on_post().filter(village__township__district=district).select_related("user"))
    by_village = {s.village_id: s for s in secretaries}
    totals = {"items": 0}
    for collection_round in rounds:
        submissions = _submissions(rng, collection_round, villages, by_village)
        if not collection_round.demands.exists():
            totals["items"] += _demands(rng, collection_round, submissions, categories, secretaries, by_village)
    resources = _resources(rng, secretaries)
    projects = _projects(rng, villages, by_village, categories, rounds)
    stdout.write(
        f"三张清单：{len(rounds)}个征集轮次、新增{totals['items']}条需求、{resources}项资源、{projects}个项目。"
    )


def _categories():
    resource_categories = {
        name: ResourceCategory.objects.get_or_create(name=name, defaults={"sort_order": i})[0]
        for i, name in enumerate(RESOURCE_CATEGORIES)
    }
    expertise = {e.name: e for e in Expertise.objects.all()}
    categories = {}
    for i, (name, (resources, skills)) in enumerate(DEMAND_CATEGORIES.items()):
        category, created = DemandCategory.objects.get_or_create(name=name, district=None, defaults={"sort_order": i})
        if created:
            category.resource_categories.set([resource_categories[r] for r in resources])
            category.expertise.set([expertise[s] for s in skills if s in expertise])
        categories[name] = category
    return categories


def _rounds(district):
    rounds = []
    for start in ROUND_STARTS:
        fields = default_round_fields(district, start)
        collection_round, created = CollectionRound.objects.get_or_create(
            district=district, period_start=start, defaults=fields
        )
        if created:
            is_current = start == ROUND_STARTS[-1]
            collection_round.status = CollectionRound.Status.OPEN if is_current else CollectionRound.Status.CLOSED
            collection_round.opened_at = _at(start, 9)
            collection_round.closed_at = None if is_current else _at(fields["period_end"], 18)
            collection_round.save()
        rounds.append(collection_round)
    return rounds


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _submissions(rng, collection_round, villages, by_village):
    """Most villages on time, some late, a few missing; one in ten submitting says 'no new needs'."""
    existing = {s.village_id: s for s in Submission.objects.filter(round=collection_round)}
    new = []
    deadline = collection_round.deadline
    for village in villages:
        if village.pk in existing:
            continue
        roll = rng.random()
        submission = Submission(round=collection_round, village=village)
        if roll < 0.82:
            day = deadline - timedelta(days=rng.randint(0, 12))
        elif roll < 0.93:
            day = deadline + timedelta(days=rng.randint(1, 6))
        else:
            day = None
        if day is not None and day < TODAY:
            secretary = by_village.get(village.pk)
            submission.status = (
                Submission.Status.ACCEPTED
                if collection_round.status == CollectionRound.Status.CLOSED
                else Submission.Status.SUBMITTED
            )
            submission.submitted_at = _at(day, rng.randint(8, 21), rng.randint(0, 59))
            submission.submitted_by = secretary.user if secretary and secretary.user else None
            submission.on_behalf = secretary is None
            submission.is_nil = rng.random() < 0.1
            submission.resources_confirmed_at = submission.submitted_at if secretary else None
            if submission.status == Submission.Status.ACCEPTED:
                submission.accepted_at = submission.submitted_at + timedelta(days=2)
        new.append(submission)
    Submission.objects.bulk_create(new, ignore_conflicts=True)
    return list(Submission.objects.filter(round=collection_round).select_related("village"))


@contextmanager
def _explicit_timestamps(*fields):
    """Seeded history needs past timestamps; auto_now_add would stamp everything 'now'."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _demands(rng, collection_round, submissions, categories, secretaries, by_village):
    names = list(categories)
    items, plans = [], []
    if collection_round.status != CollectionRound.Status.CLOSED:
        phase = "open"
    elif collection_round.period_start == max(s for s in ROUND_STARTS if s < ROUND_STARTS[-1]):
        phase = "recent"
    else:
        phase = "old"
    for submission in submissions:
        if submission.status not in SUBMISSION_DONE or submission.is_nil:
            continue
        village = submission.village
        local = [s for s in secretaries if s.village.township_id == village.township_id] or secretaries
        for _ in range(rng.randint(7, 13)):
            name = rng.choice(names)
            submitted_at = submission.submitted_at
            urgency = rng.choices([u for u, _ in URGENCY_WEIGHTS], [w for _, w in URGENCY_WEIGHTS])[0]
            item = DemandItem(
                round=collection_round,
                submission=submission,
                village=village,
                category=categories[name],
                title=rng.choice(DEMAND_TITLES[name]),
                detail=f"{village.name}{rng.choice(['群众反映', '村两委研究提出', '入户走访发现'])}，希望予以帮助解决。",
                urgency=urgency,
                wanted_by=collection_round.period_end + timedelta(days=rng.randint(0, 60)),
                estimated_funds=Decimal(rng.choice([0, 5000, 20000, 50000, 100000, 300000])) or None,
                contact_name=by_village[village.pk].name if village.pk in by_village else "村委会",
                contact_phone=by_village[village.pk].phone if village.pk in by_village else "",
                created_by=submission.submitted_by,
                created_at=submitted_at - timedelta(hours=rng.randint(1, 72)),
                submitted_at=submitted_at,
            )
            steps = _loop_steps(rng, item, phase, rng.choice(local))
            items.append(item)
            plans.append(steps)
    with _explicit_timestamps(DemandItem._meta.get_field("created_at")):
        DemandItem.objects.bulk_create(items, batch_size=1000)
    events = []
    for item, steps in zip(items, plans, strict=True):
        previous = DemandItem.Status.DRAFT
        for action, status, at, note in steps:
            events.append(
                DemandEvent(
                    item=item,
                    actor=item.created_by,
                    action=action,
                    from_status=previous,
                    to_status=status,
                    note=note,
                    at=at,
                )
            )
            previous = status
    with _explicit_timestamps(DemandEvent._meta.get_field("at")):
        DemandEvent.objects.bulk_create(events, batch_size=2000)
    return len(items)


def _cutoff(hour):
    """A moment on the evening before TODAY: the latest a seeded event may carry."""
    return _at(TODAY - timedelta(days=1), hour)


# How far along the loop a round's items are. A working department has closed nearly everything
# from the older rounds, has a few long jobs from the last round still going, and is busy with the
# open round; so the supervision list holds tens of items, not most of them.
STAGE_WEIGHTS = {
    "old": {"returned": 4, "in_progress": 0.3, "resolved": 30, "rated": 65.7},
    "recent": {"returned": 4, "in_progress": 3, "resolved": 38, "rated": 55},
    "open": {"submitted": 25, "accepted": 20, "dispatched": 22, "in_progress": 19, "resolved": 14},
}
DUE_DAYS = {"critical": 7, "high": 15}  # other urgencies: 30 days


def _loop_steps(rng, item, phase, assignee):
    """Move the item along the loop and return its events [(action, status, at, note)]."""
    S = DemandItem.Status
    at = item.submitted_at
    steps = [("submit", S.SUBMITTED, at, "")]
    weights = STAGE_WEIGHTS[phase]
    stage = rng.choices(list(weights), list(weights.values()))[0]
    item.status = S.SUBMITTED
    if stage == "submitted":
        return steps
    if stage == "returned":
        item.status = S.RETURNED
        item.return_reason = "需求描述不够具体，请补充规模和预算"
        steps.append(("return", S.RETURNED, at + timedelta(days=2), item.return_reason))
        return steps
    at = min(at + timedelta(days=rng.randint(1, 3)), _cutoff(9))
    item.accepted_at, item.status = at, S.ACCEPTED
    steps.append(("accept", S.ACCEPTED, at, ""))
    if stage == "accepted":
        return steps
    at = min(at + timedelta(days=rng.randint(1, 3)), _cutoff(10))
    item.dispatched_at, item.status = at, S.DISPATCHED
    item.assignee_kind, item.assignee_secretary = DemandItem.AssigneeKind.SECRETARY, assignee
    item.due_date = at.date() + timedelta(days=DUE_DAYS.get(item.urgency, 30))
    item.last_progress_at = at
    steps.append(("dispatch", S.DISPATCHED, at, f"派给第一书记 {assignee.name}"))
    if stage == "dispatched" and (_cutoff(10) - at).days < 10:
        return steps
    resolve_at = None
    if stage in ("resolved", "rated"):
        # Most are resolved within the due date; some run a little over.
        allowed = (item.due_date - at.date()).days
        took = rng.randint(max(2, allowed // 3), allowed) if rng.random() < 0.88 else allowed + rng.randint(1, 15)
        resolve_at = min(at + timedelta(days=took, hours=rng.randint(1, 8)), _cutoff(12))
        at = min(at + timedelta(days=max(1, took // 2)), resolve_at - timedelta(hours=1))
    elif phase != "open":
        # A long job from an earlier round: the due date was extended once when the plan was
        # agreed; about a third have run past even that. Progress is recent (not stale).
        overrun = rng.random() < 0.35
        item.due_date = (
            TODAY - timedelta(days=rng.randint(3, 25)) if overrun else TODAY + timedelta(days=rng.randint(10, 60))
        )
        at = _cutoff(11) - timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 8))
    else:
        # Worked on since dispatch; one in twenty has gone quiet for two weeks or more.
        quiet = rng.random() < 0.05
        latest = _cutoff(11) - timedelta(days=rng.randint(14, 20) if quiet else 0)
        at = max(min(at + timedelta(days=rng.randint(2, 12)), latest), at)
    item.status, item.last_progress_at = S.IN_PROGRESS, at
    steps.append(("progress", S.IN_PROGRESS, at, "已与派出单位对接，正在落实"))
    if stage in ("dispatched", "in_progress"):
        return steps
    at = resolve_at or min(at + timedelta(days=rng.randint(3, 30)), _cutoff(12))
    item.status, item.resolved_at, item.resolved_on = S.RESOLVED, at, timezone.localtime(at).date()
    item.resolution = "已协调解决，村里反映良好"
    item.funds_secured = item.estimated_funds
    steps.append(("resolve", S.RESOLVED, at, item.resolution))
    if stage == "resolved":
        return steps
    at = min(at + timedelta(days=rng.randint(1, 10)), _cutoff(13))
    item.status, item.rated_at = S.RATED, at
    item.rating = rng.choices([5, 4, 3, 2], [62, 28.4, 9, 0.6])[0]
    steps.append(("rate", S.RATED, at, f"{item.rating} 分"))
    return steps


def _resources(rng, secretaries):
    categories = {c.name: c for c in ResourceCategory.objects.all()}
    have = set(ResourceItem.objects.filter(secretary__isnull=False).values_list("secretary_id", flat=True))
    skills = {}
    for secretary in secretaries:
        skills[secretary.pk] = list(secretary.expertise.all())
    new = []
    for secretary in secretaries:
        if secretary.pk in have:
            continue
        for expertise in skills[secretary.pk][:2]:
            category = _resource_category_for(expertise.name, categories, rng)
            new.append(
                ResourceItem(
                    source=ResourceItem.Source.PERSONAL,
                    secretary=secretary,
                    category=category,
                    expertise=expertise,
                    title=f"{expertise.name}咨询与指导",
                    description=f"{secretary.name}可利用{expertise.name}特长，为周边村提供咨询、讲座和现场指导。",
                    capacity=rng.choice(["每月2次", "每季度1次讲座", "随叫随到", "每周半天"]),
                    valid_until=date(2026, 12, 31),
                    confirmed_at=_cutoff(17) - timedelta(days=rng.randint(0, 40)),
                )
            )
        name = rng.choice(RESOURCE_CATEGORIES)
        new.append(
            ResourceItem(
                source=ResourceItem.Source.UNIT,
                secretary=secretary,
                dispatch_unit_id=secretary.dispatch_unit_id,
                category=categories[name],
                title=RESOURCE_TITLES[name],
                description="派出单位可提供的支持，需提前两周对接。",
                capacity=rng.choice(["年度5万元", "每年2次", "10人次/年", "按需"]),
                valid_until=date(2027, 6, 30),
                confirmed_at=_cutoff(17) - timedelta(days=rng.randint(0, 40)),
            )
        )
    ResourceItem.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _resource_category_for(skill, categories, rng):
    for resources, skills in DEMAND_CATEGORIES.values():
        if skill in skills:
            return categories[resources[0]]
    return categories["技术指导"]


def _projects(rng, villages, by_village, categories, rounds):
    if ProjectItem.objects.exists():
        return 0
    names = list(categories)
    projects, links = [], []
    statuses = [("planned", 25), ("ongoing", 45), ("done", 30)]
    for number in range(232):
        village = villages[number % len(villages)]
        status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
        budget = Decimal(rng.choice([50000, 80000, 120000, 200000, 350000, 500000, 1000000]))
        secured = {"planned": Decimal(0), "ongoing": budget * Decimal("0.5"), "done": budget}[status]
        start = date(2026, rng.randint(1, 8 if status == "done" else 10), rng.randint(1, 28))
        projects.append(
            ProjectItem(
                round=rng.choice(rounds),
                title=f"{village.name}{rng.choice(PROJECT_NAMES)}",
                status=status,
                lead_secretary=by_village.get(village.pk),
                category=categories[rng.choice(names)],
                budget=budget,
                funds_secured=secured,
                progress={"planned": 0, "ongoing": rng.randint(10, 90), "done": 100}[status],
                start_date=None if status == "planned" else start,
                end_date=min(start + timedelta(days=rng.randint(30, 120)), TODAY - timedelta(days=rng.randint(5, 30)))
                if status == "done"
                else None,
                outcomes="带动村民增收，集体经济收入增加" if status == "done" else "",
            )
        )
        links.append(village)
    ProjectItem.objects.bulk_create(projects)
    through = ProjectItem.villages.through
    through.objects.bulk_create(
        [through(projectitem_id=p.pk, village_id=v.pk) for p, v in zip(projects, links, strict=True)]
    )
    return len(projects)
