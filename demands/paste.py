"""Several demand items pasted at once (a copied Excel range, a WeChat message): one item per
line, its columns in a fixed order. The list form shows the rows found for checking before they
are added; nothing here writes."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from secretaries.validators import validate_funds

COLUMNS = ("需求名称", "类别", "具体内容", "预计资金（元）", "期望完成时间")
MAX_ROWS = 50
TITLE_MAX = 100

# One separator per line, the first kind present: tabs (Excel), else commas, Chinese commas,
# 顿号 or semicolons (a typed message), else runs of spaces (ASCII or full-width).
TAB = re.compile(r"\t")
COMMAS = re.compile(r"[,，、;；]")
SPACES = re.compile(r"[ \u3000]+")
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
FUNDS = re.compile(r"^(\d+(?:\.\d+)?)\s*(万)?\s*元?$")


@dataclass
class PastedRow:
    line: int
    title: str
    category_id: int | None = None
    category_name: str = ""
    detail: str = ""
    estimated_funds: str = ""
    wanted_by: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class PasteResult:
    rows: list[PastedRow] = field(default_factory=list)
    # Lines that were not taken, each with its reason (第3行：…).
    problems: list[str] = field(default_factory=list)


def split_line(line):
    for separator in (TAB, COMMAS):
        if separator.search(line):
            return [cell.strip() for cell in separator.split(line)]
    return SPACES.split(line.strip())


def _match_category(text, categories):
    """The category named `text`: its exact name, else the one name that contains it or that it
    contains (基础设施 → 基础设施建设). None when no name, or several, fit."""
    if not text:
        return None
    exact = [c for c in categories if c[1] == text]
    if exact:
        return exact[0]
    near = [c for c in categories if text in c[1] or c[1] in text]
    return near[0] if len(near) == 1 else None


def _parse_funds(text):
    match = FUNDS.match(text.replace(",", "").replace("，", ""))
    if not match:
        return None
    try:
        value = Decimal(match.group(1)) * (10000 if match.group(2) else 1)
        validate_funds(value)
    except (InvalidOperation, ValidationError):
        return None
    return f"{value.normalize():f}"


def _parse_date(text):
    match = DATE.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def parse_pasted_items(text, categories):
    """Rows from pasted `text`. `categories`: (id, name) pairs of the active demand categories.
    Blank lines are skipped; a header line (需求名称…) too. A line with more columns than COLUMNS is
    not taken (its separators are probably wrong); a missing or unknown category, a bad amount or
    date is left empty with a note saying so, for the user to pick in the form."""
    categories = list(categories)
    result = PasteResult()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = split_line(line)
        while cells and not cells[-1]:
            cells.pop()
        if cells and cells[0] == COLUMNS[0]:
            continue
        if len(cells) > len(COLUMNS):
            result.problems.append(
                f"第{number}行：有{len(cells)}列，最多{len(COLUMNS)}列（{'、'.join(COLUMNS)}）；"
                "请检查分隔符，或把多出的内容并入具体内容"
            )
            continue
        if not cells[0]:
            result.problems.append(f"第{number}行：需求名称（第1列）不能为空")
            continue
        if len(result.rows) >= MAX_ROWS:
            result.problems.append(f"第{number}行起未识别：一份清单最多{MAX_ROWS}条")
            break
        cells += [""] * (len(COLUMNS) - len(cells))
        title, category_text, detail, funds_text, date_text = cells
        row = PastedRow(line=number, title=title[:TITLE_MAX], detail=detail)
        if len(title) > TITLE_MAX:
            row.notes.append(f"需求名称超过{TITLE_MAX}字，已截断")
        category = _match_category(category_text, categories)
        if category:
            row.category_id, row.category_name = category
        elif category_text:
            row.notes.append(f"类别“{category_text}”不在类别表中，请选择")
        else:
            row.notes.append("未填类别，请选择")
        if funds_text:
            row.estimated_funds = _parse_funds(funds_text) or ""
            if not row.estimated_funds:
                row.notes.append(f"预计资金“{funds_text}”不是有效金额（0至1亿元），未填入")
        if date_text:
            row.wanted_by = _parse_date(date_text) or ""
            if not row.wanted_by:
                row.notes.append(f"期望完成时间“{date_text}”无法识别（应如2026-06-30），未填入")
        result.rows.append(row)
    if not result.rows and not result.problems:
        result.problems.append("没有识别到需求：请每行粘贴一条，列之间用制表符、逗号、顿号或空格分隔")
    return result
