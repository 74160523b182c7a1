"""A list as people keep it in Excel: find the header under title and 填报单位 lines, stop at the
填表人 / 审核人 footer, map columns by header synonyms, and read values the way people write them.

No app imports: an app describes its list as a `ListSpec` (the columns it imports, each with its
synonyms and kind) and hands over the sheet's non-blank rows as `(excel_row, values)`:

    spec = ListSpec(kind="demands", title="需求清单", columns=[Column("需求名称", synonyms=("事项",)), ...])
    found = recognise(sheet_title, rows, specs)           # which list a sheet holds, by its header
    sheet = read_list(rows, spec, today=date.today())     # the header, mapping, rows, errors
    sheet.dataset                                          # canonical headers, values parsed

Values: dates (Excel dates, 2024年10月31日, 2024-10-31, 2024/10/31, 2024.10.31, a month alone as
its last day, 长期 / 常年 as no date), amounts with units (45.5万元, 455000元, ￥5,000, a unit in the
header), phones with spaces, dashes or +86, full-width digits, choices by synonym or close match.
Every value that cannot be read is an error naming the Excel row, column and header."""

import calendar
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import tablib
from import_export import widgets
from openpyxl.utils import get_column_letter

from core.importing import ExcelError, RowError

HEADER_SCAN_ROWS = 20  # the header is looked for among the first rows of a sheet
MIN_HEADER_MATCHES = 2  # a row is a header when at least this many cells name a known column
MIN_RECOGNISED_MATCHES = 2  # a sheet named otherwise holds a list when its header names this many

SIGNATURE_WORDS = ("填表人", "填报人", "制表人", "审核人", "审批人")  # a footer wherever they stand in a row
FOOTER_STARTS = (*SIGNATURE_WORDS, "单位负责人", "联系电话", "注:", "说明:", "备注:")  # a footer as a row's first cell
TOTAL_WORDS = ("合计", "总计", "小计")
STAMP_WORDS = ("填报单位", "报送单位", "盖章", "填报日期", "填报时间", "报送日期")
OPEN_ENDED = ("长期", "常年", "长期有效", "持续", "长年")
UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "万": Decimal(10000), "亿元": Decimal(10**8)}
SPACE_RE = re.compile(r"\s+")
UNIT_RE = re.compile(r"[(]\s*(亿元|万元|千元|元)\s*[)]$|(亿元|万元|千元)$")


def normalise(text):
    """The form two spellings of a header or a choice are compared in: full-width to half-width
    (（）１２ → ()12), no spaces or line breaks, no required-field stars, lower case."""
    if text is None:
        return ""
    return _normalised(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=16384)  # a list repeats its villages, categories and choices row after row
def _normalised(text):
    return SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).strip("*※").lower()


@dataclass(frozen=True)
class Column:
    """One column an app imports. `key` is the canonical header (the platform template's)."""

    key: str
    kind: str = "text"  # text | date | amount | percent | phone | choice | integer
    required: bool = False  # the header must be present
    synonyms: tuple = ()
    options: dict = field(default_factory=dict)  # choice: normalised spelling -> canonical value
    fuzzy: bool = False  # choice: accept a unique close match, with a warning naming it
    warn_past: bool = False  # date: a day already past is a warning in the preview
    note_into: str = ""  # date: 长期 / 常年 is kept as a note in this column; text: appended there
    expected: str = ""  # text: a value other than this (e.g. another township) is an error
    in_dataset: bool = True  # False: read and checked, not handed to the import
    default: str = ""  # the value of an empty cell (or of a column the sheet does not have)
    earliest: date = date(2000, 1, 1)  # date: an earlier day is a typo (0024 for 2024), not a date


