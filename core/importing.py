"""Excel (.xlsx) imports shared by every app: read and check the file, then run a
django-import-export resource all-or-nothing and report every bad row in Chinese.

    dataset = read_xlsx(upload, required_headers=["姓名", ...])       # raises ImportFileError
    with open_xlsx(upload) as book:                                   # several sheets, one read
        book.sheetnames, book.dataset("需求清单", required_headers=[...])
    outcome = import_dataset(SecretaryResource(), dataset, dry_run=True)
    outcome.ok, outcome.errors  ->  [RowError(row=3, message="手机号码：…")]

Row numbers are Excel's: the header is row 1, the first data row is row 2."""

import io
import json
import re
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from python_calamine import CalamineWorkbook

from core.signals import audit

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
    row_numbers: list = field(default_factory=list)  # the Excel row number of each preview row
    warnings: list = field(default_factory=list)  # RowError: shown in the preview, not blocking
    sheet: str = ""  # the sheet read (core.sheets), named in every row's message
    skipped: list = field(default_factory=list)  # (excel_row, why, text): title, stamp, footer rows
    columns: list = field(default_factory=list)  # (letter, header as written, key or "" when ignored)

    @property
    def numbered_rows(self):
        return list(zip(self.row_numbers, self.rows, strict=False))

    def as_json(self):
        """The outcome as JSON-ready data, for a background job's stored result."""
        return {
            "ok": self.ok,
            "errors": [[error.row, error.message] for error in self.errors],
            "warnings": [[warning.row, warning.message] for warning in self.warnings],
            "totals": self.totals,
            "rows": [{key: _json_value(value) for key, value in row.items()} for row in self.rows],
            "row_numbers": self.row_numbers,
            "sheet": self.sheet,
            "skipped": [list(item) for item in self.skipped],
            "columns": [list(item) for item in self.columns],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            ok=data["ok"],
            errors=[RowError(row, message) for row, message in data["errors"]],
            warnings=[RowError(row, message) for row, message in data["warnings"]],
            totals=data["totals"],
            rows=data["rows"],
            row_numbers=data["row_numbers"],
            sheet=data["sheet"],
            skipped=[tuple(item) for item in data["skipped"]],
            columns=[tuple(item) for item in data["columns"]],
        )


def _json_value(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def read_xlsx(upload, *, required_headers, optional_headers=(), max_mb=None, sheet=None):
    """Check an uploaded file and return its first (or named) sheet as a tablib Dataset."""
    with open_xlsx(upload, max_mb=max_mb) as book:
        return book.dataset(sheet, required_headers=required_headers, optional_headers=optional_headers)


def dataset_from_bytes(content):
    """The first sheet of .xlsx bytes, checked like every upload, as a Dataset of every headed
    column (the admin's import-export format). Raises ImportFileError (Chinese)."""
    check_xlsx_content(content)
    with _parse(content) as book:
        return book.dataset(required_headers=(), every_column=True)


def open_xlsx(upload, *, max_mb=None):
    """Check an uploaded file and open it once: an XlsxBook whose sheets the caller reads one by
    one (`book.sheetnames`, `book.dataset(title, required_headers=...)`). Use it as a context
    manager. Raises ImportFileError (Chinese) for a file that cannot be used at all.

    Everything that could make reading slow or large is refused from the zip's directory and the
    head of each worksheet's XML, before anything parses it: the uncompressed size, a member
    compressed beyond reason (a zip bomb), the declared dimension (openpyxl pads every row to it).
    While reading, a sheet stops at the row or column limit; memory stays bounded."""
    return _parse(_checked_content(upload, max_mb))


def _parse(content):
    """The one place a checked file is parsed. calamine (Rust) reads it, some 15 times faster than
    openpyxl, when every worksheet addresses its cells within the limits (it holds a sheet as one
    dense block from its first to its last cell, so a far-away cell would cost memory); any other
    file is streamed by openpyxl, which stops at the limits while reading."""
    try:
        if _cells_within_limits(content):
            return CalamineBook(CalamineWorkbook.from_filelike(io.BytesIO(content)), _error_cells(content))
        return XlsxBook(load_workbook(io.BytesIO(content), read_only=True, data_only=True))
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏") from None


def _checked_content(upload, max_mb=None):
    """The upload's bytes, after the checks every upload passes (format, size, expansion)."""
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
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    check_xlsx_content(content)
    return content


def count_rows(upload, *, max_mb=None):
    """How many rows the workbook's sheets hold (blank formatted rows included), counted from
    the sheets' XML without parsing it: whether an import runs at once or as a background job.
    Raises ImportFileError for a file open_xlsx would refuse."""
    content = _checked_content(upload, max_mb)
    rows = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.infolist():
            if WORKSHEET_RE.fullmatch(member.filename):
                with archive.open(member) as stream:
                    tail = b""  # a tag cut by a chunk boundary is counted in the next chunk
                    while chunk := stream.read(1024 * 1024):
                        text = tail + chunk
                        rows += text.count(b"<row ") + text.count(b"<row>")
                        tail = text[-4:]
    return rows


def check_xlsx_content(content):
    """Refuse, before any parsing, a file that is no .xlsx or would expand beyond the limits."""
    if not content.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportFileError("文件不是有效的 Excel（.xlsx）文件，可能是改了扩展名的其他文件")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {member.filename for member in members}:
                raise ImportFileError("文件不是有效的 Excel（.xlsx）文件（例如是改了扩展名的 Word 文档）")
            _check_expansion(members)
            for member in members:
                if WORKSHEET_RE.fullmatch(member.filename):
                    with archive.open(member) as stream:
                        _check_dimension(stream.read(DIMENSION_HEAD_BYTES))
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏") from None


WORKSHEET_RE = re.compile(r"xl/worksheets/[^/]+\.xml")
DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]+)\"")
DIMENSION_HEAD_BYTES = 64 * 1024  # the dimension comes before the rows, after a few small elements
SMALL_MEMBER_BYTES = 1024 * 1024  # below this a high compression ratio is harmless


