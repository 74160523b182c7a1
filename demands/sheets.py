"""The three lists as the importer reads them (core/sheets.py): each list's columns, the choices
a cell may name with their synonyms (ValueSynonym, the township's villages, the active
categories); the header synonyms and the township's remembered corrections of the column
mapping are added by secretaries/mapping.py, as for every import."""

from collections import defaultdict

from core.sheets import Column, ListSpec, normalise
from demands.models import (
    DemandCategory,
    DemandItem,
    ListKind,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    ValueSynonym,
)
from secretaries.mapping import specs_as_kept
from secretaries.models import Village

VILLAGE_SUFFIXES = ("村委会", "居委会", "社区", "村")


def list_specs(township, user):
    """[ListSpec] for the three lists of an upload for `township` by `user`."""
    values = defaultdict(dict)
    for field, text, means in ValueSynonym.objects.values_list("field", "text", "means"):
        values[field][normalise(text)] = means
    # Names are looked up inside the user's scope and this township: another's is refused later.
    villages = _village_options(Village.objects.for_user(user).filter(township=township).values_list("name", flat=True))
    demand_categories = _options(
        DemandCategory.objects.offered(township.district_id).values_list("name", flat=True), values["需求类别"]
    )
    resource_categories = _options(
        ResourceCategory.objects.filter(active=True).values_list("name", flat=True), values["资源类别"]
    )

    demands, resources, projects = ListKind.DEMANDS, ListKind.RESOURCES, ListKind.PROJECTS
    place = {"expected": township.name, "in_dataset": False}
    specs = [
        ListSpec(
            demands,
            "需求清单",
            [
                Column("村（社区）", kind="choice", required=True, options=villages),
                Column("需求类别", kind="choice", required=True, options=demand_categories, fuzzy=True),
                Column("需求名称", required=True),
                Column("具体内容"),
                Column("紧急程度", kind="choice", options=_labelled(DemandItem.Urgency, values["紧急程度"])),
                Column("期望完成时间", kind="date", warn_past=True, note_into="具体内容"),
                Column("预计资金（元）", kind="amount"),
                Column("联系人"),
                Column("联系电话", kind="phone"),
                Column("乡镇", **place),
                Column("备注", note_into="具体内容", in_dataset=False),
            ],
        ),
        ListSpec(
            resources,
            "资源清单",
            [
                Column("第一书记所在村", kind="choice", required=True, options=villages),
                Column(
                    "来源",
                    kind="choice",
                    options=_labelled(ResourceItem.Source, values["来源"]),
                    default=ResourceItem.Source.PERSONAL.label,
                ),
                Column("资源类别", kind="choice", required=True, options=resource_categories, fuzzy=True),
                Column("资源名称", required=True),
                Column("具体内容"),
                Column("可提供规模"),
                Column("有效期至", kind="date", warn_past=True, note_into="具体内容"),
                Column("乡镇", **place),
                Column("备注", note_into="具体内容", in_dataset=False),
            ],
        ),
        ListSpec(
            projects,
            "项目清单",
            [
                Column("项目名称", required=True),
                Column("村（社区）", kind="choice", required=True, options=villages),
                Column(
                    "状态",
                    kind="choice",
                    required=True,
                    options=_labelled(ProjectItem.Status, values["项目状态"]),
                ),
                Column("项目类别", kind="choice", options=demand_categories, fuzzy=True),
                Column("预算（元）", kind="amount"),
                Column("已争取资金（元）", kind="amount"),
                Column("进度（%）", kind="percent"),
                Column("开始日期", kind="date"),
                Column("完成日期", kind="date"),
                Column("成效"),
                Column("乡镇", **place),
            ],
        ),
    ]
    return specs_as_kept(specs, district_id=township.district_id, township=township)


def _options(names, synonyms):
    names = list(names)
    options = {normalise(text): means for text, means in synonyms.items() if means in names}
    options.update({normalise(name): name for name in names})
    return options


def _labelled(choices, synonyms):
    return _options([str(label) for label in choices.labels], synonyms)


def _village_options(names):
    """A village by its name, or without 村 / 社区 (西庄 → 西庄村), or with 村委会; never by a close
    match: 东庄村 and 西庄村 are one character apart."""
    options = {}
    for name in names:
        for suffix in VILLAGE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                options.setdefault(normalise(name[: -len(suffix)]), name)
        options.setdefault(normalise(f"{name}村委会"), name)
    options.update({normalise(name): name for name in names})
    return options
