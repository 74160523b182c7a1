"""The department's own workbooks of secretaries, villages and dispatch units, read as kept and
imported set-wise.

Reading is core/sheets.py's, as for the three lists: the header is found under title rows, the
list stops at the footer, columns are mapped by their header or a synonym (data, added by
secretaries/mapping.py with the corrections this district made last time; the user may correct
the mapping in the preview, `chosen`), values are read as people write them (dates, phones,
full-width digits). Checking is set-wise: every table a row
names is loaded once, inside the importer's scope (another district's township is 不存在), and
the rows are checked in memory by the models' own `clean()` and validators plus the rules that
span rows (one secretary on post per village and batch, no row twice). Writing is in bulk, in one
transaction, with the change history (django-simple-history's bulk helpers) and
`core.signals.records_written` for the dashboard. All or nothing.

    outcome = people_import("secretaries", upload, user, confirm=False)   # preview
    outcome = people_import("secretaries", upload, user, confirm=False, chosen={"8": "派驻村"}, remember=True)
    outcome = people_import("secretaries", upload, user, confirm=True)    # write
    outcome.ok, outcome.errors -> [RowError(row=7, message="手机号码：“12345”不是有效的电话号码…（D 列）")]
"""

from dataclasses import dataclass, field, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.bulk import history_insert, insert_rows, update_rows
from core.importing import (
    EmptySheetError,
    ImportFileError,
    ImportOutcome,
    RowError,
    open_xlsx,
    plan_forget,
    plan_keep,
    plan_load,
    preview_open,
)
from core.jobs import job_claim, job_fail, job_run
from core.models import ImportJob
from core.plans import STALE_MESSAGE, facts_hold, rows_in, rows_out, snapshot
from core.scoping import scope_for
from core.sheets import (
    Column,
    ListSheet,
    ListSpec,
    SheetError,
    mapping_errors,
    normalise,
    read_header,
    read_list,
    recognise,
)
from core.signals import records_written
from secretaries.mapping import remember_mapping, specs_as_kept
from secretaries.models import AreaBranch, Batch, DispatchUnit, Expertise, Secretary, Township, Village
from secretaries.models_import import register_import_columns

WRITE_BATCH = 1000  # rows per INSERT / UPDATE statement
PROGRESS_EVERY = 500  # rows between two progress reports
PREVIEW_ROWS = 200  # rows shown in the preview
CHANGE_REASON = "Excel 导入"
BIRTH_EARLIEST = date(1900, 1, 1)


def _labels(choices):
    """{normalised spelling: label} for a choice column: by its label or its stored value (村 → 行政村)."""
    options = {normalise(value): str(label) for value, label in choices}
    options.update({normalise(label): str(label) for _value, label in choices})
    return options


def _values(choices):
    return {str(label): value for value, label in choices}


# The columns of each workbook, by the template's header. The other spellings people use are data
# (HeaderSynonym, edited in the admin; secretaries/mapping.py adds them).
SPECS = {
    "secretaries": ListSpec(
        "secretaries",
        "第一书记",
        [
            Column("姓名", required=True),
            Column("性别", kind="choice", required=True, options=_labels(Secretary.Gender.choices)),
            Column("出生日期", kind="date", required=True, earliest=BIRTH_EARLIEST),
            Column("手机号码", kind="phone", required=True),
            Column("身份证号"),
            Column("派出单位", required=True),
            Column("批次", required=True),
            Column("乡镇", required=True),
            Column("派驻村", required=True),
            Column("片区临时党支部"),
            Column("个人特长"),
            Column("任期开始", kind="date", required=True),
            Column("任期结束", kind="date", required=True),
            Column("状态", kind="choice", options=_labels(Secretary.Status.choices), default="在岗"),
        ],
    ),
    "villages": ListSpec(
        "villages",
        "村（社区）",
        [
            Column("乡镇", required=True),
            Column("村名", required=True),
            Column("类型", kind="choice", required=True, options=_labels(Village.KIND_CHOICES)),
            Column("户籍人口", kind="integer"),
            Column("户数", kind="integer"),
            Column("备注"),
        ],
    ),
    "units": ListSpec(
        "units",
        "派出单位",
        [
            Column("单位名称", required=True),
            Column("层级", kind="choice", required=True, options=_labels(DispatchUnit.LEVEL_CHOICES)),
            Column("性质", kind="choice", required=True, options=_labels(DispatchUnit.KIND_CHOICES)),
            Column("联系人"),
            Column("联系电话", kind="phone"),
        ],
    ),
}
LABELS = {"secretaries": "第一书记", "villages": "村（社区）", "units": "派出单位"}
for _kind, _spec in SPECS.items():
    register_import_columns(_kind, [column.key for column in _spec.columns])


