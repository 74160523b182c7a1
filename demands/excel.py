"""Excel both ways for a round: the blank template (one sheet per list, Chinese headers, drop-down
validation), the township's upload (preview, then confirm; all-or-nothing), and the export."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.excel import append_row, write_cell, write_only_sheet
from core.importing import (
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
from core.plans import STALE_MESSAGE
from core.sheets import ListSheet, SheetError, read_header, read_list, recognise
from demands.headers import DEMAND_HEADERS, PROJECT_HEADERS, RESOURCE_HEADERS
from demands.imports import kept_plan, kept_rows, plan_upload, write_upload
from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandItem,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    Submission,
)
from demands.selectors_lists import completeness_by_township, missing_villages_for, round_items_for_export
from demands.services.lists import ListError, secretaries_with_login, villages_filled_on_behalf
from demands.sheets import list_specs
from secretaries.mapping import remember_mapping
from secretaries.models import Secretary, Township, Village
from secretaries.visibility import visibility_for

TEMPLATE_ROWS = 200  # rows that carry the drop-downs

SHEETS = [
    # (key, sheet title, headers)
    ("demands", "需求清单", DEMAND_HEADERS),
    ("resources", "资源清单", RESOURCE_HEADERS),
    ("projects", "项目清单", PROJECT_HEADERS),
]
HEADER_FILL = PatternFill("solid", fgColor="FCE4E4")


def _header(sheet, headers, widths=None):
    append_row(sheet, headers)
    for index, _ in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(index, 16)
    sheet.freeze_panes = "A2"


def _options(book, columns):
    """A hidden sheet holding the drop-down lists; returns {name: '选项!$A$2:$A$n'}."""
    sheet = book.create_sheet("选项")
    refs = {}
    for index, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(index)
        write_cell(sheet, 1, index, name)
        for row, value in enumerate(values, start=2):
            write_cell(sheet, row, index, value)
        refs[name] = f"选项!${letter}$2:${letter}${max(len(values), 1) + 1}"
    sheet.sheet_state = "hidden"
    return refs


def _dropdown(sheet, ref, column, prompt):
    validation = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True)
    validation.error = f"请从下拉列表中选择{prompt}"
    validation.errorTitle = "输入无效"
    validation.prompt = f"请选择{prompt}"
    validation.promptTitle = prompt
    sheet.add_data_validation(validation)
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")


def build_template(collection_round, township):
    """The blank template for one township, as an openpyxl Workbook (core.excel.xlsx_response sends it)."""
    villages = list(Village.objects.filter(township=township).order_by("name").values_list("name", flat=True))
    # The demand and resource sheets are for villages and secretaries without a login only (the
    # same rule as the web form); the others fill in their own lists on the platform.
    on_behalf = list(villages_filled_on_behalf(township).order_by("name").values_list("name", flat=True))
    staffed = list(
        Secretary.objects.on_post()
        .filter(village__township=township)
        .exclude(pk__in=secretaries_with_login().values("pk"))
        .order_by("village__name")
        .values_list("village__name", flat=True)
    )
    book = Workbook()
    guide = book.active
    guide.title = "填写说明"
    deadline = collection_round.deadline
    for line in [
        f"{collection_round.title}",
        f"乡镇：{township.name}    报送截止：{deadline.year}年{deadline.month}月{deadline.day}日",
        "1. 每张清单一个工作表，第一行为表头，请勿修改表头和工作表名称。",
        "2. 村（社区）、类别、紧急程度、状态等列请从下拉列表中选择。",
        "3. 日期按 2026-12-31 格式填写；金额单位为元。",
        "4. 上传后先预览，全部行无误才能确认导入；有任何一行出错，整份文件都不会导入。",
        "5. 需求清单导入后，所涉及的村视为已报送（乡镇代报）。",
        "6. 需求清单只能代报没有平台账号的村；资源清单只能代填没有平台账号的第一书记。"
        "有账号的第一书记请在平台上自行填报、维护。",
        f"   本乡镇可代报需求清单的村：{'、'.join(on_behalf) or '（无，各村均由第一书记在平台上填报）'}",
    ]:
        append_row(guide, [line])
    guide.column_dimensions["A"].width = 90
    sheets = {}
    for _key, title, headers in SHEETS:
        sheets[title] = book.create_sheet(title)
        _header(sheets[title], headers, widths={3: 24, 4: 36} if title == "需求清单" else None)
    refs = _options(
        book,
        {
            "村（社区）": villages,
            "代报的村": on_behalf,
            "无账号书记的村": staffed,
            "需求类别": list(DemandCategory.objects.offered(township.district_id).values_list("name", flat=True)),
            "资源类别": list(ResourceCategory.objects.filter(active=True).values_list("name", flat=True)),
            "紧急程度": [label for _, label in DemandItem.Urgency.choices],
            "来源": [label for _, label in ResourceItem.Source.choices],
            "项目状态": [label for _, label in ProjectItem.Status.choices],
        },
    )
    _dropdown(sheets["需求清单"], refs["代报的村"], 1, "村（社区）")
    _dropdown(sheets["需求清单"], refs["需求类别"], 2, "需求类别")
    _dropdown(sheets["需求清单"], refs["紧急程度"], 5, "紧急程度")
    _dropdown(sheets["资源清单"], refs["无账号书记的村"], 1, "第一书记所在村")
    _dropdown(sheets["资源清单"], refs["来源"], 2, "来源")
    _dropdown(sheets["资源清单"], refs["资源类别"], 3, "资源类别")
    _dropdown(sheets["项目清单"], refs["村（社区）"], 2, "村（社区）")
    _dropdown(sheets["项目清单"], refs["项目状态"], 3, "项目状态")
    _dropdown(sheets["项目清单"], refs["需求类别"], 4, "项目类别")
    book.active = 1
    return book


# Upload --------------------------------------------------------------------------------------


@dataclass
class UploadResult:
    ok: bool
    sheets: dict = field(default_factory=dict)  # title -> ImportOutcome
    created: dict = field(default_factory=dict)  # title -> number of rows imported
    read: "UploadRead | None" = None  # how each sheet was read: header, mapping, skipped rows

    @property
    def errors(self):
        return [(title, error) for title, outcome in self.sheets.items() for error in outcome.errors]

    @property
    def warnings(self):
        return [(title, warning) for title, outcome in self.sheets.items() for warning in outcome.warnings]

    def as_json(self):
        """The result as JSON-ready data, for a background job's stored result (core/jobs.py)."""
        sheets = {title: outcome.as_json() for title, outcome in self.sheets.items()}
        errors = [[title, row, message] for title, data in sheets.items() for row, message in data.pop("errors")]
        read = self.read and {
            "ignored": self.read.ignored,
            "sheets": [sheet.as_json() for sheet in self.read.sheets.values()],
        }
        return {"ok": self.ok, "errors": errors, "sheets": sheets, "created": self.created, "read": read}

    @classmethod
    def from_json(cls, data):
        errors = {}
        for title, row, message in data["errors"]:
            errors.setdefault(title, []).append([row, message])
        sheets = {
            title: ImportOutcome.from_json({**outcome, "errors": errors.get(title, [])})
            for title, outcome in data["sheets"].items()
        }
        read = None
        if data.get("read"):
            read = UploadRead(ignored=data["read"]["ignored"])
            for item in data["read"]["sheets"]:
                sheet = ListSheet.from_json(item)
                read.sheets[sheet.spec.kind] = sheet
        return cls(ok=data["ok"], sheets=sheets, created=data["created"], read=read)