def _check_expansion(members):
    limit_mb = settings.IMPORT_MAX_UNCOMPRESSED_MB
    # zipfile never yields more than a member's declared size, so the declared sizes bound memory.
    total = sum(member.file_size for member in members)
    if total > limit_mb * 1024 * 1024:
        raise ImportFileError(
            f"文件解压后内容过大（约 {total / 1024 / 1024:.0f} MB），上限为 {limit_mb} MB，请拆分后上传"
        )
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    for member in members:
        if member.file_size > SMALL_MEMBER_BYTES and member.file_size > ratio_limit * max(member.compress_size, 1):
            raise ImportFileError(
                f"文件内容的压缩比异常（超过 {ratio_limit} 倍），可能是恶意构造的文件，已拒绝。请用 Excel 重新保存后上传"
            )


def _check_dimension(head):
    match = DIMENSION_RE.search(head)
    if not match:
        return  # no declared dimension: the row and column limits apply while reading
    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(match.group(1).decode("ascii"))
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ImportFileError("无法读取该 Excel 文件，工作表的范围声明无效") from None
    _check_columns(max_col or 0)
    _check_rows(max_row or 0)


def _check_columns(count):
    if count > settings.IMPORT_MAX_COLUMNS:
        raise ImportFileError(
            f"工作表的列数（{count} 列）超过上限 {settings.IMPORT_MAX_COLUMNS} 列，请删除多余的列后上传"
        )


def _check_rows(count):
    # The limit counts data rows; the header row comes on top.
    if count > settings.IMPORT_MAX_ROWS + 1:
        raise ImportFileError(f"工作表的行数（{count} 行）超过上限 {settings.IMPORT_MAX_ROWS} 行，请分成几个文件上传")


# Which reader: calamine holds a sheet as one dense block from its first to its last cell, so it
# gets a file only when each worksheet's cells are all addressed (r="B7") and within the limits.
# These scans run at C speed over the XML (some 0.1 s for 20,000 rows); anything unusual (cells or
# rows without an address, a namespace prefix, columns past the limit) goes to openpyxl instead.
CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
ROW_TAGS = (b"<row ", b"<row>", b"<row/>")
ROW_REF_RE = re.compile(rb'<row r="(\d+)"')
WIDE_CELL_RE = re.compile(rb'<c r="([A-Z]{2,3})\d')


