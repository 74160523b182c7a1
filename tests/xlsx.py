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


FORMULA_TITLE = '=HYPERLINK("http://x"&A1,"点此")'


def assert_stored_as_text(content, text=FORMULA_TITLE):
    """Every cell holding `text` in the .xlsx `content` is a string cell (never a formula), and no
    sheet of the file stores a formula at all. Returns how many cells held it."""
    import zipfile

    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    workbook = load_workbook(BytesIO(content))
    found = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value == text]
    assert found, f"{text!r} is not in the file"
    for cell in found:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.data_type)
    return len(found)
