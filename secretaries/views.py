from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from core.access import role_required
from core.excel import dataset_workbook, write_only_sheet, xlsx_response
from core.importing import (
    ImportFileError,
    audit_import,
    count_rows,
    import_detail,
    preview_discard,
    preview_open,
    preview_store,
)
from core.jobs import fail_stale_jobs, job_create, job_outcome
from core.models import ImportJob
from core.paging import querystring_without_page
from core.scoping import scope_for
from core.sheets import chosen_mapping
from core.signals import audit
from core.tasks import enqueue_on_commit
from secretaries.access import can_edit_unit
from secretaries.forms import (
    DispatchUnitForm,
    ImportUploadForm,
    SecretaryFilterForm,
    SecretaryForm,
    VillageForm,
)
from secretaries.imports import LABELS, PeopleOutcome, people_import, template_headers
from secretaries.models import DispatchUnit, Secretary, Township, Village
from secretaries.resources import DispatchUnitResource, SecretaryResource, VillageResource
from secretaries.selectors import secretary_search, township_overview, village_overview
from secretaries.tasks import run_people_import
from secretaries.visibility import visibility_for


def history_rows(obj, limit=20):
    """The last changes of a record with the fields each one changed (old → new)."""
    records = list(obj.history.select_related("history_user")[: limit + 1])
    rows = []
    for record, previous in zip(records, records[1:] + [None], strict=False):
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                label = obj._meta.get_field(change.field).verbose_name
                changes.append(f"{label}：{change.old or '—'} → {change.new or '—'}")
        rows.append({"record": record, "changes": changes})
    return rows[:limit]


# Secretaries ---------------------------------------------------------------------------------


