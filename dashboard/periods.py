"""The reporting periods of the dashboards: a month, a quarter or a year, and the one before it."""

from dataclasses import dataclass
from datetime import date, timedelta

# The month helpers live in core.dates; the dashboard modules import them from here.
from core.dates import add_months, month_end, month_start, parse_month

PERIOD_CHOICES = [("month", "按月"), ("quarter", "按季度"), ("year", "按年")]
PERIOD_KINDS = {kind for kind, _ in PERIOD_CHOICES}
__all__ = [
    "PERIOD_CHOICES",
    "PERIOD_KINDS",
    "Period",
    "add_months",
    "month_end",
    "month_start",
    "parse_month",
    "week_of",
]


def week_of(day):
    """Monday to Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date
    prev_start: date
    prev_end: date

    @property
    def label(self):
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def prev_label(self):
        return Period.of(self.kind, self.prev_start).label

    @property
    def ref(self):
        """The month parameter that names this period in a URL."""
        return f"{self.start:%Y-%m}"

    @classmethod
    def of(cls, kind, day):
        if kind not in PERIOD_KINDS:
            raise ValueError(f"unknown period kind {kind!r}")
        months = {"month": 1, "quarter": 3, "year": 12}[kind]
        if kind == "year":
            start = date(day.year, 1, 1)
        elif kind == "quarter":
            start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        else:
            start = month_start(day)
        end = add_months(start, months) - timedelta(days=1)
        prev_start = add_months(start, -months)
        return cls(kind, start, end, prev_start, start - timedelta(days=1))