@dataclass
class ListSpec:
    kind: str
    title: str
    columns: list
    remembered: dict = field(default_factory=dict)  # normalised header -> key ("" = not imported)
    remembered_why: str = "本乡镇上次的设置"  # how the preview names a remembered correction

    def column(self, key):
        by_key = self.__dict__.get("_by_key")
        if by_key is None:  # asked for every cell of every row: a dict, built once
            by_key = self._by_key = {column.key: column for column in self.columns}
        return by_key[key]

    def match(self, header):
        """(key or None, why) for a header cell."""
        text = normalise(header)
        if not text:
            return None, ""
        if text in self.remembered:
            return (self.remembered[text] or None), self.remembered_why
        base = UNIT_RE.sub("", text)
        for candidate, why in ((text, "表头"), (base, "表头")):
            for column in self.columns:
                if candidate == normalise(column.key):
                    return column.key, why
            for column in self.columns:
                if candidate in {normalise(s) for s in column.synonyms}:
                    return column.key, "同义词"
        return None, ""


@dataclass
class Mapped:
    index: int  # 0-based column index in the sheet
    letter: str
    header: str
    key: str | None
    why: str  # 表头 | 同义词 | 本乡镇上次的设置 (the spec's remembered_why) | 手动 | 重复 | ""
    factor: Decimal = Decimal(1)  # amount: the unit named in the header, in yuan


@dataclass
class ListSheet:
    spec: ListSpec
    header_row: int
    columns: list  # Mapped, one per non-empty header cell
    skipped: list = field(default_factory=list)  # (row, why, text)
    errors: list = field(default_factory=list)  # RowError
    warnings: list = field(default_factory=list)  # RowError
    records: list = field(default_factory=list)  # (excel_row, {key: value})
    dataset: tablib.Dataset | None = None
    has_rows: bool = False  # anything below the header (data, totals or footer)
    failed: set = field(default_factory=set)  # (excel_row, key) of the values that could not be read

    @property
    def missing(self):
        keys = {m.key for m in self.columns}
        return [c.key for c in self.spec.columns if c.required and c.key not in keys]

    @property
    def ignored(self):
        return [m for m in self.columns if m.key is None]

    def as_json(self):
        """How the sheet was read (its header, mapping and skipped rows), JSON-ready: what a
        background job's preview keeps for the page's mapping selects. Not its rows."""
        return {
            "kind": self.spec.kind,
            "title": self.spec.title,
            "keys": [column.key for column in self.spec.columns],
            "name": getattr(self, "name", ""),
            "header_row": self.header_row,
            "columns": [[m.index, m.letter, m.header, m.key, m.why] for m in self.columns],
            "skipped": [list(item) for item in self.skipped],
        }

    @classmethod
    def from_json(cls, data):
        spec = ListSpec(data["kind"], data["title"], [Column(key) for key in data["keys"]])
        sheet = cls(
            spec=spec,
            header_row=data["header_row"],
            columns=[Mapped(*column) for column in data["columns"]],
            skipped=[tuple(skipped) for skipped in data["skipped"]],
        )
        sheet.name = data["name"]
        return sheet


class SheetError(ValueError):
    """The sheet as a whole cannot be read as this list; the message says why, in Chinese."""


# Header and footer -----------------------------------------------------------------------------


def header_score(values, spec):
    """How many of the spec's imported columns a row names (乡镇, 备注 and the like do not count)."""
    keys = {spec.match(value)[0] for value in values if value not in (None, "")}
    return len({column.key for column in spec.columns if column.in_dataset and column.key in keys})


def find_header(rows, spec):
    """(index into rows, score) of the header: the first of the first rows naming most columns."""
    best, best_score = None, 0
    for position, (_number, values) in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = header_score(values, spec)
        if score > best_score:
            best, best_score = position, score
    return best, best_score


def two_row_header(rows, position, spec):
    """(header values, height) of the header at `position`. A header written in two rows (a merged
    group cell above its sub-headers: 联系人 over 姓名 | 电话, 资金 over 金额（万元）| 来源) is read as
    one: each sub-header takes its group's name in front (联系人电话), alone (电话) or, failing
    both, the group's (联系人). Two rows are taken only when the row below is all text and names
    more columns together with the header than the header alone, so a first data row never is."""
    top = list(rows[position][1])
    if position + 1 >= len(rows):
        return top, 1
    below = list(rows[position + 1][1])
    if any(value not in (None, "") and not isinstance(value, str) for value in below):
        return top, 1
    width = max(len(top), len(below))
    top_full, below = top + [None] * (width - len(top)), below + [None] * (width - len(below))
    combined, group = [], None
    for head, sub in zip(top_full, below, strict=True):
        if head not in (None, ""):
            group = str(head).strip()
        if sub in (None, ""):
            combined.append(head)
            continue
        sub = sub.strip()
        owner = str(head).strip() if head not in (None, "") else group
        candidates = [f"{owner}{sub}", sub, owner] if owner else [sub]
        combined.append(next((text for text in candidates if spec.match(text)[0]), candidates[0]))
    if header_score(combined, spec) > header_score(top, spec):
        return combined, 2
    return top, 1