@role_required()
def secretary_list(request):
    form = SecretaryFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(secretary_search(request.user, filters), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "secretaries/secretary_list.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )


@role_required()
def secretary_detail(request, pk):
    secretary = get_object_or_404(
        Secretary.objects.for_user(request.user).select_related(
            "village__township", "dispatch_unit", "batch", "area_branch"
        ),
        pk=pk,
    )
    scope = scope_for(request.user)
    history = history_rows(secretary) if scope.is_org else []
    if secretary.id_number and visibility_for(request.user).id_number(secretary.id_number) == secretary.id_number:
        # The page that shows an ID number unmasked: every such view is in the audit trail.
        audit("view_personal", request=request, obj=secretary, detail="查看完整身份证号、出生日期和手机号")
    return render(
        request,
        "secretaries/secretary_detail.html",
        {
            "secretary": secretary,
            "history": history,
            "can_edit": scope.is_org,
            "memberships": secretary.team_memberships.filter(left__isnull=True).select_related("team"),
        },
    )


@role_required("org")
def secretary_create(request):
    form = SecretaryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        secretary = form.save()
        messages.success(request, f"已添加第一书记 {secretary.name}")
        return redirect("secretaries:secretary_detail", pk=secretary.pk)
    return render(request, "secretaries/form.html", {"form": form, "title": "添加第一书记"})


@role_required()
def secretary_edit(request, pk):
    secretary = get_object_or_404(Secretary.objects.for_user(request.user), pk=pk)
    if not scope_for(request.user).is_org:
        raise PermissionDenied("仅区委组织部可修改第一书记信息")
    form = SecretaryForm(request.POST or None, instance=secretary, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "已保存")
        return redirect("secretaries:secretary_detail", pk=secretary.pk)
    return render(request, "secretaries/form.html", {"form": form, "title": f"编辑 {secretary.name}"})


@role_required()
def secretary_export(request):
    form = SecretaryFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        # A township, unit or branch outside the login's scope (or a hand-made query): never
        # the whole list instead of the one asked for.
        raise Http404("筛选条件无效，或不在您的范围内")
    filters = form.cleaned_data if form.is_bound else {}
    queryset = secretary_search(request.user, filters)
    resource = SecretaryResource(visibility=visibility_for(request.user), queryset=queryset)
    dataset = resource.export()
    return xlsx_response(
        dataset_workbook(dataset, "第一书记"),
        f"第一书记名册-{timezone.localdate():%Y%m%d}.xlsx",
        request=request,
        personal=True,
    )


# Villages and townships ----------------------------------------------------------------------


@role_required()
def village_list(request):
    township = None
    if request.GET.get("township"):
        township = get_object_or_404(Township.objects.for_user(request.user), pk=_int_or_none(request.GET["township"]))
    villages = village_overview(request.user, township=township, q=request.GET.get("q", ""))
    page = Paginator(villages, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "secretaries/village_list.html",
        {
            "page": page,
            "township": township,
            "townships": Township.objects.for_user(request.user),
            "q": request.GET.get("q", ""),
            "querystring": querystring_without_page(request),
        },
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@role_required()
def village_detail(request, pk):
    village = get_object_or_404(Village.objects.for_user(request.user).select_related("township"), pk=pk)
    secretaries = (
        Secretary.objects.for_user(request.user).filter(village=village).select_related("village", "dispatch_unit")
    )
    return render(
        request,
        "secretaries/village_detail.html",
        {"village": village, "secretaries": secretaries, "can_edit": scope_for(request.user).is_org},
    )


@role_required("org")
def village_create(request):
    form = VillageForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        village = form.save()
        messages.success(request, f"已添加 {village.name}")
        return redirect("secretaries:village_detail", pk=village.pk)
    return render(request, "secretaries/form.html", {"form": form, "title": "添加村（社区）"})


@role_required()
def village_edit(request, pk):
    village = get_object_or_404(Village.objects.for_user(request.user), pk=pk)
    if not scope_for(request.user).is_org:
        raise PermissionDenied("仅区委组织部可修改村（社区）信息")
    form = VillageForm(request.POST or None, instance=village, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "已保存")
        return redirect("secretaries:village_detail", pk=village.pk)
    return render(request, "secretaries/form.html", {"form": form, "title": f"编辑 {village.name}"})


@role_required()
def village_export(request):
    resource = VillageResource(queryset=Village.objects.for_user(request.user).select_related("township"))
    return xlsx_response(
        dataset_workbook(resource.export(), "村（社区）"),
        f"村（社区）-{timezone.localdate():%Y%m%d}.xlsx",
        request=request,
    )


@role_required()
def township_list(request):
    return render(request, "secretaries/township_list.html", {"townships": township_overview(request.user)})


@role_required()
def township_detail(request, pk):
    township = get_object_or_404(township_overview(request.user), pk=pk)
    villages = village_overview(request.user, township=township)
    return render(request, "secretaries/township_detail.html", {"township": township, "villages": villages})


# Dispatch units ------------------------------------------------------------------------------


@role_required()
def unit_list(request):
    scope = scope_for(request.user)
    units = DispatchUnit.objects.annotate(
        secretary_count=Count("secretaries", filter=Q(secretaries__in=Secretary.objects.for_user(request.user)))
    )
    if not scope.is_org:
        units = units.filter(secretary_count__gt=0)
    return render(request, "secretaries/unit_list.html", {"units": units, "can_edit": scope.is_org})


@role_required("org")
def unit_create(request):
    form = DispatchUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, f"已添加派出单位 {unit.name}")
        return redirect("secretaries:unit_list")
    return render(request, "secretaries/form.html", {"form": form, "title": "添加派出单位"})


@role_required("org")
def unit_edit(request, pk):
    unit = get_object_or_404(DispatchUnit, pk=pk)
    if not can_edit_unit(request.user, unit):
        raise PermissionDenied("该派出单位也向其他区派出了第一书记，只有系统管理员可以修改")
    form = DispatchUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "已保存")
        return redirect("secretaries:unit_list")
    return render(request, "secretaries/form.html", {"form": form, "title": f"编辑 {unit.name}"})