@dataclass
class UploadRead:
    sheets: dict = field(default_factory=dict)  # kind -> core.sheets.ListSheet (with .name: the sheet's title)
    auto: dict = field(default_factory=dict)  # kind -> the header as mapped before the user's choice (no rows)
    ignored: list = field(default_factory=list)  # titles of sheets that hold none of the lists


NOT_LISTS = {"选项", "填写说明"}  # the template's own helper sheets


def read_upload(upload, specs, *, today, chosen=None):
    """Check the file and find the three lists in it, by sheet name or by header: an UploadRead.
    A workbook may hold any of the lists, on sheets named anyhow; the header may sit under title
    rows, the list may end in a footer (core/sheets.py). `chosen` is the user's correction of the
    mapping, {kind: {column index: key}}. The file is opened once, each sheet read once.
    Raises ImportFileError (Chinese) for a file that cannot be used at all."""
    chosen = chosen or {}
    read = UploadRead()
    with open_xlsx(upload) as book:
        for name in book.sheetnames:
            rows = [] if name in NOT_LISTS else book.rows(name)
            spec = recognise(name, rows, specs) if rows else None
            if spec is None:
                if rows:
                    read.ignored.append(name)
                continue
            if spec.kind in read.sheets:
                raise ImportFileError(
                    f"工作表“{read.sheets[spec.kind].name}”和“{name}”都是{spec.title}，请合并成一个工作表后上传"
                )
            try:
                sheet = read_list(rows, spec, today=today, chosen=chosen.get(spec.kind))
                if chosen.get(spec.kind):
                    read.auto[spec.kind] = read_header(rows, spec)
            except SheetError as exc:
                raise ImportFileError(f"{name}：{exc}") from None
            sheet.name = name
            if sheet.records or (sheet.missing and sheet.has_rows):
                read.sheets[spec.kind] = sheet
    if not read.sheets and not any(name in book.sheetnames for name in ("需求清单", "资源清单", "项目清单")):
        raise ImportFileError(
            "文件中没有名为“需求清单”“资源清单”“项目清单”的工作表，也没有找到这三张清单的表头"
            "（如 村名、需求名称、需求类别）。请使用本平台下载的模板，或检查表头"
        )
    if not read.sheets:
        raise ImportFileError("模板中没有填写任何数据行")
    return read