def _cells_within_limits(content):
    """True when calamine may read the file (see above). Raises ImportFileError when a worksheet
    addresses a row past the row limit, as reading it would."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.infolist():
            if WORKSHEET_RE.fullmatch(member.filename):
                xml = archive.read(member)  # its size is bounded by the expansion checks
                if not _addressed_within_limits(xml):
                    return False
    return True


def _addressed_within_limits(xml):
    if b"<sheetData" not in xml:
        return b":sheetData" not in xml  # no cells at all, or a prefixed namespace: openpyxl
    if sum(xml.count(tag) for tag in CELL_TAGS) != xml.count(b'<c r="'):
        return False
    if sum(xml.count(tag) for tag in ROW_TAGS) != xml.count(b'<row r="'):
        return False
    wide = {letters.decode() for letters in WIDE_CELL_RE.findall(xml)}
    if wide and max(column_index_from_string(letters) for letters in wide) > settings.IMPORT_MAX_COLUMNS:
        return False  # openpyxl reads one column past the limit and refuses only a filled one
    digits = len(str(settings.IMPORT_MAX_ROWS + 1))
    numbers = set(ROW_REF_RE.findall(xml)) | set(re.findall(rb'<c r="[A-Z]{1,3}(\d{%d,})"' % digits, xml))
    _check_rows(max((int(number) for number in numbers), default=0))
    return True


class XlsxBook:
    """An opened, checked workbook (openpyxl, read-only); each sheet is read once, as a tablib
    Dataset or as its non-blank rows. CalamineBook reads the same way, faster."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.sheetnames = list(workbook.sheetnames)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.workbook.close()

    def _values(self, sheet):
        """The named (or first) sheet's rows from row 1, as value tuples. Raises KeyError or IndexError."""
        worksheet = self.workbook[sheet] if sheet else self.workbook.worksheets[0]
        rows = worksheet.iter_rows(max_col=settings.IMPORT_MAX_COLUMNS + 1)
        # Cells, not values: an error cell's value is its code as text, told apart by its type.
        return (tuple(ExcelError(c.value) if c.data_type == "e" else c.value for c in row) for row in rows)

    def dataset(self, sheet=None, *, required_headers, optional_headers=(), every_column=False):
        """The named (or first) sheet as a Dataset of the known columns (`every_column`: of every
        column with a header). Raises EmptySheetError for a sheet with no data rows,
        ImportFileError for a missing sheet or header, or an Excel error value (#N/A) in a cell."""
        rows = self.rows(sheet)
        if not rows:
            raise EmptySheetError("文件中没有内容（缺少表头和数据行）")
        headers = [str(h).strip() if h is not None else "" for h in rows[0][1]]
        missing = [h for h in required_headers if h not in headers]
        if missing:
            raise ImportFileError(f"表头缺少以下列：{'、'.join(missing)}。请使用下载的模板填写。")
        known = set(required_headers) | set(optional_headers)
        keep = [i for i, h in enumerate(headers) if (h if every_column else h in known)]
        data_rows = rows[1:]
        if not data_rows:
            raise EmptySheetError("文件中只有表头，没有数据行")
        dataset = tablib.Dataset(headers=[headers[i] for i in keep])
        for number, row in data_rows:
            padded = list(row) + [None] * (len(headers) - len(row))
            for i in keep:
                if isinstance(padded[i], ExcelError):
                    raise ImportFileError(
                        f"第{number}行 {get_column_letter(i + 1)} 列（{headers[i]}）：单元格为 Excel 错误值 {padded[i]}，请改正后重新上传"
                    )
            dataset.append([padded[i] for i in keep])
        # Blank rows are skipped: messages name the rows as Excel numbers them (excel_row below).
        dataset.excel_rows = [number for number, _row in data_rows]
        return dataset

    def rows(self, sheet=None):
        """The named (or first) sheet's non-blank rows as `(excel_row, values)`, read at most to
        the limits (one column past the column limit, so a wider sheet is told apart without
        reading its full width)."""
        try:
            values = self._values(sheet)
        except (KeyError, IndexError):
            raise ImportFileError(f"文件中没有名为“{sheet}”的工作表") from None
        except Exception as exc:
            raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏，请另存为 .xlsx 后重新上传") from exc
        max_columns = settings.IMPORT_MAX_COLUMNS
        rows = []
        try:
            for number, row in enumerate(values, start=1):
                _check_rows(number)
                if len(row) > max_columns and row[max_columns] not in (None, ""):
                    raise ImportFileError(f"工作表的列数超过上限 {max_columns} 列，请删除多余的列后上传")
                values = [_cell(value) for value in row[:max_columns]]
                while values and values[-1] is None:  # as wide as its last value, whichever reader
                    values.pop()
                if values:
                    rows.append((number, values))
        except ImportFileError:
            raise
        except Exception as exc:  # the sheet's XML is parsed lazily: damage past its head shows here
            raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏，请另存为 .xlsx 后重新上传") from exc
        return rows