@role_required("org")
def unit_export(request):
    resource = DispatchUnitResource(visibility=visibility_for(request.user), queryset=DispatchUnit.objects.all())
    return xlsx_response(
        dataset_workbook(resource.export(), "派出单位"),
        f"派出单位-{timezone.localdate():%Y%m%d}.xlsx",
        request=request,
        personal=True,
    )


# Import: upload -> preview (dry run) -> confirm (all or nothing) -------------------------------
# A workbook of more than IMPORT_ASYNC_ROWS rows is previewed and imported by a Celery worker
# (secretaries/imports.py, core/jobs.py); the page polls the job.

IMPORTS = {
    "secretaries": "secretaries:secretary_list",
    "villages": "secretaries:village_list",
    "units": "secretaries:unit_list",
}


def _import_context(kind, form):
    if kind not in IMPORTS:
        raise Http404("未知的导入类型")
    required, optional = template_headers(kind)
    return {
        "form": form,
        "label": LABELS[kind],
        "kind": kind,
        "back": IMPORTS[kind],
        "required_headers": required,
        # the background job's part of the page (templates/_import_job.html)
        "outcome_template": "secretaries/_import_outcome.html",
        "done_url": reverse(IMPORTS[kind]),
        "done_label": "返回列表",
    }


def _start_job(request, context, action, token, total, chosen=None):
    options = {"chosen": chosen} if chosen else None
    filename = request.session.get(f"import:{context['kind']}:file") or ""
    job = job_create(
        context["kind"], action, request.user, token, total, options, label=context["label"], filename=filename
    )
    enqueue_on_commit(run_people_import, job.pk)
    _show_job(context, job)


def _show_job(context, job):
    context["job"] = job
    context["job_url"] = reverse("secretaries:import_job", args=[context["kind"], job.pk])


def _imported(outcome):
    return f"导入成功：新增 {outcome.totals.get('new', 0)} 条，更新 {outcome.totals.get('update', 0)} 条。"


@role_required("org")
def import_upload(request, kind):
    if request.method == "POST" and request.POST.get("action") == "remap":
        return _import_remap(request, kind)
    context = _import_context(kind, ImportUploadForm(request.POST or None, request.FILES or None))
    form = context["form"]
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        _discard_pending_import(request, kind)
        request.session[f"import:{kind}:file"] = upload.name  # named in the audit trail at 确认导入
        try:
            rows = count_rows(upload)
            if rows > settings.IMPORT_ASYNC_ROWS:
                token = request.session[f"import:{kind}"] = preview_store(upload)
                _start_job(request, context, ImportJob.Action.PREVIEW, token, rows)
            else:
                context["outcome"] = _preview(request, kind, upload, context)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
    return render(request, "secretaries/import.html", context)


def _preview(request, kind, upload, context):
    """Preview at once. The file is kept even when rows are wrong (the user may correct the column
    mapping and preview again); a good preview keeps its checked plan beside it for 确认导入."""
    token = preview_store(upload)
    try:
        outcome = people_import(kind, upload, request.user, confirm=False, token=token)
    except ImportFileError:
        preview_discard(token)
        raise
    request.session[f"import:{kind}"] = token
    if outcome.ok:
        context["token"] = token
    return outcome


def _import_remap(request, kind):
    """Preview the stored upload again with the column mapping the user chose; remember it for the district."""
    context = _import_context(kind, ImportUploadForm())
    token = request.session.get(f"import:{kind}")
    upload = preview_open(token, request.session.get(f"import:{kind}:file") or "upload.xlsx") if token else None
    if upload is None:
        messages.error(request, "没有待预览的上传文件（或预览已超过有效期），请重新上传。")
        return redirect("secretaries:import_upload", kind=kind)
    chosen = chosen_mapping(request.POST).get(kind, {})
    request.session[f"import:{kind}:chosen"] = chosen
    try:
        rows = count_rows(upload)
        if rows > settings.IMPORT_ASYNC_ROWS:  # the worker remembers the corrections
            _start_job(request, context, ImportJob.Action.PREVIEW, token, rows, chosen)
        else:
            context["outcome"] = people_import(
                kind, upload, request.user, confirm=False, chosen=chosen, remember=True, token=token
            )
            if context["outcome"].ok:
                context["token"] = token
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("secretaries:import_upload", kind=kind)
    return render(request, "secretaries/import.html", context)