def recognise(sheet_title, rows, specs):
    """The spec of the list this sheet holds, or None. A sheet named like a list (需求清单) is that
    list; any other sheet is the list whose columns its header names most (at least two; one
    with every required column first, then one whose title names the list)."""
    title = normalise(sheet_title)
    for spec in specs:
        if title == normalise(spec.title):
            return spec
    ranked = []
    for spec in specs:
        position, score = find_header(rows, spec)
        if position is None or score < MIN_RECOGNISED_MATCHES:
            continue
        keys = {spec.match(value)[0] for value in rows[position][1]}
        complete = all(c.key in keys for c in spec.columns if c.required)
        ranked.append((complete, score, normalise(spec.title[:2]) in title, spec.kind, spec))
    ranked.sort(key=lambda item: item[:4], reverse=True)
    return ranked[0][4] if ranked else None


def _row_text(values):
    return " ".join(str(value) for value in values if value not in (None, ""))[:60]


def _first_text(values):
    return next((normalise(value) for value in values if value not in (None, "")), "")


FOOTER_CHARS = frozenset(word[0] for word in FOOTER_STARTS)  # a row with none of these is no footer


def _is_footer(values):
    text = "".join(value for value in values if isinstance(value, str))
    if not FOOTER_CHARS.intersection(text):  # most rows: no need to normalise every cell
        return False
    if _first_text(values).startswith(FOOTER_STARTS):
        return True
    return any(isinstance(value, str) and normalise(value).startswith(SIGNATURE_WORDS) for value in values)


def _is_total(values):
    return any(normalise(value).rstrip(":") in TOTAL_WORDS for value in values[:3] if value not in (None, ""))


# Reading a list --------------------------------------------------------------------------------


def read_list(rows, spec, *, today, chosen=None):
    """Read `rows` (non-blank `(excel_row, values)`) as the list `spec`. `chosen` is the user's
    correction of the mapping: {column index: key or ""}. Raises SheetError when no header is found."""
    sheet, first = _read_header(rows, spec, chosen)
    if sheet.missing:
        return sheet
    mapped = [m for m in sheet.columns if m.key]
    in_footer = False
    for number, values in rows[first:]:
        if in_footer or _is_footer(values):
            in_footer = True
            sheet.skipped.append((number, "表尾（填表人、审核人等）", _row_text(values)))
            continue
        if _is_total(values):
            sheet.skipped.append((number, "合计行", _row_text(values)))
            continue
        cells = {m.key: (values[m.index] if m.index < len(values) else None) for m in mapped}
        if all(cells[m.key] in (None, "") for m in mapped if spec.column(m.key).in_dataset):
            sheet.skipped.append((number, "空行（只有序号等）", _row_text(values)))
            continue
        for column in spec.columns:
            if column.default and cells.get(column.key) in (None, ""):
                cells[column.key] = column.default
        sheet.records.append((number, _read_record(sheet, number, cells, today)))
    sheet.dataset = _dataset(sheet)
    return sheet


def read_header(rows, spec):
    """The header of `rows` as the importer maps it by itself (synonyms and remembered
    corrections, no user choice), without reading the rows below it: a ListSheet without records.
    What a user's correction is compared with (secretaries.mapping.remember_mapping)."""
    return _read_header(rows, spec, None)[0]


