"""The city department's pages (市委组织部): its districts side by side, one district's dashboard
and its round and monthly reports, all read-only. Each page names the city role in its decorator
(no other page admits it) and answers GET only; a district of another city answers 404
(dashboard.city.district_reader)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.access import role_required
from core.excel import xlsx_response
from dashboard import city, reports, views
from dashboard.filters import parse_filters, scoped_township_id
from dashboard.periods import PERIOD_CHOICES
from dashboard.views import _report_month
from demands.models import CollectionRound
from secretaries.models import District


@require_safe
@role_required("city")
def city_home(request):
    filters = parse_filters(request, default_period="year")
    for warning in filters.warnings:
        messages.warning(request, warning)
    result = city.comparison_cached(request.user, filters)
    context = {
        "rows": result.data["rows"],
        "period": filters.period,
        "period_choices": PERIOD_CHOICES,
        "filters": filters,
        "computed_at": result.computed_at,
        "stale": result.stale,
    }
    return render(request, "dashboard/city_home.html", context)


def _district(request, pk):
    reader = city.district_reader(request.user, pk)
    return reader, get_object_or_404(District.objects.for_user(request.user), pk=pk)


@require_safe
@role_required("city")
def city_district(request, pk):
    reader, district = _district(request, pk)
    filters = parse_filters(request, user=reader)
    result = city.district_cached(reader, filters)
    data = city.relinked(result.data, district.pk)
    for warning in data["warnings"]:
        messages.warning(request, warning)
    township_name = next((t["name"] for t in data["townships"] if t["pk"] == filters.township_id), "")
    return render(
        request,
        "dashboard/city_district.html",
        {
            **data,
            "district": district,
            "filters": filters,
            "township_name": township_name,
            "period": filters.period,
            "computed_at": result.computed_at,
            "computed_today": timezone.localtime(result.computed_at).date() == timezone.localdate(),
            "stale": result.stale,
            "read_only": True,
        },
    )


def _round(reader, round_pk):
    return get_object_or_404(
        CollectionRound.objects.for_user(reader).exclude(status=CollectionRound.Status.DRAFT), pk=round_pk
    )


@require_safe
@role_required("city")
def city_round_report(request, pk, round_pk):
    reader, district = _district(request, pk)
    rnd = _round(reader, round_pk)
    report = reports.round_report(reader, rnd, scoped_township_id(reader, request.GET.get("township")))
    xlsx_url = reverse("city:round_report_xlsx", args=[pk, round_pk])
    context = {"report": report, "round": rnd, "district": district, "xlsx_url": xlsx_url, "read_only": True}
    return render(request, "dashboard/report_round.html", context)


@require_safe
@role_required("city")
def city_round_report_xlsx(request, pk, round_pk):
    reader, district = _district(request, pk)
    rnd = _round(reader, round_pk)
    report = reports.round_report(reader, rnd, scoped_township_id(reader, request.GET.get("township")))
    return xlsx_response(
        reports.round_report_xlsx(report), f"{district.name}-{rnd.title}-轮次报告.xlsx", request=request, personal=True
    )


@require_safe
@role_required("city")
def city_monthly_report(request, pk):
    reader, district = _district(request, pk)
    report = reports.monthly_report(reader, _report_month(request), None)
    xlsx_url = reverse("city:monthly_report_xlsx", args=[pk]) + f"?month={report['month']:%Y-%m}"
    context = {"report": report, "district": district, "xlsx_url": xlsx_url, "read_only": True}
    return render(request, "dashboard/report_monthly.html", context)


@require_safe
@role_required("city")
def city_monthly_report_xlsx(request, pk):
    reader, district = _district(request, pk)
    month = _report_month(request)
    report = reports.monthly_report(reader, month, None)
    return xlsx_response(
        reports.monthly_report_xlsx(report),
        f"{district.name}-{month.year}年{month.month}月工作报告.xlsx",
        request=request,
    )


# The drill-down lists behind the district's figures, read as the city reads (personal data masked).


def _drill_view(page):
    @require_safe
    @role_required("city")
    def view(request, pk):
        reader, district = _district(request, pk)
        return page(request, reader, district=district, read_only=True)

    view.__name__ = view.__qualname__ = f"city_{page.__name__}"
    return view


city_demands = _drill_view(views.demands_page)
city_missing = _drill_view(views.missing_page)
city_activities = _drill_view(views.activities_page)
city_shifts = _drill_view(views.shifts_page)
city_resources = _drill_view(views.resources_page)
