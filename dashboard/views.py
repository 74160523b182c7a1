"""Home pages per role, the org and township dashboards, their drill-down lists and the reports.

Every read goes through for_user (dashboard.selectors.Scoped); a township outside the viewer's
scope answers 404, a round of another district 404, a role without dashboards 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.access import role_required
from core.excel import xlsx_response
from core.paging import querystring_without_page
from core.scoping import scope_for
from dashboard import caching, homes, reports, selectors
from dashboard.filters import _int_or_none, parse_filters, scoped_township_id
from dashboard.panels import dashboard_panels
from dashboard.periods import add_months, parse_month, week_of
from dashboard.selectors import STAGES, Scoped
from dashboard.todos import todos_for
from demands.models import CollectionRound, DemandCategory, DemandItem, ResourceCategory
from secretaries.models import Township
from stations.models import ServiceStation
from teams.models import PioneerTeam

PAGE_SIZE = 50
STAGE_FILTERS = {key: (label, statuses) for key, label, statuses in STAGES}
STAGE_FILTERS["unmet"] = ("待办（未办结）", selectors.UNMET)
STAGE_FILTERS["returned"] = ("退回", [DemandItem.Status.RETURNED])


@login_required
def home(request):
    """Each role lands on the page that fits it."""
    scope = scope_for(request.user)
    if scope.is_city:
        return redirect("city:home")
    if scope.is_admin:
        # The administrators (三员): what waits in their own duty, with the way to their tool.
        data = homes.admin_home(request.user)
        return render(
            request, f"dashboard/home_{scope.role}.html", {**data, "todos": todos_for(request.user, dashboard=data)}
        )
    if scope.is_member:
        return redirect("teams:team_list")
    if not scope.has_access:
        return render(request, "dashboard/no_role.html", status=403)
    if scope.is_org or scope.is_township:
        return dashboard(request, scope)
    if scope.is_secretary:
        context = {**homes.secretary_home(request.user), "todos": todos_for(request.user)}
        return render(request, "dashboard/home_secretary.html", context)
    if scope.is_station_manager:
        context = {**homes.station_home(request.user), "todos": todos_for(request.user)}
        return render(request, "dashboard/home_station.html", context)
    return render(request, "dashboard/no_role.html", status=403)


def dashboard(request, scope):
    filters = parse_filters(request)
    for warning in filters.warnings:
        messages.warning(request, warning)
    result = caching.cached(request.user, filters, lambda: dashboard_panels(request.user, filters))
    data = result.data
    for warning in data["warnings"]:
        if warning not in filters.warnings:
            messages.warning(request, warning)
    township_name = _township_name(data["townships"], filters.township_id)
    template = "dashboard/home_org.html" if scope.is_org else "dashboard/home_township.html"
    return render(
        request,
        template,
        {
            **data,
            "filters": filters,
            "township_name": township_name,
            "period": filters.period,
            "computed_at": result.computed_at,
            "computed_today": timezone.localtime(result.computed_at).date() == timezone.localdate(),
            "stale": result.stale,
            "todos": todos_for(request.user, dashboard=data, township_id=filters.township_id),
        },
    )


def _township_name(townships, township_id):
    return next((t["name"] for t in townships if t["pk"] == township_id), "")


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _drill(request, template, items, title, description, **extra):
    return render(
        request,
        template,
        {
            "page": _page(request, items),
            "querystring": querystring_without_page(request),
            "title": title,
            "description": description,
            **extra,
        },
    )


# ---------------------------------------------------------------- drill-down lists


@role_required("org", "township")
def demands(request):
    return demands_page(request, request.user)


def demands_page(request, user, **extra):
    """The demand items behind a dashboard figure, as `user` reads them (the request's user, or the
    city role's reader of one district: dashboard.views_city, with `extra` context)."""
    params = request.GET
    township_id = scoped_township_id(user, params.get("township"))
    qs = Scoped(user, township_id).demands()
    described = []
    if township_id:
        described.append(f"乡镇：{Township.objects.for_user(user).get(pk=township_id).name}")
    round_id = _int_or_none(params.get("round"))
    if round_id:
        rnd = get_object_or_404(CollectionRound.objects.for_user(user), pk=round_id)
        qs = qs.filter(round_id=round_id)
        described.append(f"轮次：{rnd.title}")
    category_id = _int_or_none(params.get("category"))
    if category_id:
        category = get_object_or_404(DemandCategory.objects.for_user(user), pk=category_id)
        qs = qs.filter(category_id=category_id)
        described.append(f"类别：{category.name}")
    stage = params.get("stage")
    if stage:
        if stage not in STAGE_FILTERS:
            messages.warning(request, f"环节“{stage}”无效，已列出全部环节")
        else:
            label, statuses = STAGE_FILTERS[stage]
            if statuses:
                qs = qs.filter(status__in=statuses)
            described.append(f"环节：{label}")
    if params.get("overdue") == "1":
        qs = qs.filter(due_date__lt=timezone.localdate()).exclude(status__in=selectors.NOT_SUPERVISED)
        described.append("已逾期（督导清单）")
    qs = qs.select_related("village__township", "category", "round").order_by("-submitted_at", "-pk")
    return _drill(request, "dashboard/drill_demands.html", qs, "需求事项", described, **extra)


@role_required("org", "township")
def missing(request):
    return missing_page(request, request.user)


def missing_page(request, user, **extra):
    """Villages that have not submitted for a round, with the secretary to call."""
    township_id = scoped_township_id(user, request.GET.get("township"))
    rounds = selectors.rounds_for(user)
    round_id = _int_or_none(request.GET.get("round"))
    chosen = next((r for r in rounds if r["pk"] == round_id), None) if round_id else selectors.current_round(rounds)
    if round_id and chosen is None:
        raise Http404("没有这个轮次")
    items = selectors.missing_villages(Scoped(user, township_id), chosen, limit=None) if chosen else []
    described = [f"轮次：{chosen['title']}" if chosen else "尚无征集轮次"]
    if township_id:
        described.append(f"乡镇：{Township.objects.for_user(user).get(pk=township_id).name}")
    return _drill(request, "dashboard/drill_missing.html", items, "未报送的村", described, **extra)


@role_required("org", "township")
def activities(request):
    return activities_page(request, request.user)


def activities_page(request, user, **extra):
    params = request.GET
    township_id = scoped_township_id(user, params.get("township"))
    qs = Scoped(user, township_id).activities().select_related("team", "village__township")
    described = []
    if township_id:
        described.append(f"乡镇：{Township.objects.for_user(user).get(pk=township_id).name}（在本乡镇开展的活动）")
    team_id = _int_or_none(params.get("team"))
    if team_id:
        team = get_object_or_404(PioneerTeam.objects.for_user(user), pk=team_id)
        qs = qs.filter(team=team)
        described.append(f"先锋队：{team.name}")
    if params.get("month"):
        try:
            month = parse_month(params["month"])
        except ValueError as exc:
            messages.warning(request, str(exc))
        else:
            qs = qs.filter(date__year=month.year, date__month=month.month)
            described.append(f"月份：{month.year}年{month.month}月")
    return _drill(
        request, "dashboard/drill_activities.html", qs.order_by("-date", "-pk"), "志愿服务活动", described, **extra
    )


@role_required("org", "township")
def shifts(request):
    return shifts_page(request, request.user)


def shifts_page(request, user, **extra):
    params = request.GET
    township_id = scoped_township_id(user, params.get("township"))
    base = Scoped(user, township_id)
    qs = base.shifts().select_related("station", "secretary__village")
    described = []
    station_id = _int_or_none(params.get("station"))
    if station_id:
        station = get_object_or_404(ServiceStation.objects.for_user(user), pk=station_id)
        qs = qs.filter(station=station)
        described.append(f"服务站：{station.name}")
    day = timezone.localdate()
    if params.get("week"):
        try:
            asked = timezone.datetime.strptime(params["week"], "%Y-%m-%d").date()
            if not 2000 <= asked.year <= 2100:
                raise ValueError(params["week"])
            day = asked
        except ValueError:
            messages.warning(request, "日期格式应为 2026-03-02，已显示本周")
    monday, sunday = week_of(day)
    qs = qs.filter(date__range=(monday, sunday))
    described.append(f"{monday:%Y-%m-%d} 至 {sunday:%Y-%m-%d}")
    return _drill(
        request, "dashboard/drill_shifts.html", qs.order_by("date", "station__name"), "值班安排", described, **extra
    )


@role_required("org", "township")
def resources(request):
    return resources_page(request, request.user)


def resources_page(request, user, **extra):
    qs = Scoped(user).resources().select_related("category", "secretary", "dispatch_unit")
    described = ["全区可调用的有效资源"]
    category_id = _int_or_none(request.GET.get("category"))
    if category_id:
        category = get_object_or_404(ResourceCategory, pk=category_id)
        qs = qs.filter(category_id=category_id)
        described.append(f"类别：{category.name}")
    return _drill(
        request,
        "dashboard/drill_resources.html",
        qs.order_by("category__sort_order", "title"),
        "资源清单",
        described,
        **extra,
    )


# ---------------------------------------------------------------- reports


def _report_round(request, pk):
    return get_object_or_404(
        CollectionRound.objects.for_user(request.user).exclude(status=CollectionRound.Status.DRAFT), pk=pk
    )


@role_required("org", "township")
def round_report(request, pk):
    rnd = _report_round(request, pk)
    township_id = scoped_township_id(request.user, request.GET.get("township"))
    report = reports.round_report(request.user, rnd, township_id)
    return render(request, "dashboard/report_round.html", {"report": report, "round": rnd})


@role_required("org", "township")
def round_report_xlsx(request, pk):
    rnd = _report_round(request, pk)
    township_id = scoped_township_id(request.user, request.GET.get("township"))
    report = reports.round_report(request.user, rnd, township_id)
    # Its 未报送的村 table holds the secretaries' phones (by the visibility rule).
    return xlsx_response(
        reports.round_report_xlsx(report), f"{rnd.title}-轮次报告.xlsx", request=request, personal=True
    )


def _report_month(request):
    raw = request.GET.get("month")
    if raw:
        try:
            return parse_month(raw)
        except ValueError as exc:
            messages.warning(request, f"{exc}，已显示上月")
    return add_months(timezone.localdate(), -1)


@role_required("org", "township")
def monthly_report(request):
    month = _report_month(request)
    township_id = scoped_township_id(request.user, request.GET.get("township"))
    report = reports.monthly_report(request.user, month, township_id)
    return render(request, "dashboard/report_monthly.html", {"report": report})


@role_required("org", "township")
def monthly_report_xlsx(request):
    month = _report_month(request)
    township_id = scoped_township_id(request.user, request.GET.get("township"))
    report = reports.monthly_report(request.user, month, township_id)
    return xlsx_response(
        reports.monthly_report_xlsx(report), f"{month.year}年{month.month}月工作报告.xlsx", request=request
    )
