"""Excel (.xlsx) imports shared by every app: read and check the file, then run a
django-import-export resource all-or-nothing and report every bad row in Chinese.

    dataset = read_xlsx(upload, required_headers=["姓名", ...])       # raises ImportFileError
    outcome = import_dataset(SecretaryResource(), dataset, dry_run=True)
    outcome.ok, outcome.errors  ->  [RowError(row=3, message="手机号码：…")]

Row numbers are Excel's: the header is row 1, the first data row is row 2."""

import io
import zipfile
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

XLSX_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
    "application/zip",
    "",
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


class EmptySheetError(ImportFileError):
    """The sheet has no data rows (nothing at all, or only the header). A multi-sheet template
    tells an untouched sheet from a broken file by this class, not by the message."""


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportOutcome:
    ok: bool
    errors: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)  # preview: list of dicts (header -> value)


def read_xlsx(upload, *, required_headers, optional_headers=(), max_mb=None, sheet=None):
    """Check an uploaded file and return its first (or named) sheet as a tablib Dataset."""
    max_mb = max_mb or settings.IMPORT_MAX_UPLOAD_MB
    if upload is None:
        raise ImportFileError("请选择要上传的 Excel 文件")
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ImportFileError("只支持 Excel 2007 及以上格式（.xlsx）的文件，请另存为 .xlsx 后再上传")
    if upload.size > max_mb * 1024 * 1024:
        raise ImportFileError(f"文件太大（{upload.size / 1024 / 1024:.1f} MB），上限为 {max_mb} MB")
    if upload.size == 0:
        raise ImportFileError("文件是空的")
    content = upload.read()
    if not content.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportFileError("文件不是有效的 Excel（.xlsx）文件，可能是改了扩展名的其他文件")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportFileError("文件不是有效的 Excel（.xlsx）文件（例如是改了扩展名的 Word 文档）")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏") from None
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    except KeyError:
        raise ImportFileError(f"文件中没有名为“{sheet}”的工作表") from None
    rows = [
        [_cell(value) for value in row]
        for row in worksheet.iter_rows(values_only=True)
        if any(value not in (None, "") for value in row)
    ]
    workbook.close()
    if not rows:
        raise EmptySheetError("文件中没有内容（缺少表头和数据行）")
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    missing = [h for h in required_headers if h not in headers]
    if missing:
        raise ImportFileError(f"表头缺少以下列：{'、'.join(missing)}。请使用下载的模板填写。")
    known = set(required_headers) | set(optional_headers)
    keep = [i for i, h in enumerate(headers) if h in known]
    data_rows = rows[1:]
    if not data_rows:
        raise EmptySheetError("文件中只有表头，没有数据行")
    dataset = tablib.Dataset(headers=[headers[i] for i in keep])
    for row in data_rows:
        padded = list(row) + [None] * (len(headers) - len(row))
        dataset.append([padded[i] for i in keep])
    return dataset


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def import_dataset(resource, dataset, *, dry_run, **kwargs):
    """Run the import all-or-nothing. Returns an ImportOutcome; on errors nothing is saved."""
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            collect_failed_rows=False,
            **kwargs,
        )
    errors = []
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(RowError(row=number + 1, message=_exception_message(error.error)))
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            label = _field_label(resource, field_name)
            for message in messages:
                errors.append(RowError(row=invalid.number + 1, message=f"{label}{message}"))
    errors.extend(RowError(row=0, message=_exception_message(e.error)) for e in result.base_errors)
    errors.sort(key=lambda e: e.row)
    totals = dict(result.totals)
    preview = [dict(zip(dataset.headers, row, strict=False)) for row in dataset]
    return ImportOutcome(ok=not errors, errors=errors, totals=totals, rows=preview)


def _field_label(resource, field_name):
    if field_name == "__all__":
        return ""
    for resource_field in resource.get_import_fields():
        if resource_field.attribute == field_name or resource_field.column_name == field_name:
            return f"{resource_field.column_name}："
    return f"{field_name}："


def _exception_message(exc):
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    text = str(exc)
    return text if text else exc.__class__.__name__