def import_upload(
    collection_round, township, user, upload, *, confirm, chosen=None, progress=None, before_commit=None, token=None
):
    """Preview (confirm=False) or import (confirm=True) a township's workbook: an UploadResult.
    Every row of every list is checked set-wise (demands/imports.py); unless all are good, nothing
    is saved. The writes are one transaction; `before_commit(result)` runs inside it (an exception
    there undoes them). `progress(share)` is told how far it is, 0…1.

    `token`: the stored preview of `upload` (core.importing.preview_store). A good preview keeps
    its checked rows beside it; the confirm of that token writes them, after checking set-wise
    that what they name is unchanged, without reading and checking the file again."""
    if collection_round.status != CollectionRound.Status.OPEN:
        # Checked here, not only on the preview page: a preview made before the round closed
        # must not be confirmed after it.
        raise ListError("本轮征集已截止，不能再导入清单。")
    # Every name in the file is looked up inside this township (demands/imports.py); the township
    # itself must be one of the user's, in the round's district.
    in_scope = Township.objects.for_user(user).filter(pk=township.pk, district_id=collection_round.district_id)
    if not in_scope.exists():
        raise ImportFileError(f"乡镇“{township.name}”不存在或不在您的管辖范围内")
    mapping = {kind: {str(index): key for index, key in columns.items()} for kind, columns in (chosen or {}).items()}
    owner = {"user": user.pk, "round": collection_round.pk, "township": township.pk, "chosen": mapping}
    kept = plan_load(token) if confirm and token else None
    plan = stale = None
    if kept and kept.get("owner") == owner:
        plan = kept_plan(kept["rows"], collection_round, township, user)
        result = UploadResult.from_json(kept["result"])
        stale = plan is None
    if plan is None:
        read = read_upload(upload, list_specs(township, user), today=timezone.localdate(), chosen=chosen)
        checking = _part(progress, 0.1, 0.6 if confirm else 0.9)
        plan = plan_upload(read, collection_round, township, user, progress=checking)
        result = UploadResult(ok=plan.ok, sheets=plan.outcomes, read=read)
        if stale:  # checked again for the rows' own messages; refused either way: not as previewed
            result.ok = False
            first = next(iter(result.sheets.values()))
            first.ok, first.errors = False, [RowError(row=0, message=STALE_MESSAGE), *first.errors]
        if token and not confirm:
            if result.ok:
                plan_keep(token, {"owner": owner, "result": result.as_json(), "rows": kept_rows(plan)})
            else:
                plan_forget(token)
    if confirm and result.ok:
        with transaction.atomic():
            try:
                result.created = write_upload(plan, user, progress=_part(progress, 0.7, 0.3))
            except ListError as exc:
                transaction.set_rollback(True)
                outcome = ImportOutcome(ok=False, errors=[RowError(row=0, message=str(exc))])
                return UploadResult(ok=False, sheets={"需求清单": outcome}, read=result.read)
            if before_commit:
                before_commit(result)
    if progress:
        progress(1.0)
    return result


