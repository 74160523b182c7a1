"""Request parameters the teams pages share: the district, a month, a kind of group, a period."""

from django.contrib import messages
from django.utils import timezone

from core.dates import add_months, parse_month
from core.scoping import scope_for
from core.text import as_id
from teams import scoring
from teams.models import PioneerTeam


def district_id(request):
    scope = scope_for(request.user)
    if scope.district_id is not None:
        return scope.district_id
    team = PioneerTeam.objects.order_by("pk").first()  # a superuser without a district
    return team.district_id if team else None


def month_param(request, name="month", default=None):
    """A YYYY-MM parameter within 2000–2100 (so month arithmetic never overflows), else `default`."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse_month(raw)
    except ValueError:
        messages.error(request, f"月份“{raw[:20]}”无效，应为 2000-01 至 2100-12 之间的 YYYY-MM，已显示默认月份。")
        return default


def kind_param(request, kinds):
    """The ?kind= of the request among `kinds` (already scoped), else None."""
    raw = request.GET.get("kind", "")
    return next((kind for kind in kinds if kind.pk == as_id(raw)), None)


def last_month():
    return add_months(timezone.localdate(), -1)


def period(request):
    end = month_param(request, "to", default=last_month())
    start = month_param(request, "from", default=add_months(end, -11))
    if start > end:
        messages.error(request, "开始月份晚于结束月份，已改为结束月份前12个月。")
        start = add_months(end, -11)
    months = scoring.months_between(start, end)
    if len(months) > 24:
        messages.error(request, "考评期间最长24个月，已截取最后24个月。")
        months = months[-24:]
    return months
