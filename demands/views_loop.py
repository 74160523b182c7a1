"""Pages of the closed loop: work queue, item page with timeline and step forms, candidate list
(HTML and JSON), co-building list and supervision list (pages and .xlsx)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from core.access import role_required
from core.excel import write_only_sheet, xlsx_response
from core.paging import querystring_without_page
from core.text import as_id
from demands import lifecycle
from demands import selectors_loop as selectors
from demands.forms_loop import STEP_FORMS, CobuildFilterForm, DispatchForm, SupervisionFilterForm
from demands.models import DemandItem, SupervisionFlag
from demands.services import loop
from demands.services.matching import candidates_for
from demands.services.supervision import days_overdue

PAGE_SIZE = 30


@require_GET
@role_required()
def queue(request):
    tabs = selectors.queue_tabs(request.user)
    if not tabs:
        raise PermissionDenied("您没有权限访问此页面")
    keys = [key for key, _, _ in tabs]
    current = request.GET.get("tab") if request.GET.get("tab") in keys else keys[0]
    label, items = next((lbl, qs) for key, lbl, qs in tabs if key == current)
    page = Paginator(items.order_by("due_date", "-submitted_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": [(key, lbl) for key, lbl, _ in tabs],
        "current": current,
        "label": label,
        "page": page,
        "querystring": f"tab={current}",
        "today": timezone.localdate(),
        "open_statuses": lifecycle.OPEN,
    }
    return render(request, "demands/loop_queue.html", context)


@require_GET
@role_required()
def item_detail(request, pk):
    item = selectors.item_for(request.user, pk)
    return _render_item(request, item)


def _render_item(request, item, bound=None, status=200):
    steps = loop.allowed_steps(item, request.user)
    forms = {step: STEP_FORMS[step](prefix=step) for step in steps}
    forms.update(bound or {})
    context = {
        "item": item,
        "events": selectors.timeline(item),
        "steps": steps,
        # (the step's row of lifecycle.STEPS: its name, heading and button, the form)
        "forms": [(lifecycle.STEPS[step], form) for step, form in forms.items()],
        "days_overdue": days_overdue(item),
        "flags": item.supervision_flags.filter(cleared_at__isnull=True),
        "reopen_requested": loop.reopen_requested(item),
        "poor_rating": settings.SUPERVISION_POOR_RATING,
    }
    return render(request, "demands/loop_item.html", context, status=status)


@require_POST
@role_required()
def item_step(request, pk, step):
    if step not in STEP_FORMS:
        raise Http404
    item = selectors.item_for(request.user, pk)
    if not loop.may(step, request.user, item):
        raise PermissionDenied(f"您无权对该需求进行“{lifecycle.STEPS[step].label}”操作")
    form = STEP_FORMS[step](request.POST, prefix=None if step == "dispatch" else step)
    if form.is_valid():
        try:
            _apply(step, item, request.user, form.cleaned_data)
        except loop.TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已{lifecycle.STEPS[step].label}：{item.title}")
            return redirect("demands:item_detail", pk=item.pk)
    if step == "dispatch":
        for error in form.non_field_errors() + [e for f in form.errors.values() for e in f]:
            messages.error(request, error)
        return redirect("demands:item_candidates", pk=item.pk)
    item.refresh_from_db()
    return _render_item(request, item, bound={step: form}, status=200)


def _apply(step, item, user, data):
    if step == "accept":
        return loop.accept(item, user, data["note"])
    if step == "return":
        return loop.return_item(item, user, data["reason"])
    if step == "dispatch":
        return loop.dispatch(
            item,
            user,
            kind=data["kind"],
            assignee_id=data["assignee_id"],
            resource_id=data.get("resource_id"),
            due_date=data.get("due_date"),
            note=data.get("note", ""),
        )
    if step == "merge":
        into = DemandItem.objects.for_user(user).filter(pk=data["into"]).first()
        if into is None:
            raise loop.TransitionError("目标需求不存在或不在您的管理范围内")
        return loop.merge(item, user, into, data["note"])
    if step == "progress":
        return loop.add_progress(item, user, data["note"])
    if step == "resolve":
        return loop.resolve(
            item,
            user,
            resolution=data["resolution"],
            funds_secured=data["funds_secured"],
            resolved_on=data["resolved_on"],
        )
    if step == "rate":
        return loop.rate(
            item, user, rating=data["rating"], comment=data["comment"], request_reopen=data["request_reopen"]
        )
    if step == "request_reopen":
        return loop.request_reopen(item, user, data["note"])
    if step == "reopen":
        return loop.reopen(item, user, data["note"])
    raise Http404


def _dispatchable_item(request, pk):
    item = selectors.item_for(request.user, pk)
    if not loop.can_dispatch(request.user, item):
        raise PermissionDenied("您无权为该需求派单")
    return item


@require_GET
@role_required()
def item_candidates(request, pk):
    item = _dispatchable_item(request, pk)
    candidates = candidates_for(item) if item.status in lifecycle.STEPS["dispatch"].sources else []
    context = {"item": item, "candidates": candidates, "form": DispatchForm(), "can_dispatch_now": bool(candidates)}
    return render(request, "demands/loop_candidates.html", context)


@require_GET
@role_required()
def item_candidates_json(request, pk):
    item = _dispatchable_item(request, pk)
    candidates = candidates_for(item)
    return JsonResponse(
        {
            "item": item.pk,
            "candidates": [
                {
                    "kind": c.kind,
                    "id": c.id,
                    "name": c.name,
                    "place": c.place,
                    "score": c.score,
                    "fit": c.fit,
                    "nearness": c.nearness,
                    "open_items": c.open_items,
                    "resolved": c.resolved,
                    "mean_rating": c.mean_rating,
                    "resource_id": c.resource_id,
                    "resource": c.resource_title,
                    "reasons": c.reasons,
                }
                for c in candidates
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


# --- co-building list --------------------------------------------------------------------------


def _names_a_foreign_record(form, names):
    """A filter naming a real round or township outside the user's scope answers 404, as any
    foreign record; a value that names nothing (abc, 0, a huge number) is a form error."""
    for name in names:
        if name in form.errors:
            value = form.data.get(name, "")
            field = form.fields[name]
            if (pk := as_id(value)) is not None and field.queryset.model.objects.filter(pk=pk).exists():
                return True
    return False


def round_township_filters(request):
    """(form, round, township) of a page filtered by round and township (CobuildFilterForm); a
    foreign round or township answers 404; an invalid form gives (form, None, None) and `form`
    says why (form.is_valid() is False)."""
    form = CobuildFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        if _names_a_foreign_record(form, ["round", "township"]):
            raise Http404
        return form, None, None
    data = form.cleaned_data if form.is_bound else {}
    return form, data.get("round"), data.get("township")


def _cobuild_filters(request):
    form, round_obj, township = round_township_filters(request)
    if form.is_bound and not form.is_valid():
        return form, None, None, None
    rows = selectors.cobuild_rows(
        request.user, round_id=round_obj.pk if round_obj else None, township_id=township.pk if township else None
    )
    return form, rows, round_obj, township


@require_GET
@role_required("org", "township", "station")
def cobuild_list(request):
    form, rows, round_obj, township = _cobuild_filters(request)
    page = Paginator(rows if rows is not None else [], PAGE_SIZE * 2).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "querystring": querystring_without_page(request)}
    return render(request, "demands/loop_cobuild.html", context)


@require_GET
@role_required("org", "township", "station")
def cobuild_export(request):
    form, rows, round_obj, township = _cobuild_filters(request)
    if rows is None:
        messages.error(request, "筛选条件有误，请修改后再导出")
        return redirect(reverse("demands:cobuild_list") + "?" + request.GET.urlencode())
    headers = [
        "序号",
        "乡镇",
        "村",
        "轮次",
        "需求类别",
        "需求名称",
        "紧急程度",
        "承办方类型",
        "承办方",
        "对接资源",
        "状态",
        "办理期限",
        "评价",
    ]
    labels = _labels()
    fields = ["village__township__name", "village__name", "round__title", "category__name", "title", "urgency"]
    fields += ["assignee_kind", *ASSIGNEE_NAMES, "matched_resource__title", "status", "due_date", "rating"]
    body = []
    # values_list, not model instances: a district's whole round is thousands of rows.
    for n, row in enumerate(rows.values_list(*fields).iterator(chunk_size=2000), start=1):
        township_name, village, round_title, category, title, urgency, kind, *names = row
        resource, status, due_date, rating = names[4:]
        assignee = next((name for name in names[:4] if name), "")
        body.append(
            [n, township_name, village, round_title or "", category, title, labels["urgency"].get(urgency, urgency)]
            + [labels["kind"].get(kind, kind), assignee, resource or "", labels["status"].get(status, status)]
            + [due_date, rating]
        )
    parts = ["共建清单", str(round_obj) if round_obj else "", township.name if township else ""]
    return _xlsx(request, "共建清单", headers, body, "_".join(p for p in parts if p) + ".xlsx")


# --- supervision list --------------------------------------------------------------------------


def _supervision_filters(request):
    form = SupervisionFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        if _names_a_foreign_record(form, ["township", "category"]):
            raise Http404
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    rows = selectors.supervision_rows(
        request.user,
        township_id=data["township"].pk if data.get("township") else None,
        category_id=data["category"].pk if data.get("category") else None,
        reason=data.get("reason") or "",
        assignee=(data.get("assignee") or "").strip(),
        min_days_overdue=data.get("min_days_overdue"),
    )
    return form, rows


@require_GET
@role_required("org", "township", "station")
def supervision_list(request):
    form, rows = _supervision_filters(request)
    page = Paginator(rows if rows is not None else [], PAGE_SIZE * 2).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for flag in page.object_list:
        flag.days_overdue = days_overdue(flag.item, today)
    context = {"form": form, "page": page, "querystring": querystring_without_page(request)}
    return render(request, "demands/supervision_list.html", context)


@require_GET
@role_required("org", "township", "station")
def supervision_export(request):
    form, rows = _supervision_filters(request)
    if rows is None:
        messages.error(request, "筛选条件有误，请修改后再导出")
        return redirect(reverse("demands:supervision_list") + "?" + request.GET.urlencode())
    today = timezone.localdate()
    headers = [
        "序号",
        "督导原因",
        "列入时间",
        "乡镇",
        "村",
        "需求类别",
        "需求名称",
        "承办方",
        "状态",
        "办理期限",
        "逾期天数",
        "最近进展",
        "评价",
    ]
    labels = _labels()
    reasons = dict(SupervisionFlag.Reason.choices)
    fields = ["reason", "flagged_at", "item__village__township__name", "item__village__name", "item__category__name"]
    fields += ["item__title", *(f"item__{name}" for name in ASSIGNEE_NAMES), "item__status", "item__due_date"]
    fields += ["item__last_progress_at", "item__rating"]
    body = []
    for n, row in enumerate(rows.values_list(*fields).iterator(chunk_size=2000), start=1):
        reason, flagged_at, township, village, category, title, *names = row
        status, due_date, last_progress_at, rating = names[4:]
        overdue = (today - due_date).days if due_date and due_date < today else 0
        body.append(
            [n, reasons.get(reason, reason), _naive(flagged_at), township, village, category, title]
            + [next((name for name in names[:4] if name), ""), labels["status"].get(status, status)]
            + [due_date, overdue, _naive(last_progress_at), rating]
        )
    return _xlsx(request, "督导清单", headers, body, f"督导清单_{today:%Y%m%d}.xlsx")


ASSIGNEE_NAMES = ["assignee_secretary__name", "assignee_team__name", "assignee_station__name", "assignee_unit__name"]


def _labels():
    return {
        "urgency": dict(DemandItem.Urgency.choices),
        "kind": dict(DemandItem.AssigneeKind.choices),
        "status": dict(DemandItem.Status.choices),
    }


def _naive(moment):
    """Excel has no time zones: local time without tzinfo."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _xlsx(request, title, headers, rows, filename):
    # Write-only mode streams rows: a district's round is thousands of them.
    book = Workbook(write_only=True)
    write_only_sheet(book, title, headers, rows, widths=[6, 12, 12, 16, 12, 30, 10, 10, 24, 24, 10, 12, 8])
    return xlsx_response(book, filename, request=request)