def _part(progress, start, share):
    """A progress callback for one part of the work: 0…1 of it is `start` to `start + share` of the whole."""
    if progress is None:
        return None
    return lambda done: progress(start + share * done)


# Background jobs: an upload of more than IMPORT_ASYNC_ROWS rows is previewed and confirmed by a
# Celery worker (demands.tasks.run_round_upload) while the page polls the job (core/jobs.py).
UPLOAD_JOB = "round_upload"  # core.models.ImportJob.kind


def run_upload_job(job_id):
    """Run a queued round-upload job: its preview (and, with a corrected mapping, remembering it
    for the township) or its confirm. Raises ValueError (Chinese) for an id that names no job."""
    job = job_claim(job_id)
    if job is None:
        return None
    options = job.options or {}
    collection_round = CollectionRound.objects.filter(pk=options.get("round")).first()
    township = Township.objects.filter(pk=options.get("township")).first()
    if job.kind != UPLOAD_JOB or job.user is None or collection_round is None or township is None:
        job_fail(job, "导入任务无效（轮次、乡镇或发起人已不存在），请重新上传")
        return job.pk
    upload = preview_open(job.token, options.get("filename") or "upload.xlsx")
    if upload is None:
        job_fail(job, "待导入的文件已失效（超过有效期），请重新上传")
        return job.pk
    confirm = job.action == ImportJob.Action.CONFIRM
    chosen = options.get("chosen") or None

    def work(progress, before_commit):
        try:
            result = import_upload(
                collection_round, township, job.user, upload, confirm=confirm, chosen=chosen,
                progress=progress, before_commit=before_commit, token=job.token,
            )  # fmt: skip
        except ListError as exc:  # the round closed meanwhile
            raise ImportFileError(str(exc)) from None
        if chosen and not confirm:
            remember_corrections(township, job.user, result.read)
        return result

    job_run(job, work)
    return job.pk


def remember_corrections(township, user, read):
    """Store the township's corrections of the mapping in `read` (secretaries.mapping.remember_mapping)."""
    for kind, sheet in read.sheets.items():
        if kind in read.auto:
            remember_mapping(
                sheet.spec, read.auto[kind], sheet, user, district_id=township.district_id, township=township
            )


# Export --------------------------------------------------------------------------------------