def _read_header(rows, spec, chosen):
    """(the ListSheet with its mapped columns and skipped title rows, the index in `rows` of the
    first row below the header)."""
    position, score = find_header(rows, spec)
    if position is None or score < 1:
        needed = "、".join(c.key for c in spec.columns if c.required)
        raise SheetError(f"找不到表头（应有 {needed} 等列）。请检查表头是否在前 {HEADER_SCAN_ROWS} 行内")
    header_row = rows[position][0]
    header_values, height = two_row_header(rows, position, spec)
    chosen = {int(index): key for index, key in (chosen or {}).items()}  # a session's JSON keys are text
    sheet = ListSheet(spec=spec, header_row=header_row, columns=_map_columns(header_values, spec, chosen))
    sheet.has_rows = position + height < len(rows)
    for number, values in rows[:position]:
        why = "填报单位、日期行" if any(w in _row_text(values) for w in STAMP_WORDS) else "标题行"
        sheet.skipped.append((number, why, _row_text(values)))
    if height == 2:
        sheet.skipped.append((rows[position + 1][0], "表头第二行（已与上一行合并）", _row_text(rows[position + 1][1])))
    return sheet, position + height


def _map_columns(values, spec, chosen):
    columns, taken = [], set()
    for index, value in enumerate(values):
        if value in (None, ""):
            continue
        header = "" if value is None else str(value).strip()
        if index in chosen:
            key, why = (chosen[index] or None), "手动"
            if key and key not in {c.key for c in spec.columns}:
                key, why = None, ""
        else:
            key, why = spec.match(header)
        if key in taken and why != "手动":
            key, why = None, "重复"
        factor = _header_unit(header) if key and spec.column(key).kind == "amount" else Decimal(1)
        columns.append(Mapped(index, get_column_letter(index + 1), header, key, why, factor))
        if key:
            taken.add(key)
    return columns


def duplicate_choices(sheet):
    """Keys the user mapped from more than one column: [(key, [letters])]."""
    by_key = {}
    for mapped in sheet.columns:
        if mapped.key:
            by_key.setdefault(mapped.key, []).append(mapped.letter)
    return [(key, letters) for key, letters in by_key.items() if len(letters) > 1]


def mapping_errors(sheet):
    """[RowError] of a header that cannot be imported as mapped: a column chosen for two columns,
    a required column no column maps to. Empty when the mapping is usable."""
    errors = [
        RowError(0, f"“{key}”对应了 {'、'.join(letters)} 多列，请只选一列") for key, letters in duplicate_choices(sheet)
    ]
    if sheet.missing:
        message = (
            f"表头缺少以下列：{'、'.join(sheet.missing)}。"
            "请在下方为这些列选择对应的表头后重新预览，或使用下载的模板填写。"
        )
        errors.append(RowError(0, message))
    return errors


MAPPING_FIELD_RE = re.compile(r"map-([a-z]{1,20})-(\d{1,3})")


def chosen_mapping(data):
    """The user's correction of a mapping from the preview's selects (templates/_import_mapping.html
    names them map-<kind>-<column index>): {kind: {column index: key or ""}}."""
    chosen = {}
    for name, value in data.items():
        match = MAPPING_FIELD_RE.fullmatch(name)
        if match:
            chosen.setdefault(match.group(1), {})[match.group(2)] = str(value)[:30]
    return chosen


def _header_unit(header):
    match = UNIT_RE.search(normalise(header))
    if not match:
        return Decimal(1)
    return UNITS[match.group(1) or match.group(2)]


def _read_record(sheet, number, cells, today):
    record = {}
    notes = {}
    by_key = {m.key: m for m in sheet.columns if m.key}
    for key, raw in cells.items():
        column = sheet.spec.column(key)
        mapped = by_key.get(key) or Mapped(-1, "", key, key, "")
        where = f"（{mapped.letter} 列）" if mapped.letter else ""
        try:
            value, note = read_value(raw, column, factor=mapped.factor)
        except ValueError as exc:
            sheet.errors.append(RowError(number, f"{mapped.header or key}：{exc}{where}"))
            sheet.failed.add((number, key))
            record[key] = None
            continue
        if note and column.note_into:
            notes.setdefault(column.note_into, []).append(note)
        if column.kind == "choice" and value is not None and normalise(value) != normalise(raw):
            sheet.warnings.append(RowError(number, f"{mapped.header}：“{_text(raw)}”按“{value}”导入{where}"))
        if column.kind == "date" and column.warn_past and isinstance(value, date) and value < today:
            sheet.warnings.append(RowError(number, f"{mapped.header}：{value:%Y-%m-%d} 已经过去{where}"))
        if column.expected and value and not _same_place(value, column.expected):
            sheet.errors.append(RowError(number, f"{mapped.header}：“{value}”不是本次上传的“{column.expected}”{where}"))
        record[key] = value
    for into, parts in notes.items():
        record[into] = "；".join(p for p in [record.get(into) or "", *parts] if p)
    return record


