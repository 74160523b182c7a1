""".xlsx downloads shared by every app, and the one place that writes a cell.

Every workbook the product sends goes through `text_cell` (directly, or through `append_row`,
`write_only_sheet` or `dataset_workbook`): text a user typed that begins with =, +, -, @, a tab or a
carriage return is stored as a string cell with Excel's quote-prefix flag, so neither Excel nor
LibreOffice evaluates it as a formula, not when the file is opened and not when someone edits the
cell later (the flag is what Excel itself sets when a user types '=...). The text stays exactly as
typed (no apostrophe is added to it, so it reads and re-imports unchanged). Numbers, dates and
Decimals are never touched: a negative amount stays a number.

openpyxl's write-only mode streams rows, so tens of thousands of rows export in seconds."""

import html
import io
import re
import zipfile

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.importing import dataset_from_bytes
from core.signals import audit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection"), in a cell
# or when the cell is edited and confirmed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def needs_escape(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(sheet, value, font=None):
    """A cell for `sheet` (write-only or not) holding `value`; formula-like text is stored as text."""
    cell = _as_text(WriteOnlyCell(sheet, value=value))
    if font is not None:
        cell.font = font
    return cell


def write_cell(sheet, row, column, value):
    """sheet.cell(row=, column=, value=) on an ordinary worksheet, escaped."""
    return _as_text(sheet.cell(row=row, column=column, value=value))


def _as_text(cell):
    if needs_escape(cell.value):
        cell.data_type = "s"  # openpyxl made "=..." a formula; a string cell is never evaluated
        cell.quotePrefix = True  # and stays text when someone edits it in Excel
    return cell


def safe_row(sheet, values):
    """The row's values, with every formula-like string replaced by a text cell."""
    return [text_cell(sheet, value) if needs_escape(value) else value for value in values]


def append_row(sheet, values):
    """sheet.append, escaped. Works on ordinary and write-only worksheets."""
    sheet.append(safe_row(sheet, values))


def xlsx_response(content, filename, *, request, personal=False, obj=None):
    """A download of `content` (bytes or an openpyxl Workbook) under a Chinese file name.

    Every download is an audited action ("export"): the file name, the data rows of each sheet
    and, when the file carries personal data (`personal`: phones, ID numbers, birth dates),
    whether this user got them masked (the audit app asks the visibility rule)."""
    if isinstance(content, Workbook):
        content = workbook_bytes(content)
    audit_export(request, content, filename, personal=personal, obj=obj)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def audit_export(request, content, filename, *, personal=False, obj=None):
    """Record the download of a finished .xlsx (xlsx_response does; the admin's export too)."""
    sheets = sheet_rows(content)
    rows = sum(sheets.values())
    audit(
        "export",
        request=request,
        obj=obj,
        detail=f"{filename}（{rows} 行{'，含个人信息' if personal else ''}）",
        file=filename,
        rows=rows,
        sheets=sheets,
        personal=personal,
    )


SHEET_NAME_RE = re.compile(r"<sheet\b[^>]*\bname=\"([^\"]*)\"")
ROW_TAG = b"<row "


def sheet_rows(content):
    """{sheet title: rows below the header} of a finished .xlsx, counted in its XML (the same way
    for write-only and ordinary workbooks; a sheet with only a header counts 0)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = SHEET_NAME_RE.findall(archive.read("xl/workbook.xml").decode("utf-8"))
        counts = {}
        for index, name in enumerate(names, start=1):
            try:
                xml = archive.read(f"xl/worksheets/sheet{index}.xml")
            except KeyError:
                continue
            counts[html.unescape(name)] = max(xml.count(ROW_TAG) - 1, 0)
    return counts


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def freeze_header(sheet):
    """The header row stays in view. A write-only sheet writes its view with its first row: call
    this before appending."""
    sheet.freeze_panes = "A2"


def filter_header(sheet, columns, last_row):
    """An autofilter over the header and the rows below it, down to `last_row`. Written with the
    sheet's tail, so a write-only sheet takes it after its rows."""
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(last_row, 1)}"


def table_header(sheet, columns, last_row):
    """Every table the product exports has a header row that is frozen and filters (an ordinary
    worksheet, once its rows are in)."""
    freeze_header(sheet)
    filter_header(sheet, columns, last_row)


def write_only_sheet(workbook, title, headers, rows, widths=None):
    """Append a sheet with a bold, frozen and filterable header row to a write-only workbook."""
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths or []):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    freeze_header(sheet)
    bold = Font(bold=True)
    sheet.append([text_cell(sheet, header, font=bold) for header in headers])
    count = 0
    for row in rows:
        append_row(sheet, row)
        count += 1
    filter_header(sheet, len(headers), count + 1)
    return sheet


def dataset_workbook(dataset, title="Sheet1"):
    """A tablib Dataset (an import-export resource's export) as a write-only workbook."""
    workbook = Workbook(write_only=True)
    write_only_sheet(workbook, (dataset.title or title)[:31], dataset.headers or [], (list(row) for row in dataset))
    return workbook


class SafeXLSX(XLSX):
    """The admin's import-export format: exports go through the shared writer (escaped); an
    import is read like every upload (size, expansion, declared dimension checked first; an Excel
    error value such as #N/A refused by row and column, not imported as text)."""

    def create_dataset(self, in_stream):
        return dataset_from_bytes(in_stream)

    def export_data(self, dataset, **kwargs):
        return workbook_bytes(dataset_workbook(dataset))