def _discard_pending_import(request, kind):
    token = request.session.pop(f"import:{kind}", None)
    request.session.pop(f"import:{kind}:chosen", None)
    if token:
        preview_discard(token)


@role_required("org")
@require_POST
def import_confirm(request, kind):
    context = _import_context(kind, ImportUploadForm())
    token = request.session.get(f"import:{kind}")
    if not token or token != request.POST.get("token"):
        messages.error(request, "导入已过期或已完成，请重新上传文件")
        return redirect("secretaries:import_upload", kind=kind)
    filename = request.session.get(f"import:{kind}:file") or "upload.xlsx"
    upload = preview_open(token, filename)
    if upload is None:
        messages.error(request, "导入文件已失效（预览超过有效期），请重新上传")
        return redirect("secretaries:import_upload", kind=kind)
    request.session.pop(f"import:{kind}", None)
    chosen = request.session.pop(f"import:{kind}:chosen", None) or None
    try:
        rows = count_rows(upload)
        if rows > settings.IMPORT_ASYNC_ROWS:
            # The worker discards the stored file when it is done.
            _start_job(request, context, ImportJob.Action.CONFIRM, token, rows, chosen)
            return render(request, "secretaries/import.html", context)
        outcome = people_import(kind, upload, request.user, confirm=True, chosen=chosen, token=token)
    except ImportFileError as exc:
        detail = import_detail(LABELS[kind], ok=False, reason=f"导入失败，没有写入任何数据：{exc}")
        audit_import(request, file=filename, rows=0, ok=False, detail=detail)
        preview_discard(token)
        messages.error(request, f"导入失败，没有写入任何数据：{exc}")
        return redirect("secretaries:import_upload", kind=kind)
    # Imported or refused as a whole: the stored file is of no further use either way.
    preview_discard(token)
    if not outcome.ok:
        messages.error(request, "导入失败，没有写入任何数据。请按下列提示修改后重新上传。")
        detail = import_detail(LABELS[kind], ok=False, errors=len(outcome.errors))
        audit_import(request, file=filename, rows=0, ok=False, detail=detail)
        return render(request, "secretaries/import.html", {**context, "outcome": outcome})
    new, updated = outcome.totals.get("new", 0), outcome.totals.get("update", 0)
    detail = import_detail(LABELS[kind], ok=True, totals=outcome.totals)
    audit_import(request, file=filename, rows=new + updated, ok=True, detail=detail)
    messages.success(request, _imported(outcome))
    return redirect(context["back"])


@role_required("org")
def import_job(request, kind, pk):
    """A background import's progress, then its result (htmx polls it every second)."""
    context = _import_context(kind, ImportUploadForm())
    fail_stale_jobs()
    job = get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk, kind=kind)
    _show_job(context, job)
    outcome = job_outcome(job, PeopleOutcome) if job.status == ImportJob.Status.DONE else None
    if outcome is not None:
        context["outcome"] = outcome
        if job.action == ImportJob.Action.PREVIEW:  # kept even when wrong: the mapping may be corrected
            request.session[f"import:{kind}"] = job.token
            request.session[f"import:{kind}:chosen"] = job.options.get("chosen") or {}
            if outcome.ok:
                context["token"] = job.token
        elif outcome.ok:
            context["imported"] = _imported(outcome)
    template = "_import_job.html" if request.htmx else "secretaries/import.html"
    return render(request, template, context)


@role_required("org")
def import_template(request, kind):
    if kind not in IMPORTS:
        raise Http404("未知的导入类型")
    required, optional = template_headers(kind)
    workbook = Workbook(write_only=True)
    headers = required + optional
    write_only_sheet(workbook, LABELS[kind], headers, [], widths=[16] * len(headers))
    return xlsx_response(workbook, f"{LABELS[kind]}导入模板.xlsx", request=request)
