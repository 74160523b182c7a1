"""The three lists as the importer reads them (core/sheets.py): each list's columns with their
header synonyms (HeaderSynonym), the choices a cell may name with their synonyms (ValueSynonym,
the township's villages, the active categories), and the township's remembered corrections of
the column mapping (ColumnMapping)."""

from collections import defaultdict

from core.sheets import Column, ListSpec, normalise
from demands.models import (
    ColumnMapping,
    DemandCategory,
    DemandItem,
    HeaderSynonym,
    ListKind,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    ValueSynonym,
)
from secretaries.models import Village

VILLAGE_SUFFIXES = ("村委会", "居委会", "社区", "村")


def list_specs(township, user):
    """[ListSpec] for the three lists of an upload for `township` by `user`."""
    headers = defaultdict(list)
    for kind, column, text in HeaderSynonym.objects.values_list("kind", "column", "text"):
        headers[kind, column].append(text)
    values = defaultdict(dict)
    for field, text, means in ValueSynonym.objects.values_list("field", "text", "means"):
        values[field][normalise(text)] = means
    remembered = defaultdict(dict)
    for kind, header, column in ColumnMapping.objects.filter(township=township).values_list("kind", "header", "column"):
        remembered[kind][header] = column
    # Names are looked up inside the user's scope and this township: another's is refused later.
    villages = _village_options(Village.objects.for_user(user).filter(township=township).values_list("name", flat=True))
    demand_categories = _options(
        DemandCategory.objects.filter(active=True).values_list("name", flat=True), values["需求类别"]
    )
    resource_categories = _options(
        ResourceCategory.objects.filter(active=True).values_list("name", flat=True), values["资源类别"]
    )

    def column(list_kind, key, **options):
        return Column(key, synonyms=tuple(headers[list_kind, key]), **options)

    demands, resources, projects = ListKind.DEMANDS, ListKind.RESOURCES, ListKind.PROJECTS
    place = {"expected": township.name, "in_dataset": False}
    return [
        ListSpec(
            demands,
            "需求清单",
            [
                column(demands, "村（社区）", kind="choice", required=True, options=villages),
                column(demands, "需求类别", kind="choice", required=True, options=demand_categories, fuzzy=True),
                column(demands, "需求名称", required=True),
                column(demands, "具体内容"),
                column(demands, "紧急程度", kind="choice", options=_labelled(DemandItem.Urgency, values["紧急程度"])),
                column(demands, "期望完成时间", kind="date", warn_past=True, note_into="具体内容"),
                column(demands, "预计资金（元）", kind="amount"),
                column(demands, "联系人"),
                column(demands, "联系电话", kind="phone"),
                column(demands, "乡镇", **place),
                column(demands, "备注", note_into="具体内容", in_dataset=False),
            ],
            remembered[demands],
        ),
        ListSpec(
            resources,
            "资源清单",
            [
                column(resources, "第一书记所在村", kind="choice", required=True, options=villages),
                column(
                    resources,
                    "来源",
                    kind="choice",
                    options=_labelled(ResourceItem.Source, values["来源"]),
                    default=ResourceItem.Source.PERSONAL.label,
                ),
                column(resources, "资源类别", kind="choice", required=True, options=resource_categories, fuzzy=True),
                column(resources, "资源名称", required=True),
                column(resources, "具体内容"),
                column(resources, "可提供规模"),
                column(resources, "有效期至", kind="date", warn_past=True, note_into="具体内容"),
                column(resources, "乡镇", **place),
                column(resources, "备注", note_into="具体内容", in_dataset=False),
            ],
            remembered[resources],
        ),
        ListSpec(
            projects,
            "项目清单",
            [
                column(projects, "项目名称", required=True),
                column(projects, "村（社区）", kind="choice", required=True, options=villages),
                column(
                    projects,
                    "状态",
                    kind="choice",
                    required=True,
                    options=_labelled(ProjectItem.Status, values["项目状态"]),
                ),
                column(projects, "项目类别", kind="choice", options=demand_categories, fuzzy=True),
                column(projects, "预算（元）", kind="amount"),
                column(projects, "已争取资金（元）", kind="amount"),
                column(projects, "进度（%）", kind="percent"),
                column(projects, "开始日期", kind="date"),
                column(projects, "完成日期", kind="date"),
                column(projects, "成效"),
                column(projects, "乡镇", **place),
            ],
            remembered[projects],
        ),
    ]


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


def remember_mapping(township, spec, before, after, user):
    """Keep the township's corrections for its next upload: each column the user mapped otherwise
    than the importer did by itself (`before`: synonyms and earlier corrections; `after`: the
    user's choice) is stored by its header; one set back to what the synonyms say is forgotten."""
    plain = ListSpec(spec.kind, spec.title, spec.columns)  # the synonyms alone
    was = {mapped.index: mapped.key for mapped in before.columns}
    for mapped in after.columns:
        header = normalise(mapped.header)
        if not header or was.get(mapped.index) == mapped.key:
            continue
        if mapped.key == plain.match(mapped.header)[0]:
            ColumnMapping.objects.filter(township=township, kind=spec.kind, header=header).delete()
        else:
            ColumnMapping.objects.update_or_create(
                township=township,
                kind=spec.kind,
                header=header,
                defaults={"column": mapped.key or "", "updated_by": user},
            )