class CalamineBook(XlsxBook):
    """A workbook read by calamine, its values as openpyxl gives them: numbers without a fraction
    as int, a date cell as a datetime, an empty cell as None, an error cell as an ExcelError
    (calamine reads it as empty: `errors` names them, found in the sheets' XML)."""

    def __init__(self, workbook, errors=None):
        self.workbook = workbook
        self.sheetnames = list(workbook.sheet_names)
        self.errors = errors or {}  # sheet title -> {(row, column index): code}

    def _values(self, sheet):
        if sheet not in self.sheetnames and (sheet or not self.sheetnames):
            raise KeyError(sheet)
        title = sheet or self.sheetnames[0]
        rows = (tuple(map(_calamine_value, row)) for row in self.workbook.get_sheet_by_name(title).to_python(skip_empty_area=False))  # fmt: skip
        errors = self.errors.get(title)
        return _with_errors(rows, errors) if errors else rows


def _with_errors(rows, errors):
    by_row = {}
    for (row, column), code in errors.items():
        by_row.setdefault(row, {})[column] = code
    for number, values in enumerate(rows, start=1):
        if number in by_row:
            values = list(values)
            for column, code in by_row[number].items():
                if column < len(values):
                    values[column] = ExcelError(code)
            values = tuple(values)
        yield values


class ExcelError:
    """A cell holding an Excel error value (#N/A, #VALUE!, #REF!, #DIV/0!, …): neither empty nor
    text; a list reports it as the row's error (core.sheets)."""

    __slots__ = ("code",)

    def __init__(self, code):
        self.code = str(code or "#N/A")

    def __str__(self):
        return self.code

    def __repr__(self):
        return f"ExcelError({self.code!r})"

    def __eq__(self, other):
        return isinstance(other, ExcelError) and other.code == self.code

    def __hash__(self):
        return hash(("ExcelError", self.code))


ERROR_CELL_RE = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\st="e"[^>/]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.DOTALL)