def template_headers(kind):
    """(required, optional) headers of the kind's blank template."""
    columns = SPECS[kind].columns
    return [c.key for c in columns if c.required], [c.key for c in columns if not c.required]


@dataclass
class Plan:
    """What a checked sheet would write."""

    model: type
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    update_fields: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    expertise: dict = field(default_factory=dict)  # secretaries: id(instance) -> [expertise ids]
    facts: object = None  # () -> [core.plans.snapshot]: what the checks relied on, for the confirm


class Checker:
    """Row errors named as the sheet names them: the header as written and its column letter."""

    def __init__(self, sheet, plan):
        self.sheet = sheet
        self.plan = plan
        self.where = {m.key: (m.letter, m.header) for m in sheet.columns if m.key}
        self.reported = set(sheet.failed)  # (row, key): one message per cell

    def error(self, row, key, message):
        self.reported.add((row, key))
        letter, header = self.where.get(key, ("", key))
        self.plan.errors.append(RowError(row, f"{header}：{message}" + (f"（{letter} 列）" if letter else "")))

    def required(self, row, record, *keys):
        """True when every key has a value; each missing one is an error (unless already reported)."""
        ok = True
        for key in keys:
            if record.get(key) in (None, ""):
                ok = False
                if (row, key) not in self.reported:
                    self.error(row, key, "不能为空")
        return ok

    def choice(self, row, record, key, values, what):
        """The stored value of a choice column (男 → M), or None with an error."""
        label = record.get(key)
        if label in (None, ""):
            return None
        if label not in values:
            self.error(row, key, f"“{label}”不是有效的{what}，可选：{'、'.join(values)}")
            return None
        return values[label]

    def named(self, row, record, key, table):
        """The row of `table` ({name: [objects]}) the cell names, or None with an error."""
        name = record.get(key)
        if name in (None, ""):
            return None
        found = table.get(name, [])
        if not found:
            self.error(row, key, f"“{name}”不存在，请先在系统中添加或检查名称")
            return None
        if len(found) > 1:
            self.error(row, key, f"“{name}”有重名，无法确定是哪一个")
            return None
        return found[0]

    def model(self, row, instance, keys_by_field, exclude):
        """Run the model's own validation (validators, clean()) in memory: no query, since the
        foreign keys (looked up above) and the constraints (checked set-wise) are left out."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                key = keys_by_field.get(field_name)
                if key and (row, key) in self.reported:
                    continue
                for message in messages:
                    if key:
                        self.error(row, key, message)
                    else:
                        self.plan.errors.append(RowError(row, message))


def _by_name(queryset):
    table = {}
    for obj in queryset:
        table.setdefault(obj.name, []).append(obj)
    return table


def _progress_every(records, progress, start, share):
    """Yield the records, reporting progress from `start` over `share` of the whole."""
    total = len(records) or 1
    for position, item in enumerate(records):
        if progress and position % PROGRESS_EVERY == 0:
            progress(start + share * position / total)
        yield item


# Secretaries -------------------------------------------------------------------------------------

SECRETARY_FIELDS = {
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "phone": "手机号码",
    "id_number": "身份证号",
    "dispatch_unit": "派出单位",
    "batch": "批次",
    "village": "派驻村",
    "area_branch": "片区临时党支部",
    "term_start": "任期开始",
    "term_end": "任期结束",
    "status": "状态",
}
SECRETARY_FOREIGN_KEYS = ["dispatch_unit", "batch", "village", "area_branch", "user"]


def _plan_secretaries(sheet, user, progress):
    plan = Plan(model=Secretary)
    check = Checker(sheet, plan)
    present = {m.key for m in sheet.columns if m.key} | {c.key for c in sheet.spec.columns if c.default}
    townships = _by_name(Township.objects.for_user(user))
    villages = {(v.township_id, v.name): v for v in Village.objects.for_user(user)}
    units = _by_name(DispatchUnit.objects.all())
    batches = _by_name(Batch.objects.all())
    branches = _by_name(AreaBranch.objects.for_user(user))
    expertise = {e.name: e.pk for e in Expertise.objects.all()}
    existing = {}
    for secretary in Secretary.objects.for_user(user).order_by("pk"):
        existing.setdefault((secretary.name, secretary.village_id), secretary)
    genders, statuses = _values(Secretary.Gender.choices), _values(Secretary.Status.choices)
    seen = {}  # (name, village id) -> row
    rows = []  # (row, instance) of the rows that name a village
    for number, record in _progress_every(sheet.records, progress, 0.0, 0.6):
        check.required(number, record, *[c.key for c in sheet.spec.columns if c.required])
        village = None
        township = check.named(number, record, "乡镇", townships)
        if township is not None and record.get("派驻村"):
            village = villages.get((township.pk, record["派驻村"]))
            if village is None:
                check.error(number, "派驻村", f"乡镇“{township.name}”下没有村“{record['派驻村']}”")
        name = " ".join(str(record.get("姓名") or "").split())
        instance = existing.get((name, village.pk)) if village else None
        if village is not None and name:
            if (name, village.pk) in seen:
                check.error(number, "姓名", f"“{name}”（{village.name}）与第 {seen[name, village.pk]} 行重复")
                continue
            seen[name, village.pk] = number
        instance = instance or Secretary()
        values = {
            "name": name,
            "gender": check.choice(number, record, "性别", genders, "性别"),
            "birth_date": record.get("出生日期"),
            "phone": record.get("手机号码") or "",
            "id_number": record.get("身份证号") or "",
            "dispatch_unit": check.named(number, record, "派出单位", units),
            "batch": check.named(number, record, "批次", batches),
            "village": village,
            "area_branch": check.named(number, record, "片区临时党支部", branches),
            "term_start": record.get("任期开始"),
            "term_end": record.get("任期结束"),
            "status": check.choice(number, record, "状态", statuses, "状态"),
        }
        for attribute, value in values.items():
            if SECRETARY_FIELDS[attribute] in present or attribute == "village":
                setattr(instance, attribute, value)
        check.model(number, instance, SECRETARY_FIELDS, SECRETARY_FOREIGN_KEYS)
        if "个人特长" in present:
            names = [
                p.strip() for p in str(record.get("个人特长") or "").replace("，", "、").replace(",", "、").split("、")
            ]
            unknown = [n for n in names if n and n not in expertise]
            if unknown:
                check.error(number, "个人特长", f"“{'、'.join(unknown)}”不存在")
            plan.expertise[id(instance)] = [expertise[n] for n in names if n in expertise]
        (plan.updates if instance.pk else plan.creates).append(instance)
        rows.append((number, instance))
    _check_one_on_post(rows, existing.values(), check)
    plan.update_fields = [*SECRETARY_FIELDS, "updated_at"]

    def facts():
        written = plan.creates + plan.updates
        chosen = {pk for ids in plan.expertise.values() for pk in ids}

        def names(table, attname):  # the names of `table` ({name: [objects]}) the rows refer to
            used = {getattr(i, attname) for i in written}
            return {(name,) for name, found in table.items() if any(obj.pk in used for obj in found)}

        return [
            snapshot(user, Township, ("name",), {(r["乡镇"],) for _n, r in sheet.records}),
            snapshot(user, Village, ("township", "name"), {(i.village.township_id, i.village.name) for i in written}),
            snapshot(user, DispatchUnit, ("name",), names(units, "dispatch_unit_id"), scoped=False),
            snapshot(user, Batch, ("name",), names(batches, "batch_id"), scoped=False),
            snapshot(user, AreaBranch, ("name",), names(branches, "area_branch_id")),
            snapshot(user, Expertise, ("name",), {(n,) for n, pk in expertise.items() if pk in chosen}, scoped=False),
            # Who is in the villages the file names, as stored: the rows to update unchanged, none
            # added with a name to create, no other secretary put on post there.
            snapshot(user, Secretary, ("village",), {(i.village_id,) for i in written}, versions=True),
        ]

    plan.facts = facts
    return plan


def _check_one_on_post(rows, existing, check):
    """One secretary on post per village and batch (the model's constraint), over the file and
    the secretaries the file leaves as they are."""
    touched = {instance.pk for _row, instance in rows if instance.pk}
    holders = {
        (s.village_id, s.batch_id): s.pk
        for s in existing
        if s.status == Secretary.Status.ON_POST and s.pk not in touched
    }
    claimed = {}
    for number, instance in rows:
        if instance.status != Secretary.Status.ON_POST or not instance.village_id or not instance.batch_id:
            continue
        key = instance.village_id, instance.batch_id
        if key in holders or key in claimed:
            message = "该村在本批次已有在岗第一书记"
            check.error(number, "派驻村", message + (f"（第 {claimed[key]} 行）" if key in claimed else ""))
        else:
            claimed[key] = number


def _write_secretaries(plan, user):
    _write(plan, user)
    through = Secretary.expertise.through
    chosen = [
        (instance.pk, ids)
        for instance in plan.creates + plan.updates
        if (ids := plan.expertise.get(id(instance))) is not None
    ]
    for start in range(0, len(chosen), WRITE_BATCH):
        through.objects.filter(secretary_id__in=[pk for pk, _ids in chosen[start : start + WRITE_BATCH]]).delete()
    insert_rows(through, ["secretary", "expertise"], [(pk, expertise_id) for pk, ids in chosen for expertise_id in ids])


# Villages and units ------------------------------------------------------------------------------

VILLAGE_FIELDS = {
    "township": "乡镇",
    "name": "村名",
    "kind": "类型",
    "population": "户籍人口",
    "households": "户数",
    "notes": "备注",
}


def _plan_villages(sheet, user, progress):
    plan = Plan(model=Village, update_fields=["kind", "population", "households", "notes"])
    check = Checker(sheet, plan)
    present = {m.key for m in sheet.columns if m.key}
    townships = _by_name(Township.objects.for_user(user))
    existing = {(v.township_id, v.name): v for v in Village.objects.for_user(user)}
    kinds = _values(Village.KIND_CHOICES)
    seen = {}
    for number, record in _progress_every(sheet.records, progress, 0.0, 0.6):
        check.required(number, record, "乡镇", "村名", "类型")
        township = check.named(number, record, "乡镇", townships)
        name = " ".join(str(record.get("村名") or "").split())
        if township is not None and name:
            if (township.pk, name) in seen:
                check.error(number, "村名", f"“{name}”与第 {seen[township.pk, name]} 行重复")
                continue
            seen[township.pk, name] = number
        instance = existing.get((township.pk, name)) if township else None
        instance = instance or Village(township=township, name=name)
        instance.kind = check.choice(number, record, "类型", kinds, "类型")
        for attribute in ("population", "households", "notes"):
            if VILLAGE_FIELDS[attribute] in present:
                setattr(
                    instance,
                    attribute,
                    record.get(VILLAGE_FIELDS[attribute]) if attribute != "notes" else record.get("备注") or "",
                )
        check.model(number, instance, VILLAGE_FIELDS, ["township"])
        (plan.updates if instance.pk else plan.creates).append(instance)
    plan.facts = lambda: [
        snapshot(user, Township, ("name",), {(r["乡镇"],) for _n, r in sheet.records}),
        # the rows to update unchanged, none added with a name the file creates
        snapshot(
            user,
            Village,
            ("township", "name"),
            {(i.township_id, i.name) for i in plan.creates + plan.updates},
            versions=True,
        ),  # fmt: skip
    ]
    return plan


UNIT_FIELDS = {
    "name": "单位名称",
    "level": "层级",
    "kind": "性质",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}


def _plan_units(sheet, user, progress):
    plan = Plan(model=DispatchUnit, update_fields=["level", "kind", "contact_name", "contact_phone"])
    check = Checker(sheet, plan)
    present = {m.key for m in sheet.columns if m.key}
    existing = {unit.name: unit for unit in DispatchUnit.objects.all()}  # shared by the installation
    levels, kinds = _values(DispatchUnit.LEVEL_CHOICES), _values(DispatchUnit.KIND_CHOICES)
    seen = {}
    for number, record in _progress_every(sheet.records, progress, 0.0, 0.6):
        check.required(number, record, "单位名称", "层级", "性质")
        name = " ".join(str(record.get("单位名称") or "").split())
        if name in seen:
            check.error(number, "单位名称", f"“{name}”与第 {seen[name]} 行重复")
            continue
        seen[name] = number
        instance = existing.get(name) or DispatchUnit(name=name)
        instance.level = check.choice(number, record, "层级", levels, "层级")
        instance.kind = check.choice(number, record, "性质", kinds, "性质")
        for attribute in ("contact_name", "contact_phone"):
            if UNIT_FIELDS[attribute] in present:
                setattr(instance, attribute, record.get(UNIT_FIELDS[attribute]) or "")
        check.model(number, instance, UNIT_FIELDS, [])
        (plan.updates if instance.pk else plan.creates).append(instance)
    plan.facts = lambda: [
        snapshot(
            user, DispatchUnit, ("name",), {(i.name,) for i in plan.creates + plan.updates}, scoped=False, versions=True
        )  # fmt: skip
    ]
    return plan


def _write(plan, user):
    """The rows in bulk, then their change history copied from them as stored (core.bulk)."""
    now = timezone.now()
    for instance in plan.updates:
        if hasattr(instance, "updated_at"):
            instance.updated_at = now
    plan.model.objects.bulk_create(plan.creates, batch_size=WRITE_BATCH)
    history_insert(plan.model, [instance.pk for instance in plan.creates], user=user, reason=CHANGE_REASON)
    if plan.updates:
        update_rows(plan.model, plan.updates, plan.update_fields)
        pks = [instance.pk for instance in plan.updates]
        history_insert(plan.model, pks, user=user, reason=CHANGE_REASON, history_type="~")


PLANS = {"secretaries": _plan_secretaries, "villages": _plan_villages, "units": _plan_units}
SPECS_MODELS = {"secretaries": Secretary, "villages": Village, "units": DispatchUnit}
WRITERS = {"secretaries": _write_secretaries, "villages": _write, "units": _write}


# The import --------------------------------------------------------------------------------------


def people_spec(kind, user):
    """The kind's columns with the header synonyms (data) and the corrections the department of
    `user`'s district made last time (never another district's)."""
    return specs_as_kept([SPECS[kind]], district_id=scope_for(user).district_id)[0]


def read_sheet(spec, upload, *, chosen=None):
    """Find the spec's sheet in the workbook (by its name or its header; else the first sheet)
    and read it with the user's correction of the mapping, `chosen` ({column index: key}):
    (core.sheets.ListSheet, its header as mapped without `chosen`, or None without a choice). A
    header that lacks a required column is read all the same (the preview offers to map it).
    Raises ImportFileError (Chinese) for a file that cannot be read as the list at all."""
    with open_xlsx(upload) as book:
        name, rows = None, []
        for title in book.sheetnames:
            sheet_rows = book.rows(title)
            if sheet_rows and recognise(title, sheet_rows, [spec]):
                name, rows = title, sheet_rows
                break
        if name is None:
            name = book.sheetnames[0]
            rows = book.rows(name)
    if not rows:
        raise EmptySheetError("文件中没有内容（缺少表头和数据行）")
    today = timezone.localdate()
    try:
        sheet = read_list(rows, spec, today=today, chosen=chosen)
        auto = read_header(rows, spec) if chosen else None
    except SheetError as exc:
        raise ImportFileError(f"{name}：{exc}") from None
    sheet.name = name
    if not sheet.missing and not sheet.records and not sheet.errors:
        raise EmptySheetError("文件中只有表头，没有数据行")
    return sheet, auto


@dataclass
class PeopleOutcome(ImportOutcome):
    """An ImportOutcome with how the sheet was read (`read`: its header, mapping and skipped
    rows), for the preview's mapping selects (templates/_import_mapping.html)."""

    read: ListSheet | None = None

    @property
    def read_sheets(self):
        return [self.read] if self.read else []

    def as_json(self):
        return {**super().as_json(), "read": self.read.as_json() if self.read else None}

    @classmethod
    def from_json(cls, data):
        outcome = ImportOutcome.from_json(data)
        read = ListSheet.from_json(data["read"]) if data.get("read") else None
        return cls(**{f.name: getattr(outcome, f.name) for f in fields(ImportOutcome)}, read=read)