def export_round(collection_round, user, township=None):
    """The round's three lists (and completeness) within the user's scope, as a write-only openpyxl Workbook
    (core.excel.xlsx_response sends it). A township's export (a township login's, or the department's
    for one township) adds the villages still missing, with the secretary to call."""
    township_id = township.pk if township else None
    visibility = visibility_for(user)
    book = Workbook(write_only=True)
    rows, total = completeness_by_township(collection_round, user)
    write_only_sheet(
        book,
        "完成情况",
        ["乡镇", "应报村数", "按时报送", "逾期报送", "未报送", "无新增需求", "报送率（%）", "按时率（%）"],
        (
            [row.name, row.expected, row.on_time, row.late, row.missing, row.nil, row.reporting_rate, row.on_time_rate]
            for row in [r for r in rows if township_id in (None, r.township_id)] + ([total] if township is None else [])
        ),
    )
    if township is not None or visibility.scope.is_township:
        write_only_sheet(
            book,
            "未报送的村",
            ["乡镇", "村（社区）", "第一书记", "第一书记电话", "报送截止日期", "状态"],
            _missing_rows(collection_round, user, township_id, visibility),
            widths=[14, 16, 10, 16, 14, 24],
        )

    items = round_items_for_export(collection_round, user, township_id).exclude(status=DemandItem.Status.DRAFT)
    write_only_sheet(
        book,
        "需求清单",
        ["乡镇", *DEMAND_HEADERS, "状态", "报送时间"],
        (
            [
                item.village.township.name,
                item.village.name,
                item.category.name,
                item.title,
                item.detail,
                item.get_urgency_display(),
                item.wanted_by,
                item.estimated_funds,
                item.contact_name,
                visibility.contact_phone(item).text,
                item.get_status_display(),
                timezone.localtime(item.submitted_at).strftime("%Y-%m-%d %H:%M") if item.submitted_at else "",
            ]
            for item in items
        ),
    )

    # A unit's own resources (no secretary) serve the whole district: listed in every export.
    resources = (
        ResourceItem.objects.for_user(user)
        .filter(active=True)
        .filter(Q(secretary__village__township__district_id=collection_round.district_id) | Q(secretary__isnull=True))
        .select_related("secretary__village__township", "dispatch_unit", "category")
        .order_by("secretary__village__township__name", "secretary__village__name", "pk")
    )
    if township_id:
        resources = resources.filter(Q(secretary__village__township_id=township_id) | Q(secretary__isnull=True))
    write_only_sheet(
        book,
        "资源清单",
        ["乡镇", "第一书记", "派驻村", "来源", "资源类别", "资源名称", "具体内容", "可提供规模", "有效期至"],
        (_resource_row(item) for item in resources),
    )

    projects = (
        ProjectItem.objects.for_user(user)
        .filter(villages__township__district_id=collection_round.district_id)
        .select_related("lead_secretary")
        .prefetch_related("villages")
        .order_by("pk")
        .distinct()
    )
    if township_id:
        projects = projects.filter(villages__township_id=township_id)
    write_only_sheet(
        book,
        "项目清单",
        ["项目名称", "涉及村", "状态", "牵头第一书记", "预算（元）", "已争取资金（元）", "进度（%）", "成效"],
        (
            [
                project.title,
                "、".join(v.name for v in project.villages.all()),
                project.get_status_display(),
                project.lead_secretary.name if project.lead_secretary else "",
                project.budget,
                project.funds_secured,
                project.progress,
                project.outcomes,
            ]
            for project in projects
        ),
    )
    return book


def _missing_rows(collection_round, user, township_id, visibility):
    statuses = dict(Submission.Status.choices)
    for village in missing_villages_for(collection_round, user, township_id):
        secretary = village.on_post[0] if village.on_post else None
        state = statuses.get(village.submission_status, "未填报") if village.submission_status else "未填报"
        if village.submission_status == Submission.Status.RETURNED and village.return_reason:
            state = f"{state}：{village.return_reason}"
        yield [
            village.township.name,
            village.name,
            secretary.name if secretary else "无（由乡镇代报）",
            visibility.secretary_phone(secretary).text if secretary else "",
            collection_round.deadline,
            state,
        ]


def _resource_row(item):
    village = item.secretary.village if item.secretary else None
    return [
        village.township.name if village else "（派出单位）",
        item.secretary.name if item.secretary else item.dispatch_unit.name,
        village.name if village else "",
        item.get_source_display(),
        item.category.name,
        item.title,
        item.description,
        item.capacity,
        item.valid_until,
    ]
