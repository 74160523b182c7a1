from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from core.access import role_required
from core.excel import dataset_workbook, write_only_sheet, xlsx_response
from core.importing import (
    ImportFileError,
    audit_import,
    import_dataset,
    preview_discard,
    preview_open,
    preview_store,
    read_xlsx,
)
from core.paging import querystring_without_page
from core.scoping import scope_for
from core.signals import audit
from secretaries.forms import (
    DispatchUnitForm,
    ImportUploadForm,
    SecretaryFilterForm,
    SecretaryForm,
    VillageForm,
)
from secretaries.models import DispatchUnit, Secretary, Township, Village
from secretaries.resources import DispatchUnitResource, SecretaryResource, VillageResource
from secretaries.selectors import secretary_search, township_overview, village_overview
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
    filters = form.cleaned_data if form.is_valid() else {}
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
        township = Township.objects.for_user(request.user).filter(pk=_int_or_none(request.GET["township"])).first()
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

IMPORTS = {
    "secretaries": (SecretaryResource, "第一书记", "secretaries:secretary_list"),
    "villages": (VillageResource, "村（社区）", "secretaries:village_list"),
    "units": (DispatchUnitResource, "派出单位", "secretaries:unit_list"),
}


@role_required("org")
def import_upload(request, kind):
    if kind not in IMPORTS:
        raise Http404("未知的导入类型")
    resource_class, label, back = IMPORTS[kind]
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "label": label, "kind": kind, "back": back, "resource": resource_class}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = read_xlsx(
                upload,
                required_headers=resource_class.REQUIRED_HEADERS,
                optional_headers=resource_class.OPTIONAL_HEADERS,
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return render(request, "secretaries/import.html", context)
        outcome = import_dataset(resource_class(user=request.user), dataset, dry_run=True)
        context["outcome"] = outcome
        if outcome.ok:
            token = preview_store(upload)
            request.session[f"import:{kind}"] = token
            request.session[f"import:{kind}:file"] = upload.name
            context["token"] = token
    return render(request, "secretaries/import.html", context)


@role_required("org")
@require_POST
def import_confirm(request, kind):
    if kind not in IMPORTS:
        raise Http404("未知的导入类型")
    resource_class, label, back = IMPORTS[kind]
    token = request.session.get(f"import:{kind}")
    if not token or token != request.POST.get("token"):
        messages.error(request, "导入已过期或已完成，请重新上传文件")
        return redirect("secretaries:import_upload", kind=kind)
    filename = request.session.get(f"import:{kind}:file") or "upload.xlsx"
    upload = preview_open(token, filename)
    if upload is None:
        messages.error(request, "导入文件已失效（预览超过有效期），请重新上传")
        return redirect("secretaries:import_upload", kind=kind)
    try:
        dataset = read_xlsx(
            upload, required_headers=resource_class.REQUIRED_HEADERS, optional_headers=resource_class.OPTIONAL_HEADERS
        )
        outcome = import_dataset(resource_class(user=request.user), dataset, dry_run=False)
    except ImportFileError as exc:
        audit_import(request, file=filename, rows=0, ok=False, detail=f"{label}导入失败：{exc}")
        messages.error(request, f"导入失败，没有写入任何数据：{exc}")
        return redirect("secretaries:import_upload", kind=kind)
    finally:
        # Imported or refused as a whole: the stored file is of no further use either way.
        preview_discard(token)
    request.session.pop(f"import:{kind}", None)
    request.session.pop(f"import:{kind}:file", None)
    new, updated = outcome.totals.get("new", 0), outcome.totals.get("update", 0)
    detail = (
        f"{label}：新增 {new} 条，更新 {updated} 条" if outcome.ok else f"{label}：{len(outcome.errors)} 处错误，未写入"
    )
    audit_import(request, file=filename, rows=new + updated, ok=outcome.ok, detail=detail)
    if not outcome.ok:
        form = ImportUploadForm()
        messages.error(request, "导入失败，没有写入任何数据。请按下列提示修改后重新上传。")
        return render(
            request,
            "secretaries/import.html",
            {"form": form, "label": label, "kind": kind, "back": back, "outcome": outcome, "resource": resource_class},
        )
    messages.success(request, f"导入成功：新增 {new} 条，更新 {updated} 条。")
    return redirect(back)


@role_required("org")
def import_template(request, kind):
    if kind not in IMPORTS:
        raise Http404("未知的导入类型")
    resource_class, label, _back = IMPORTS[kind]

    workbook = Workbook(write_only=True)
    headers = resource_class.REQUIRED_HEADERS + resource_class.OPTIONAL_HEADERS
    write_only_sheet(workbook, label, headers, [], widths=[16] * len(headers))
    return xlsx_response(workbook, f"{label}导入模板.xlsx", request=request)
