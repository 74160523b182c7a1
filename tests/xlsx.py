"""Real .xlsx files for upload tests, built with openpyxl."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook


def xlsx_bytes(headers, rows, sheet_title="Sheet1"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(headers, rows, name="data.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(headers, rows))


def read_xlsx_response(response):
    """The rows of the first sheet of a downloaded .xlsx (header row first)."""
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