def people_import(
    kind, upload, user, *, confirm, chosen=None, remember=False, progress=None, before_commit=None, token=None
):
    """Preview (confirm=False) or import (confirm=True) a workbook of `kind` (secretaries,
    villages, units) for `user`, all or nothing: a PeopleOutcome. `chosen` is the user's
    correction of the column mapping ({column index: key}); with `remember`, a preview keeps it
    for the department's next upload of the kind. `progress(share)` is called with 0…1 as the
    rows are checked and written; `before_commit(outcome)` inside the writes' transaction (an
    exception there undoes them). Raises ImportFileError for an unusable file.

    `token`: the stored preview (core.importing.preview_store) of `upload`. A good preview keeps
    its checked plan beside it; the confirm of that token (same user, same mapping) writes the
    kept plan after checking that what it relied on is unchanged, without reading and checking
    the file again; when something changed, nothing is written (STALE_MESSAGE)."""
    owner = {"kind": kind, "user": user.pk, "chosen": {str(k): v for k, v in (chosen or {}).items()}}
    stale = False
    if confirm and token:
        kept = plan_load(token)
        if kept and kept.get("owner") == owner:
            if facts_hold(user, kept["facts"]):
                return _confirm_kept(kind, kept, user, progress, before_commit)
            stale = True  # checked again below for the rows' own messages; refused either way
    spec = people_spec(kind, user)
    sheet, auto = read_sheet(spec, upload, chosen=chosen)
    if remember and auto is not None and not confirm:
        remember_mapping(spec, auto, sheet, user, district_id=scope_for(user).district_id)
    refused = mapping_errors(sheet)
    if refused:  # nothing to check row by row until the header is mapped
        if token and not confirm:
            plan_forget(token)
        return _outcome(sheet, refused, Plan(model=None))
    plan = PLANS[kind](sheet, user, progress)
    errors = sorted(sheet.errors + plan.errors, key=lambda error: error.row)
    if stale:
        errors.insert(0, RowError(0, STALE_MESSAGE))
    outcome = _outcome(sheet, errors, plan)
    if token and not confirm:
        if outcome.ok:
            plan_keep(token, _kept(kind, plan, outcome, owner))
        else:
            plan_forget(token)
    if confirm and outcome.ok:
        if progress:
            progress(0.7)
        _write_all(kind, plan, user, outcome, before_commit)
    if progress:
        progress(1.0)
    return outcome


