"""The dashboard's filters (period, month, township, round) read from the query string.

A township outside the user's scope answers 404, like any foreign record. Any other bad value
(an unknown period, a malformed month, a round that does not exist) is reported in Chinese and
replaced by its default, so the page still answers."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone

from dashboard.periods import PERIOD_KINDS, Period, parse_month
from secretaries.models import Township


@dataclass(frozen=True)
class Filters:
    period: Period
    township_id: int | None = None
    round_id: int | None = None
    warnings: tuple = field(default=(), compare=False)

    def cache_part(self):
        return f"{self.period.kind}:{self.period.start}:{self.township_id or '-'}:{self.round_id or '-'}"

    def query(self, **extra):
        """Query string for links that keep these filters (extra values override, None drops)."""
        params = {"period": self.period.kind, "month": self.period.ref}
        if self.township_id:
            params["township"] = self.township_id
        if self.round_id:
            params["round"] = self.round_id
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def scoped_township_id(user, raw):
    """The township id from a query string, checked against the user's scope (404 if foreign)."""
    if raw in (None, ""):
        return None
    township_id = _int_or_none(raw)
    if township_id is None or not Township.objects.for_user(user).filter(pk=township_id).exists():
        raise Http404("没有这个乡镇，或不在您的范围内")
    return township_id


def parse_filters(request, default_period="month", user=None):
    """`user`: whose scope the township is checked against (the request's user unless given: the
    city role's reader of one district)."""
    params = request.GET
    warnings = []
    kind = params.get("period") or default_period
    if kind not in PERIOD_KINDS:
        warnings.append(f"统计周期“{kind}”无效，已按月显示")
        kind = "month"
    day = timezone.localdate()
    if params.get("month"):
        try:
            day = parse_month(params["month"])
        except ValueError as exc:
            warnings.append(f"{exc}，已显示本期")
    round_id = None
    if params.get("round"):
        round_id = _int_or_none(params["round"])
        if round_id is None:
            warnings.append("轮次参数无效，已显示当前轮次")
    return Filters(
        period=Period.of(kind, day),
        township_id=scoped_township_id(user or request.user, params.get("township")),
        round_id=round_id,
        warnings=tuple(warnings),
    )
