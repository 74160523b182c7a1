"""Pages of the stations app. Every object comes through `for_user`; foreign ones answer 404.
Who may change what is decided in stations/access.py."""

import calendar
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import role_required
from core.dates import add_months, month_end, month_start, parse_day, parse_month
from core.scoping import scope_for
from core.signals import audit
from core.tasks import enqueue
from core.text import as_id
from secretaries.models import Secretary
from stations import selectors, services
from stations.access import can_edit_pool, can_manage_station, is_own_shift, managed_station_ids
from stations.forms import LeaveForm, PoolAddForm, SwapForm, WorkNoteForm
from stations.models import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    CalendarToken,
    DutyShift,
    RosterGap,
    ServiceStation,
    SwapRequest,
    Unavailability,
)
from stations.tasks import extend_roster


def _own_secretary(request):
    """The secretary record of the logged-in secretary (role_required("secretary") let them in)."""
    return get_object_or_404(Secretary.objects.for_user(request.user), pk=scope_for(request.user).secretary_id)


def _fail(request, error):
    messages.error(request, "；".join(error.messages))


def _station(request, pk):
    return get_object_or_404(ServiceStation.objects.for_user(request.user), pk=pk)


def _station_staff(request, pk):
    """Station pages with people's figures: org, township staff and the station's manager."""
    station = _station(request, pk)
    if scope_for(request.user).is_secretary:
        raise Http404
    return station


# --- stations ------------------------------------------------------------------------------


@role_required()
def station_list(request):
    stations = (
        ServiceStation.objects.for_user(request.user).select_related("township").prefetch_related("covered_townships")
    )
    open_gaps = dict(
        RosterGap.objects.for_user(request.user)
        .open()
        .filter(date__gte=timezone.localdate())
        .values_list("station_id")
        .annotate(n=Count("id"))
    )
    stations = list(stations)
    for station in stations:
        station.open_gap_count = open_gaps.get(station.pk, 0)
    return render(request, "stations/station_list.html", {"stations": stations})


@role_required()
def station_week(request, pk):
    station = _station(request, pk)
    today = timezone.localdate()
    monday = selectors.monday_of(parse_day(request.GET.get("week"), today))
    days = selectors.station_shifts(station, monday, monday + timedelta(days=6))
    week = [
        (monday + timedelta(days=i), days.get(monday + timedelta(days=i), []), i in (station.duty_weekdays or []))
        for i in range(7)
    ]
    context = {
        "station": station,
        "week": week,
        "monday": monday,
        "prev_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "today": today,
        "can_manage": can_manage_station(request.user, station),
        "is_org": scope_for(request.user).is_org,
    }
    return render(request, "stations/station_week.html", context)