def _write_all(kind, plan, user, outcome, before_commit):
    with transaction.atomic():
        WRITERS[kind](plan, user)
        if before_commit:
            before_commit(outcome)
    records_written.send(sender=plan.model)


# The checked plan a preview keeps for its confirm (core/plans.py): the rows as they will be
# written, each kind's fields; the rows to update with their id.
KEPT_FIELDS = {
    "secretaries": list(SECRETARY_FIELDS),
    "villages": list(VILLAGE_FIELDS),
    "units": list(UNIT_FIELDS),
}


def _kept(kind, plan, outcome, owner):
    names = KEPT_FIELDS[kind]
    updated = [name for name in plan.update_fields if name != "updated_at"]
    return {
        "owner": owner,  # whose preview, of which kind, with which mapping
        "outcome": outcome.as_json(),
        "creates": rows_out(plan.creates, names),
        "updates": rows_out(plan.updates, ["id", *updated]),
        "update_fields": updated,
        "expertise": [plan.expertise.get(id(instance)) for instance in plan.creates + plan.updates],
        "facts": plan.facts(),
    }


def _confirm_kept(kind, kept, user, progress, before_commit):
    """Write a kept plan (what it relied on still holds)."""
    outcome = PeopleOutcome.from_json(kept["outcome"])
    if progress:
        progress(0.2)
    model = SPECS_MODELS[kind]
    plan = Plan(model=model, update_fields=[*kept["update_fields"]])
    plan.creates = rows_in(model, KEPT_FIELDS[kind], kept["creates"])
    plan.updates = rows_in(model, ["id", *kept["update_fields"]], kept["updates"])
    if hasattr(model, "updated_at"):
        plan.update_fields.append("updated_at")
    plan.expertise = {
        id(instance): ids
        for instance, ids in zip(plan.creates + plan.updates, kept["expertise"], strict=True)
        if ids is not None
    }
    _write_all(kind, plan, user, outcome, before_commit)
    if progress:
        progress(1.0)
    return outcome