def _error_cells(content):
    """{sheet title: {(row, column index): code}} of the error cells (t="e") in the worksheets' XML."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {}
        for member in archive.infolist():
            if WORKSHEET_RE.fullmatch(member.filename):
                xml = archive.read(member)
                if b't="e"' in xml:
                    members[member.filename] = {
                        (int(row), column_index_from_string(letters.decode()) - 1): code.decode("utf-8", "replace")
                        for letters, row, code in ERROR_CELL_RE.findall(xml)
                    }
        if members:
            for title, path in _sheet_paths(archive).items():
                if members.get(path):
                    found[title] = members[path]
    return found


def _sheet_paths(archive):
    """{sheet title: its worksheet's path in the zip}, from the workbook and its relationships."""
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for relation in relationships:
        target = relation.get("Target", "")
        targets[relation.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    paths = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            relation = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
            if relation in targets:
                paths[element.get("name")] = targets[relation]
    return paths


def _calamine_value(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


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
            errors.append(RowError(row=excel_row(dataset, number), message=_exception_message(error.error)))
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            label, where = _field_label(resource, field_name, dataset)
            for message in messages:
                errors.append(RowError(row=excel_row(dataset, invalid.number), message=f"{label}{message}{where}"))
    errors.extend(RowError(row=0, message=_exception_message(e.error)) for e in result.base_errors)
    errors.sort(key=lambda e: e.row)
    totals = dict(result.totals)
    preview = [dict(zip(dataset.headers, row, strict=False)) for row in dataset]
    numbers = [excel_row(dataset, number) for number in range(1, len(preview) + 1)]
    return ImportOutcome(ok=not errors, errors=errors, totals=totals, rows=preview, row_numbers=numbers)


def excel_row(dataset, number):
    """The Excel row number of the dataset's `number`-th data row (1-based, as import-export counts)."""
    rows = getattr(dataset, "excel_rows", None)
    return rows[number - 1] if rows and 0 < number <= len(rows) else number + 1


def _field_label(resource, field_name, dataset):
    """("header：", "（G 列）") for a field: the header as the sheet wrote it and its column letter,
    when the dataset was read from a sheet laid out otherwise (core.sheets)."""
    if field_name == "__all__":
        return "", ""
    sources = getattr(dataset, "source_columns", {})
    for resource_field in resource.get_import_fields():
        if resource_field.attribute == field_name or resource_field.column_name == field_name:
            letter, header = sources.get(resource_field.column_name, ("", resource_field.column_name))
            return f"{header}：", (f"（{letter} 列）" if letter else "")
    return f"{field_name}：", ""


def _exception_message(exc):
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    text = str(exc)
    return text if text else exc.__class__.__name__


# Previews --------------------------------------------------------------------------------------
# A previewed file waits for 确认导入 under settings.IMPORT_DIR, outside MEDIA_ROOT (never served);
# the session holds only its random token. It expires after IMPORT_PREVIEW_MAX_AGE_MINUTES: the
# confirm refuses an older one, and a periodic job deletes what was never confirmed. Beside it,
# <token>.plan.json keeps what the preview checked (core/plans.py), for the confirm to write
# without reading and checking the file again; it expires and goes with the file.

PREVIEW_TOKEN_RE = re.compile(r"[0-9a-f]{32}")


def preview_store(upload):
    """Keep the uploaded file for its confirm; returns the token to put in the session."""
    token = uuid.uuid4().hex
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    (directory / f"{token}.xlsx").write_bytes(upload.read())
    upload.seek(0)
    return token


def preview_open(token, filename="upload.xlsx"):
    """The stored file as an upload, or None when the token is unknown or the preview expired."""
    path = _preview_path(token)
    if path is None or not path.exists():
        return None
    if _age(path) > timedelta(minutes=settings.IMPORT_PREVIEW_MAX_AGE_MINUTES):
        path.unlink(missing_ok=True)
        return None
    return SimpleUploadedFile(filename, path.read_bytes())


def preview_discard(token):
    path = _preview_path(token)
    if path is not None:
        path.unlink(missing_ok=True)
        _plan_path(path).unlink(missing_ok=True)


def plan_keep(token, data):
    """Keep a preview's checked plan (JSON-ready data; dates and amounts are written as text)
    beside its file, replacing an earlier one (a preview again with a corrected mapping)."""
    path = _preview_path(token)
    if path is None or not path.exists():
        return
    plan = _plan_path(path)
    partial = plan.with_name(f"{plan.name}.partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, default=_json_value), encoding="utf-8")
    partial.replace(plan)


def plan_load(token):
    """The plan kept for the preview `token`, or None (none kept, the preview expired, unreadable)."""
    path = _preview_path(token)
    if path is None or not path.exists() or _age(path) > timedelta(minutes=settings.IMPORT_PREVIEW_MAX_AGE_MINUTES):
        return None
    try:
        return json.loads(_plan_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def plan_forget(token):
    path = _preview_path(token)
    if path is not None:
        _plan_path(path).unlink(missing_ok=True)


def _plan_path(path):
    return path.with_name(f"{path.stem}.plan.json")


def preview_delete_expired():
    """Delete every preview file older than the limit; returns how many. Idempotent."""
    directory = Path(settings.IMPORT_DIR)
    if not directory.is_dir():
        return 0
    limit = timedelta(minutes=settings.IMPORT_PREVIEW_MAX_AGE_MINUTES)
    deleted = 0
    for path in directory.glob("*.xlsx"):
        try:
            if _age(path) > limit:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # confirmed (and removed) meanwhile
            continue
    for path in directory.glob("*.plan.json*"):  # a plan goes with its file (or was left half-written)
        try:
            if _age(path) > limit or not (directory / f"{path.name.split('.')[0]}.xlsx").exists():
                path.unlink()
        except FileNotFoundError:
            continue
    return deleted


def _preview_path(token):
    if not isinstance(token, str) or not PREVIEW_TOKEN_RE.fullmatch(token):
        return None
    return Path(settings.IMPORT_DIR) / f"{token}.xlsx"


def _age(path):
    return timedelta(seconds=max(0.0, time.time() - path.stat().st_mtime))


# The audit trail ---------------------------------------------------------------------------------


def audit_import(request=None, *, file, rows, ok, detail, obj=None, user=None, background=False):
    """Record a confirmed import (every import page's 确认导入 calls this once, a background job's
    confirm too): the file's name, the rows written (0 when refused) and whether it went in.
    `detail` is import_detail's, the same words whether the page or a worker ran it."""
    audit(
        "import",
        request=request,
        user=user,
        obj=obj,
        result="success" if ok else "failure",
        detail=f"{file}：{detail}"[:500],
        file=file,
        rows=rows if ok else 0,
        **({"background": True} if background else {}),
    )


def import_detail(label, *, ok, totals=None, created=None, errors=0, reason=""):
    """The one wording of an import in the audit trail, page or background job: the list named in
    Chinese, then what was written (新增 2 条，更新 0 条 / 需求清单3条，资源清单1条) or why not."""
    if not ok:
        return f"{label}：{reason or f'{errors} 处错误，未写入'}"
    if created is not None:
        return f"{label}：" + "，".join(f"{title}{count}条" for title, count in created.items())
    totals = totals or {}
    return f"{label}：新增 {totals.get('new', 0)} 条，更新 {totals.get('update', 0)} 条"