@role_required()
def station_month(request, pk):
    station = _station(request, pk)
    today = timezone.localdate()
    try:
        first = parse_month(request.GET.get("month", ""))
    except ValueError:
        first = month_start(today)
    last = month_end(first)
    days = selectors.station_shifts(station, first, last)
    weeks = [
        [(day, days.get(day, []), day.month == first.month) for day in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    # On a phone the grid would scroll sideways: there the page shows the duty days as a list.
    duty_weekdays = set(station.duty_weekdays or [])
    listed = [
        (first + timedelta(days=i), days.get(first + timedelta(days=i), []))
        for i in range(last.day)
        if (first + timedelta(days=i)).weekday() in duty_weekdays or days.get(first + timedelta(days=i))
    ]
    context = {"station": station, "weeks": weeks, "listed": listed, "first": first, "today": today}
    context.update(prev_month=add_months(first, -1), next_month=add_months(first, 1))
    return render(request, "stations/station_month.html", context)


@role_required()
def station_pool(request, pk):
    station = _station_staff(request, pk)
    is_org = can_edit_pool(request.user)
    rows = selectors.pool_rows(station)
    in_pool = {r.secretary.pk for r in rows}
    candidates = (
        Secretary.objects.for_user(request.user)
        .on_post()
        .exclude(pk__in=in_pool)
        .select_related("village__township")
        .order_by("village__township__name", "name")
    )
    if request.method == "POST":
        if not is_org:
            raise PermissionDenied("只有组织部可以调整值班池")
        action = request.POST.get("action")
        if action not in ("add", "remove", "restore"):
            messages.error(request, "未知的操作")
            return redirect("stations:station_pool", pk=station.pk)
        if action == "add":
            form = PoolAddForm(request.POST, candidates=candidates)
            if not form.is_valid():
                messages.error(request, "请选择要加入的第一书记")
                return redirect("stations:station_pool", pk=station.pk)
            person = form.cleaned_data["secretary"]
        else:
            secretary_id = request.POST.get("secretary", "")
            person = get_object_or_404(Secretary.objects.for_user(request.user), pk=as_id(secretary_id) or 0)
        services.pool_set_member(station, person, action in ("add", "restore"), request.user)
        messages.success(request, f"已更新值班池：{person.name}")
        return redirect("stations:station_pool", pk=station.pk)
    form = PoolAddForm(candidates=candidates) if is_org else None
    return render(
        request, "stations/station_pool.html", {"station": station, "rows": rows, "form": form, "is_org": is_org}
    )


@role_required()
def station_fairness(request, pk):
    station = _station_staff(request, pk)
    rows, spread = selectors.fairness_report(station, timezone.localdate())
    return render(request, "stations/station_fairness.html", {"station": station, "rows": rows, "spread": spread})


@role_required()
def station_gaps(request, pk):
    station = _station_staff(request, pk)
    today = timezone.localdate()
    gaps = RosterGap.objects.for_user(request.user).filter(station=station).select_related("freed_secretary")
    open_gaps = gaps.open().filter(date__gte=today)
    closed = gaps.exclude(pk__in=open_gaps.values("pk")).order_by("-date")[:30]
    context = {"station": station, "open_gaps": open_gaps, "closed": closed}
    context["can_manage"] = can_manage_station(request.user, station)
    return render(request, "stations/station_gaps.html", context)


@require_POST
@role_required()
def station_confirm_week(request, pk):
    station = _station(request, pk)
    monday = selectors.monday_of(parse_day(request.POST.get("week"), timezone.localdate()))
    count = services.roster_confirm_week(station, monday, request.user)
    messages.success(request, f"已确认 {count} 个班次")
    return redirect(f"{_url('stations:station_week', station.pk)}?week={monday:%Y-%m-%d}")


@require_POST
@role_required()
def station_generate(request, pk):
    station = _station(request, pk)
    if not can_manage_station(request.user, station):
        raise PermissionDenied("只有本站负责人或组织部可以排班")
    # Nothing is written here, so the task is queued now and the user told if the broker refused it.
    if enqueue(extend_roster, station_ids=[station.pk], requested_by=request.user.pk) is None:
        messages.error(request, "排班任务暂时无法启动（后台服务不可用），请稍后再试；每周一的自动排班不受影响。")
    else:
        messages.success(request, "已开始排班，稍后刷新即可看到新班次和缺口。")
    return redirect("stations:station_week", pk=station.pk)


def _url(name, *args):
    return reverse(name, args=args)


# --- shifts --------------------------------------------------------------------------------


@role_required()
def shift_detail(request, pk):
    shift = get_object_or_404(
        DutyShift.objects.for_user(request.user).select_related("station", "secretary__village"), pk=pk
    )
    today = timezone.localdate()
    own = is_own_shift(request.user, shift)
    # The secretary on duty sees everything they received on the shift; anyone else sees the items
    # their own scope allows (a station serves several townships: township A's staff must not read
    # township B's needs through a shift at a station in A).
    received = shift.received_demands.all() if own else shift.received_demands.for_user(request.user)
    received = received.filter(channel="station").select_related("village", "category")
    context = {
        "shift": shift,
        "own": own,
        "is_today": shift.date == today,
        "can_note": own and shift.date <= today and shift.status != DutyShift.Status.SWAPPED,
        "can_swap": own and shift.is_open and shift.date > today,
        "note_form": WorkNoteForm(initial={"work_note": shift.work_note}),
        "received": received,
        "swaps": SwapRequest.objects.for_user(request.user).filter(shift=shift).select_related("to_secretary"),
    }
    return render(request, "stations/shift_detail.html", context)


def _shift_action(request, pk, action):
    shift = get_object_or_404(DutyShift.objects.for_user(request.user).select_related("secretary"), pk=pk)
    try:
        action(shift)
    except ValidationError as error:
        _fail(request, error)
    return redirect("stations:shift_detail", pk=shift.pk)


@require_POST
@role_required()
def shift_check_in(request, pk):
    def act(shift):
        services.shift_check_in(shift, request.user)
        messages.success(request, f"签到成功：{timezone.localtime():%H:%M}")

    return _shift_action(request, pk, act)


@require_POST
@role_required()
def shift_check_out(request, pk):
    def act(shift):
        services.shift_check_out(shift, request.user)
        messages.success(request, f"签退成功：{timezone.localtime():%H:%M}，辛苦了！")

    return _shift_action(request, pk, act)


@require_POST
@role_required()
def shift_note(request, pk):
    form = WorkNoteForm(request.POST)

    def act(shift):
        if not form.is_valid():
            raise ValidationError("值班记录过长（最多4000字）")
        services.shift_save_note(shift, request.user, form.cleaned_data["work_note"])
        messages.success(request, "值班记录已保存")

    return _shift_action(request, pk, act)


@role_required("secretary")
def shift_swap(request, pk):
    secretary = _own_secretary(request)
    shift = get_object_or_404(
        DutyShift.objects.for_user(request.user).select_related("station"), pk=pk, secretary=secretary
    )
    colleagues = (
        Secretary.objects.on_post().filter(pk__in=selectors.pool_ids(shift.station) - {secretary.pk}).order_by("name")
    )
    form = SwapForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        try:
            services.swap_propose(
                shift,
                request.user,
                form.cleaned_data["to_secretary"],
                to_shift=form.cleaned_data["to_shift"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "调班申请已发出，等待对方同意")
            return redirect("stations:swap_list")
    return render(request, "stations/shift_swap.html", {"shift": shift, "form": form})


# --- swaps ---------------------------------------------------------------------------------


@role_required()
def swap_list(request):
    swaps = SwapRequest.objects.for_user(request.user).select_related(
        "shift__station", "shift__secretary", "to_secretary", "to_shift__station"
    )
    page = Paginator(swaps, 30).get_page(request.GET.get("page"))
    return render(request, "stations/swap_list.html", {"page": page, "managed": managed_station_ids(request.user)})


SWAP_ACTIONS = {
    "accept": (services.swap_accept, "已同意，等待站长审批"),
    "decline": (services.swap_decline, "已拒绝"),
    "cancel": (services.swap_cancel, "已撤回"),
    "approve": (services.swap_approve, "已批准，班次已调换"),
    "reject": (services.swap_reject, "已驳回"),
}


@require_POST
@role_required()
def swap_action(request, pk, action):
    if action not in SWAP_ACTIONS:
        raise Http404
    swap = get_object_or_404(
        SwapRequest.objects.for_user(request.user).select_related("shift__station", "shift__secretary", "to_secretary"),
        pk=pk,
    )
    service, done = SWAP_ACTIONS[action]
    try:
        service(swap, request.user)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, done)
    return redirect("stations:swap_list")


# --- the secretary's own pages ---------------------------------------------------------------


@role_required("secretary")
def my_shifts(request):
    secretary = _own_secretary(request)
    today = timezone.localdate()
    shifts = DutyShift.objects.for_user(request.user).select_related("station")
    upcoming = shifts.filter(date__gte=today, status__in=LIVE_STATUSES).order_by("date")
    past = Paginator(shifts.filter(date__lt=today).order_by("-date"), 20).get_page(request.GET.get("page"))
    context = {"upcoming": upcoming, "page": past, "today": today, "secretary": secretary}
    return render(request, "stations/my_shifts.html", context)


@role_required()
def leave_list(request):
    scope = scope_for(request.user)
    others = None if scope.is_secretary else Secretary.objects.for_user(request.user).on_post().order_by("name")
    form = LeaveForm(request.POST or None, secretaries=others)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data.get("secretary") or get_object_or_404(
            Secretary.objects.for_user(request.user), pk=scope.secretary_id
        )
        try:
            _, freed = services.leave_add(
                person,
                form.cleaned_data["start"],
                form.cleaned_data["end"],
                form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            extra = f"，释放了{len(freed)}个班次，系统将安排他人补班" if freed else ""
            messages.success(request, f"请假已登记{extra}")
            return redirect("stations:my_leave")
    leaves = Unavailability.objects.for_user(request.user).select_related("secretary")
    page = Paginator(leaves, 30).get_page(request.GET.get("page"))
    return render(request, "stations/leave_list.html", {"form": form, "page": page, "today": timezone.localdate()})


def _leave(request, pk):
    return get_object_or_404(Unavailability.objects.for_user(request.user).select_related("secretary"), pk=pk)


@role_required()
def leave_edit(request, pk):
    leave = _leave(request, pk)
    if leave.start <= timezone.localdate():
        messages.error(request, "请假已经开始，不能再修改")
        return redirect("stations:my_leave")
    initial = {"start": leave.start, "end": leave.end, "reason": leave.reason}
    form = LeaveForm(request.POST or None, initial=initial, secretaries=None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, freed = services.leave_change(leave, request.user, data["start"], data["end"], data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            extra = f"，又释放了{len(freed)}个班次" if freed else ""
            messages.success(request, f"请假已修改{extra}")
            return redirect("stations:my_leave")
    return render(request, "stations/leave_edit.html", {"form": form, "leave": leave})


@require_POST
@role_required()
def leave_withdraw(request, pk):
    leave = _leave(request, pk)
    try:
        services.leave_withdraw(leave, request.user)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, "请假已撤回。已释放的班次不会自动恢复，下次排班可能重新安排。")
    return redirect("stations:my_leave")


@role_required("secretary")
def my_calendar(request):
    secretary = _own_secretary(request)
    token = services.calendar_token_for(secretary)
    if request.method == "POST":
        token = services.calendar_token_regenerate(secretary)
        messages.success(request, "已生成新的订阅地址，旧地址立即失效。")
        return redirect("stations:my_calendar")
    feed_url = request.build_absolute_uri(_url("stations:ical_feed", token.token))
    return render(request, "stations/my_calendar.html", {"feed_url": feed_url})


def ical_feed(request, token):
    """Public on purpose (phones subscribe without logging in): the token is the secret."""
    entry = get_object_or_404(CalendarToken.objects.select_related("secretary__user"), token=token)
    response = HttpResponse(services.ical_feed(entry.secretary), content_type="text/calendar; charset=utf-8")
    # Fetched by the phone's calendar every few minutes to hours: each fetch is recorded, so a
    # leaked address shows as fetches from unexpected addresses.
    audit(
        "export",
        request=request,
        user=entry.secretary.user,
        obj=entry.secretary,
        detail="值班日历订阅（duty.ics）",
        file="duty.ics",
    )
    response["Content-Disposition"] = 'inline; filename="duty.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- the org department's week at a glance ---------------------------------------------------


@role_required()
def overview(request):
    if not scope_for(request.user).is_org:
        raise Http404
    monday = selectors.monday_of(parse_day(request.GET.get("week"), timezone.localdate()))
    stations = ServiceStation.objects.for_user(request.user).filter(active=True).select_related("township")
    rows = selectors.week_overview(stations, monday)
    context = {
        "rows": rows,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "prev_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "open_statuses": OPEN_STATUSES,
    }
    return render(request, "stations/overview.html", context)