def _same_place(value, expected):
    a, b = normalise(value), normalise(expected)
    return a == b or (len(a) >= 2 and b.startswith(a))


def _dataset(sheet):
    keys = [c.key for c in sheet.spec.columns if c.in_dataset]
    dataset = tablib.Dataset(headers=keys)
    for _number, record in sheet.records:
        dataset.append([record.get(key) for key in keys])
    dataset.excel_rows = [number for number, _record in sheet.records]
    dataset.source_columns = {m.key: (m.letter, m.header) for m in sheet.columns if m.key}
    return dataset


# Values ----------------------------------------------------------------------------------------


def read_value(raw, column, factor=Decimal(1)):
    """(value, note) for one cell. Raises ValueError with a Chinese reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if isinstance(raw, ExcelError):  # a formula that failed: no value to import, not an empty cell
        raise ValueError(f"单元格为 Excel 错误值 {raw}，请改正公式或填写数值")
    if column.kind == "date":
        value, word = parse_date(raw, earliest=column.earliest)
        return value, (f"{column.key}：{word}" if word else "")
    if column.kind == "amount":
        return parse_amount(raw, factor), ""
    if column.kind == "percent":
        return parse_percent(raw), ""
    if column.kind == "phone":
        return parse_phone(raw), ""
    if column.kind == "integer":
        return parse_count(raw), ""
    if column.kind == "choice":
        return match_choice(raw, column.options, fuzzy=column.fuzzy), ""
    text = _text(raw)
    if column.note_into:
        return None, f"{column.key}：{text}"
    return text, ""


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if not (value.hour or value.minute) else value.strftime("%Y-%m-%d %H:%M")
    return " ".join(str(value).split())


EXCEL_EPOCH = date(1899, 12, 30)
DAY_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
MONTH_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:底|末|份)?")
YEAR_END_RE = re.compile(r"(\d{4})\s*年?\s*(?:底|末|年底|年末)")
COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(raw, *, earliest=date(2000, 1, 1)):
    """(date or None, note): Excel dates, serial numbers, 20241031, and text in the forms of the
    module docstring. 长期 / 常年 give no date and the word as the note. A text day before
    `earliest` or after 2100 is refused (a birth date's column sets an earlier one)."""
    if isinstance(raw, datetime):
        return raw.date(), ""
    if isinstance(raw, date):
        return raw, ""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 20000 <= raw <= 80000:  # an Excel serial day that lost its date format (1954–2119)
            return EXCEL_EPOCH + timedelta(days=int(raw)), ""
        if not float(raw).is_integer() and re.fullmatch(r"\d{4}\.1", str(raw)):
            # Excel keeps 2024.10 typed in a cell as the number 2024.1: October or January?
            raise ValueError(f"“{raw}”分不清是 1 月还是 10 月，请写成 2024年10月 或 2024-10-31")
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    text = normalise(raw)
    if text in OPEN_ENDED:
        return None, text
    try:
        if match := COMPACT_RE.fullmatch(text):
            return _day(*match.groups(), earliest=earliest), ""
        if match := DAY_RE.fullmatch(text):
            return _day(*match.groups(), earliest=earliest), ""
        if match := MONTH_RE.fullmatch(text):
            year, month = int(match.group(1)), int(match.group(2))
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return _day(year, month, last, earliest=earliest), ""
        if match := YEAR_END_RE.fullmatch(text):
            return _day(match.group(1), 12, 31, earliest=earliest), ""
    except ValueError:
        pass
    raise ValueError(f"“{_text(raw)}”不是有效日期，请按 2026-12-31 的格式填写")


def _day(year, month, day, *, earliest):
    value = date(int(year), int(month), int(day))
    if not earliest <= value <= date(2100, 12, 31):
        raise ValueError(value)
    return value


class DateCellWidget(widgets.Widget):
    """A django-import-export widget reading a date as people write it (parse_date: the one home
    for reading dates), for the resources the admin's import still runs."""

    def __init__(self, earliest=date(2000, 1, 1), **kwargs):
        self.earliest = earliest
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        return parse_date(value, earliest=self.earliest)[0]

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%Y-%m-%d") if value else ""


AMOUNT_RE = re.compile(r"(-?\d+(?:\.\d+)?)(亿元|万元|千元|元|万)?")


def parse_amount(raw, factor=Decimal(1)):
    """An amount in yuan. A unit written in the cell wins over the header's `factor`."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Decimal(str(raw)) * factor
    text = normalise(raw)
    for sign in ("¥", "￥", "rmb", "人民币", ",", "，"):
        text = text.replace(sign, "")
    match = AMOUNT_RE.fullmatch(text)
    if not match:
        raise ValueError(f"“{_text(raw)}”不是金额，请填写数字，如 45.5 或 45.5万元")
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        raise ValueError(f"“{_text(raw)}”不是金额") from None
    return number * (UNITS[match.group(2)] if match.group(2) else factor)


def parse_percent(raw):
    """A share in percent: 40, 40%, or Excel's 0.4 of a cell formatted as a percentage."""
    if isinstance(raw, float) and 0 < raw < 1:
        return Decimal(str(raw)) * 100
    text = normalise(raw).rstrip("%") if isinstance(raw, str) else raw
    try:
        return parse_amount(text)
    except ValueError:
        raise ValueError(f"“{_text(raw)}”不是百分数，请填写 0 到 100 的数字") from None


def parse_count(raw):
    """A whole number of people or households: 900, 1,200, 900人, 300户."""
    text = normalise(_text(raw)).replace(",", "").rstrip("人户个")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{_text(raw)}”不是数字") from None
    if number < 0 or number != number.to_integral_value():
        raise ValueError(f"“{_text(raw)}”应为非负整数")
    return int(number)


MOBILE_RE = re.compile(r"1[3-9]\d{9}")
LANDLINE_RE = re.compile(r"0\d{9,11}")
LOCAL_RE = re.compile(r"[2-9]\d{6,7}")


def parse_phone(raw):
    """A mainland mobile (11 digits), a landline with its area code (010-69312345) or a local
    number; spaces, dashes, brackets, +86 and full-width digits are dropped."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = normalise(raw)
    digits = re.sub(r"[-—–()（）.·]", "", text)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and MOBILE_RE.fullmatch(digits[len(prefix) :]):
            digits = digits[len(prefix) :]
    if MOBILE_RE.fullmatch(digits) or LOCAL_RE.fullmatch(digits):
        return digits
    if LANDLINE_RE.fullmatch(digits):
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}"
    if re.search(r"\d{7,}\D+\d{7,}", text):
        raise ValueError(f"“{_text(raw)}”含有多个号码，请只填一个电话号码")
    raise ValueError(f"“{_text(raw)}”不是有效的电话号码，请填写 11 位手机号或带区号的固定电话")


def match_choice(raw, options, *, fuzzy=False):
    """The canonical value a cell names: exactly, by a synonym, or (fuzzy) by the one option it is
    part of or closest to (基础设施 → 基础设施建设). An unknown value comes back as written, for the
    import to refuse with its own message."""
    text = normalise(raw)
    if text in options:
        return options[text]
    if fuzzy and len(text) >= 2:
        canonical = sorted(set(options.values()))
        containing = [value for value in canonical if text in normalise(value) or normalise(value) in text]
        if len(containing) == 1:
            return containing[0]
        close = difflib.get_close_matches(text, [normalise(v) for v in canonical], n=2, cutoff=0.6)
        if len(close) == 1:
            return next(value for value in canonical if normalise(value) == close[0])
    return _text(raw)
