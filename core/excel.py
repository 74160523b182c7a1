""".xlsx downloads shared by every app: one response helper and one write-only sheet helper
(openpyxl's write-only mode streams rows, so tens of thousands of rows export in seconds)."""

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content, filename):
    """A download of `content` (bytes or an openpyxl Workbook) under a Chinese file name."""
    if isinstance(content, Workbook):
        buffer = io.BytesIO()
        content.save(buffer)
        content = buffer.getvalue()
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def write_only_sheet(workbook, title, headers, rows, widths=None):
    """Append a sheet with a bold, frozen header row to a write-only workbook."""
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths or []):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(row)
    return sheet


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