def _outcome(sheet, errors, plan):
    return PeopleOutcome(
        ok=not errors,
        errors=errors,
        warnings=sheet.warnings,
        totals={"new": len(plan.creates), "update": len(plan.updates)},
        rows=[_preview(record) for _number, record in sheet.records[:PREVIEW_ROWS]],
        row_numbers=[number for number, _record in sheet.records[:PREVIEW_ROWS]],
        sheet=sheet.name,
        skipped=sheet.skipped,
        columns=[(m.letter, m.header, m.key or "") for m in sheet.columns],
        read=sheet,
    )


def _preview(record):
    return {key: value for key, value in record.items()}


# Background jobs ---------------------------------------------------------------------------------


def run_import_job(job_id):
    """Run a queued import job (core.models.ImportJob): its preview or its confirm. Raises
    ValueError (Chinese) for an id that names no job; a finished job is left alone."""
    job = job_claim(job_id)
    if job is None:
        return None
    if job.kind not in SPECS or job.user is None:
        job_fail(job, "导入任务无效（导入内容未知或发起人已不存在），请重新上传")
        return job.pk
    upload = preview_open(job.token)
    if upload is None:
        job_fail(job, "待导入的文件已失效（超过有效期），请重新上传")
        return job.pk
    confirm = job.action == ImportJob.Action.CONFIRM
    chosen = (job.options or {}).get("chosen") or None
    job_run(
        job,
        lambda progress, before_commit: people_import(
            job.kind,
            upload,
            job.user,
            confirm=confirm,
            chosen=chosen,
            remember=not confirm,
            progress=progress,
            before_commit=before_commit,
            token=job.token,
        ),
    )
    return job.pk
