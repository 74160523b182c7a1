"""A township's round upload (需求清单, 资源清单, 项目清单), checked set-wise and written in bulk.

Reading is core/sheets.py's (demands/excel.py finds the lists in the workbook). Checking loads
every table a row may name once, inside the user's scope and the upload's township (villages,
categories, the villages that may still be filled on their behalf, the secretaries without a
login, each village's lead secretary), then checks each row in memory: the cell rules the
template states (a name from the drop-down, a length, a non-negative amount), then the model's own
`full_clean()` without queries. A row's messages name the header as written and its column letter,
in the order the cells stand. Writing is in bulk, in one transaction: the items, the villages'
submissions (created where missing) and their submission (`submissions_submit`: the items become
报送, each with its event), the change history (django-simple-history's bulk helpers), then
`core.signals.records_written` for the dashboard.

    plan = plan_upload(read, collection_round, township, user)     # read: demands.excel.UploadRead
    plan.outcomes -> {"需求清单": ImportOutcome(...), ...}; plan.ok
    created = write_upload(plan, user)                               # {"需求清单": 3, ...}
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.bulk import history_insert
from core.importing import ImportOutcome, RowError
from core.plans import rows_in, rows_out
from core.sheets import mapping_errors, parse_date
from core.signals import records_written
from demands.lifecycle import SUBMISSION_DONE
from demands.models import DemandCategory, DemandItem, ProjectItem, ResourceCategory, ResourceItem, Submission
from demands.services.lists import submissions_submit, villages_filled_on_behalf
from secretaries.models import Secretary, Village

WRITE_BATCH = 1000  # rows per INSERT statement
PROGRESS_EVERY = 500  # rows between two progress reports
PREVIEW_ROWS = 200  # rows of each list shown in the preview
MAX_FUNDS = Decimal("1e12")

# (key, sheet title): the order the lists are checked, written and reported in.
LISTS = [("demands", "需求清单"), ("resources", "资源清单"), ("projects", "项目清单")]


# Cell rules -------------------------------------------------------------------------------------
# Each returns the value to store or raises ValueError with the Chinese reason (the message the
# user reads, after the header and before the column letter).


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def text(value, max_length=None):
    clean = _text(value)
    if max_length and len(clean) > max_length:
        raise ValueError(f"不能超过{max_length}个字（现有{len(clean)}个字）")
    return clean


def lookup(value, mapping, what, *, required=True, refusals=None):
    """The object a name typed in a cell (picked from the template's drop-down) names. A known name
    it may not take (already submitted, has its own account) is refused with the reason."""
    name = _text(value)
    if refusals and name in refusals:
        raise ValueError(refusals[name])
    if not name:
        if required:
            raise ValueError("不能为空")
        return None
    if name not in mapping:
        raise ValueError(f"“{name}”不是可选的{what}，请从下拉列表中选择")
    return mapping[name]


def amount(value, maximum=None, integer=False):
    if value in (None, ""):
        return None
    try:
        number = Decimal(_text(value).replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ValueError(f"“{value}”不是数字") from None
    if number < 0:
        raise ValueError("不能为负数")
    if maximum is not None and number > maximum:
        raise ValueError(f"不能大于{maximum}")
    if integer:
        if number != number.to_integral_value():
            raise ValueError("应为整数")
        return int(number)
    return number.quantize(Decimal("0.01"))


def day(value):
    if value in (None, ""):
        return None
    return parse_date(value)[0]


def _labels(choices):
    return {str(label): value for value, label in choices}


# Tables loaded once per upload -----------------------------------------------------------------


class Tables:
    """Everything a row of the upload may name, loaded once, inside the user's scope and the township."""

    def __init__(self, collection_round, township, user):
        self.villages = {v.name: v for v in Village.objects.for_user(user).filter(township=township)}
        categories = {c.name: c for c in DemandCategory.objects.offered(township.district_id)}
        self.demand_categories = self.project_categories = categories
        self.resource_categories = {c.name: c for c in ResourceCategory.objects.filter(active=True)}
        done = set(
            Submission.objects.filter(
                round=collection_round, village__township=township, status__in=SUBMISSION_DONE
            ).values_list("village__name", flat=True)
        )
        on_behalf = set(villages_filled_on_behalf(township).values_list("name", flat=True))
        self.demand_refusals = {name: f"“{name}”本轮已报送，如需修改请先在平台上退回该村清单" for name in done}
        self.demand_refusals.update(
            {
                name: f"“{name}”的第一书记有平台账号，需求清单由第一书记本人在平台上填报，乡镇只代报没有账号的村"
                for name in self.villages
                if name not in on_behalf and name not in done
            }
        )
        self.open_villages = {n: v for n, v in self.villages.items() if n not in self.demand_refusals}
        on_post = list(
            Secretary.objects.for_user(user)
            .on_post()
            .filter(village__township=township)
            .select_related("village", "user")
        )
        with_login = {s.pk for s in on_post if s.user is not None and s.user.is_active}
        self.secretaries = {s.village.name: s for s in on_post if s.pk not in with_login}
        self.resource_refusals = {
            s.village.name: f"“{s.village.name}”的第一书记有平台账号，资源清单由其本人在平台上维护"
            for s in on_post
            if s.pk in with_login
        }
        # A project's lead: the village's first secretary on post (in the secretaries' order).
        self.leads = {}
        for secretary in Secretary.objects.on_post().filter(village__in=list(self.villages.values())):
            self.leads.setdefault(secretary.village_id, secretary)
        self._ids = None

    def ids(self):
        """The ids of what a row may name, for checking a kept plan (kept_plan) set-wise."""
        if self._ids is None:
            self._ids = {
                "open_villages": _ids(self.open_villages),
                "villages": _ids(self.villages),
                "demand_categories": _ids(self.demand_categories),
                "resource_categories": _ids(self.resource_categories),
                "secretaries": {s.pk: s for s in self.secretaries.values()},
            }
        return self._ids


# Checking ---------------------------------------------------------------------------------------


@dataclass
class Checked:
    """One list's checked rows: what it would write, and the row errors in the order they are shown."""

    key: str
    title: str
    instances: list = field(default_factory=list)  # model instances, one per good row
    villages: dict = field(default_factory=dict)  # projects: id(instance) -> village id
    errors: list = field(default_factory=list)


class RowCheck:
    """Collects one row's errors as {attribute: [messages]} in the order the checks run, then turns
    them into RowErrors naming the header as written and its column letter."""

    def __init__(self, sheet, columns):
        self.sheet = sheet
        self.columns = columns  # attribute -> the list's column key
        self.where = {m.key: (m.letter, m.header) for m in sheet.columns if m.key}
        self.errors = {}

    def cell(self, instance, attribute, rule, value, *args, **kwargs):
        """Set `attribute` to `rule(value)`; a ValueError is that cell's error."""
        try:
            setattr(instance, attribute, rule(value, *args, **kwargs))
        except ValueError as exc:
            self.errors[attribute] = [str(exc)]

    def model(self, instance, foreign_keys):
        """The model's own validation (validators, blank, lengths, digits) of the fields the list
        sets, in memory: the foreign keys came from the tables above, the cells already refused
        are left out, and the fields no list sets keep their (valid) defaults."""
        unset = {f.name for f in instance._meta.fields} - set(self.columns)
        try:
            instance.full_clean(
                exclude=set(self.errors) | set(foreign_keys) | unset, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for attribute, messages in exc.message_dict.items():
                self.errors.setdefault(attribute, []).extend(messages)

    def row_errors(self, number):
        found = []
        for attribute, messages in self.errors.items():
            if attribute == "__all__":
                found.extend(RowError(number, message) for message in messages)
                continue
            key = self.columns.get(attribute)
            letter, header = self.where.get(key, ("", key)) if key else ("", attribute)
            where = f"（{letter} 列）" if letter else ""
            found.extend(RowError(number, f"{header}：{message}{where}") for message in messages)
        return found


DEMAND_COLUMNS = {
    "village": "村（社区）",
    "category": "需求类别",
    "title": "需求名称",
    "detail": "具体内容",
    "urgency": "紧急程度",
    "wanted_by": "期望完成时间",
    "estimated_funds": "预计资金（元）",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}
DEMAND_FOREIGN_KEYS = ["round", "submission", "village", "category", "created_by"]


def _check_demand(check, record, tables, collection_round, user):
    item = DemandItem(
        round=collection_round, status=DemandItem.Status.DRAFT, channel=DemandItem.Channel.LIST, created_by=user
    )
    get = record.get
    check.cell(item, "village", lookup, get("村（社区）"), tables.open_villages, "本乡镇的村（社区）", refusals=tables.demand_refusals)  # fmt: skip
    check.cell(item, "category", lookup, get("需求类别"), tables.demand_categories, "需求类别")
    check.cell(item, "title", text, get("需求名称"), 100)
    check.cell(item, "detail", text, get("具体内容"))
    check.cell(
        item, "urgency", lookup, get("紧急程度"), _labels(DemandItem.Urgency.choices), "紧急程度", required=False
    )
    if "urgency" not in check.errors and not item.urgency:
        item.urgency = DemandItem.Urgency.LOW
    check.cell(item, "wanted_by", day, get("期望完成时间"))
    check.cell(item, "estimated_funds", amount, get("预计资金（元）"), MAX_FUNDS)
    check.cell(item, "contact_name", text, get("联系人"), 30)
    check.cell(item, "contact_phone", text, get("联系电话"), 20)
    check.model(item, DEMAND_FOREIGN_KEYS)
    return item


RESOURCE_COLUMNS = {
    "secretary": "第一书记所在村",
    "source": "来源",
    "category": "资源类别",
    "title": "资源名称",
    "description": "具体内容",
    "capacity": "可提供规模",
    "valid_until": "有效期至",
}
RESOURCE_FOREIGN_KEYS = ["secretary", "dispatch_unit", "category", "expertise"]


def _check_resource(check, record, tables, now):
    item = ResourceItem()
    get = record.get
    check.cell(item, "secretary", lookup, get("第一书记所在村"), tables.secretaries, "本乡镇没有平台账号的在岗第一书记所在村", refusals=tables.resource_refusals)  # fmt: skip
    check.cell(item, "source", lookup, get("来源"), _labels(ResourceItem.Source.choices), "来源")
    check.cell(item, "category", lookup, get("资源类别"), tables.resource_categories, "资源类别")
    check.cell(item, "title", text, get("资源名称"), 100)
    check.cell(item, "description", text, get("具体内容"))
    check.cell(item, "capacity", text, get("可提供规模"), 100)
    check.cell(item, "valid_until", day, get("有效期至"))
    check.model(item, RESOURCE_FOREIGN_KEYS)
    if item.source == ResourceItem.Source.UNIT and item.secretary is not None:
        item.dispatch_unit_id = item.secretary.dispatch_unit_id
    item.confirmed_at = now
    return item


PROJECT_COLUMNS = {
    "title": "项目名称",
    "import_village": "村（社区）",
    "status": "状态",
    "category": "项目类别",
    "budget": "预算（元）",
    "funds_secured": "已争取资金（元）",
    "progress": "进度（%）",
    "start_date": "开始日期",
    "end_date": "完成日期",
    "outcomes": "成效",
}
PROJECT_FOREIGN_KEYS = ["round", "lead_secretary", "category", "created_by"]


def _check_project(check, record, tables, collection_round, user):
    project = ProjectItem(round=collection_round, created_by=user)
    get = record.get
    check.cell(project, "title", text, get("项目名称"), 100)
    check.cell(project, "import_village", lookup, get("村（社区）"), tables.villages, "本乡镇的村（社区）")
    check.cell(project, "status", lookup, get("状态"), _labels(ProjectItem.Status.choices), "项目状态")
    check.cell(project, "category", lookup, get("项目类别"), tables.project_categories, "项目类别", required=False)
    check.cell(project, "budget", amount, get("预算（元）"), MAX_FUNDS)
    check.cell(project, "funds_secured", amount, get("已争取资金（元）"), MAX_FUNDS)
    check.cell(project, "progress", amount, get("进度（%）"), 100, integer=True)
    for attribute in ("funds_secured", "progress"):
        if attribute not in check.errors and getattr(project, attribute) is None:
            setattr(project, attribute, 0)
    check.cell(project, "start_date", day, get("开始日期"))
    check.cell(project, "end_date", day, get("完成日期"))
    check.cell(project, "outcomes", text, get("成效"))
    if project.start_date and project.end_date and project.end_date < project.start_date:
        check.errors.setdefault("end_date", ["完成日期不能早于开始日期"])
    check.model(project, PROJECT_FOREIGN_KEYS)
    village = getattr(project, "import_village", None)
    if village is not None:
        project.lead_secretary = tables.leads.get(village.pk)
    return project


COLUMNS = {"demands": DEMAND_COLUMNS, "resources": RESOURCE_COLUMNS, "projects": PROJECT_COLUMNS}


@dataclass
class UploadPlan:
    """What a checked upload would write, list by list, and each list's outcome for the preview."""

    collection_round: object
    township: object
    checked: dict = field(default_factory=dict)  # title -> Checked
    outcomes: dict = field(default_factory=dict)  # title -> ImportOutcome

    @property
    def ok(self):
        return all(outcome.ok for outcome in self.outcomes.values())


def plan_upload(read, collection_round, township, user, *, progress=None):
    """Check every row of every list in `read` (demands.excel.UploadRead): an UploadPlan."""
    plan = UploadPlan(collection_round, township)
    tables = Tables(collection_round, township, user)
    now = timezone.now()
    total = sum(len(sheet.records) for sheet in read.sheets.values()) or 1
    done = 0
    for key, title in LISTS:
        sheet = read.sheets.get(key)
        if sheet is None:
            continue
        refused = _refused_sheet(sheet)
        if refused is not None:
            plan.outcomes[title] = refused
            continue
        checked = Checked(key, title)
        for number, record in sheet.records:
            if progress and done % PROGRESS_EVERY == 0:
                progress(done / total)
            done += 1
            check = RowCheck(sheet, COLUMNS[key])
            if key == "demands":
                instance = _check_demand(check, record, tables, collection_round, user)
            elif key == "resources":
                instance = _check_resource(check, record, tables, now)
            else:
                instance = _check_project(check, record, tables, collection_round, user)
                village = getattr(instance, "import_village", None)
                checked.villages[id(instance)] = village.pk if village is not None else None
            if check.errors:
                checked.errors.extend(check.row_errors(number))
            else:
                checked.instances.append(instance)
        plan.checked[title] = checked
        # The reader's own messages come first within a row (a stable sort keeps each one's order).
        errors = sorted(sheet.errors + checked.errors, key=lambda error: error.row)
        plan.outcomes[title] = ImportOutcome(
            ok=not errors,
            errors=errors,
            warnings=sheet.warnings,
            totals={"rows": len(sheet.records), "new": len(checked.instances)},
            rows=[dict(record) for _number, record in sheet.records[:PREVIEW_ROWS]],
            row_numbers=[number for number, _record in sheet.records[:PREVIEW_ROWS]],
            sheet=getattr(sheet, "name", title),
        )
    return plan


def _refused_sheet(sheet):
    """The outcome of a list whose header cannot be imported as mapped, or None."""
    errors = mapping_errors(sheet)
    return ImportOutcome(ok=False, errors=errors) if errors else None


# Writing ----------------------------------------------------------------------------------------


def write_upload(plan, user, *, progress=None):
    """Write a checked plan (every list ok) in bulk; call inside a transaction. Returns
    {title: rows written}. Raises demands.services.lists.ListError when a village's list can no
    longer be submitted (the caller undoes the transaction)."""
    created = {}
    checked = plan.checked
    if "需求清单" in checked:
        items = checked["需求清单"].instances
        submissions = _submissions(plan.collection_round, {item.village_id for item in items}, user)
        now = timezone.now()
        for item in items:  # written as 报送: submissions_submit gives them their events
            item.submission = submissions[item.village_id]
            item.status, item.submitted_at = DemandItem.Status.SUBMITTED, now
        DemandItem.objects.bulk_create(items, batch_size=WRITE_BATCH)
        created["需求清单"] = len(items)
        if progress:
            progress(0.8)
        submissions_submit(sorted(submissions.values(), key=lambda s: s.pk), user, submitted=items)
        records_written.send(sender=DemandItem)
    if "资源清单" in checked:
        resources = checked["资源清单"].instances
        _create_with_history(resources, ResourceItem, user)
        created["资源清单"] = len(resources)
        records_written.send(sender=ResourceItem)
    if "项目清单" in checked:
        projects = checked["项目清单"].instances
        _create_with_history(projects, ProjectItem, user)
        through = ProjectItem.villages.through
        villages = checked["项目清单"].villages
        through.objects.bulk_create(
            [through(projectitem_id=p.pk, village_id=villages[id(p)]) for p in projects if villages.get(id(p))],
            batch_size=WRITE_BATCH,
        )
        created["项目清单"] = len(projects)
        records_written.send(sender=ProjectItem)
    return created


def _create_with_history(instances, model, user):
    model.objects.bulk_create(instances, batch_size=WRITE_BATCH)
    history_insert(model, [instance.pk for instance in instances], user=user)


def _submissions(collection_round, village_ids, user):
    """{village id: Submission} of the round for `village_ids`, created (with their history) where missing."""
    found = {s.village_id: s for s in Submission.objects.filter(round=collection_round, village__in=village_ids)}
    missing = [Submission(round=collection_round, village_id=pk) for pk in sorted(village_ids) if pk not in found]
    if missing:
        _create_with_history(missing, Submission, user)
        found.update(
            {s.village_id: s for s in Submission.objects.filter(round=collection_round, village__in=village_ids)}
        )
        records_written.send(sender=Submission)
    return found


# The checked plan a preview keeps for its confirm (core/plans.py) --------------------------------
# Each list's rows as they will be written (a project with its village). The confirm loads the
# upload's tables again (a few queries) and writes the rows only when every village, secretary,
# category and lead they name is still one the upload may name, as the preview found it.

KEPT_FIELDS = {
    "需求清单": (DemandItem, ["round", "village", "category", "title", "detail", "urgency", "wanted_by",
                              "estimated_funds", "contact_name", "contact_phone", "status", "channel", "created_by"]),
    "资源清单": (ResourceItem, ["secretary", "dispatch_unit", "source", "category", "title", "description",
                                "capacity", "valid_until"]),
    "项目清单": (ProjectItem, ["round", "title", "status", "category", "budget", "funds_secured", "progress",
                              "start_date", "end_date", "outcomes", "lead_secretary", "created_by"]),
}  # fmt: skip


def kept_rows(plan):
    """The plan's rows, JSON-ready, for core.importing.plan_keep."""
    rows = {}
    for title, checked in plan.checked.items():
        _model, names = KEPT_FIELDS[title]
        rows[title] = {
            "rows": rows_out(checked.instances, names),
            "villages": [checked.villages.get(id(instance)) for instance in checked.instances],
        }
    return rows


def kept_plan(rows, collection_round, township, user):
    """The UploadPlan of kept rows (outcomes apart), or None when what they name changed since the
    preview: a village now submitted or with its own secretary's login, a category retired, a
    secretary off post or given a login, another unit or lead."""
    tables = Tables(collection_round, township, user)
    now = timezone.now()
    plan = UploadPlan(collection_round, township)
    for title, kept in rows.items():
        model, names = KEPT_FIELDS[title]
        checked = Checked(dict(LISTS_BY_TITLE)[title], title, instances=rows_in(model, names, kept["rows"]))
        for instance, village_id in zip(checked.instances, kept["villages"], strict=True):
            if not _still_valid(title, instance, village_id, tables):
                return None
            if title == "资源清单":
                instance.confirmed_at = now
            if village_id is not None:
                checked.villages[id(instance)] = village_id
        plan.checked[title] = checked
    return plan


LISTS_BY_TITLE = [(title, key) for key, title in LISTS]


def _ids(mapping):
    return {obj.pk for obj in mapping.values()}


def _still_valid(title, instance, village_id, tables):
    ids = tables.ids()
    if title == "需求清单":
        return instance.village_id in ids["open_villages"] and instance.category_id in ids["demand_categories"]
    if title == "资源清单":
        secretary = ids["secretaries"].get(instance.secretary_id)
        unit = secretary.dispatch_unit_id if secretary and instance.source == ResourceItem.Source.UNIT else None
        return secretary is not None and instance.dispatch_unit_id == unit and instance.category_id in ids["resource_categories"]  # fmt: skip
    lead = tables.leads.get(village_id)
    return (
        village_id in ids["villages"]
        and instance.category_id in ids["demand_categories"] | {None}
        and instance.lead_secretary_id == (lead.pk if lead else None)
    )
