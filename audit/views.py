"""The audit page (/audit/): the 审计管理员's, the department's login (as with logins, which the
department manages until a 系统管理员 is appointed) and the superuser's; each reads its own
district's entries (for_user)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from audit import selectors
from audit.actions import action_label, role_label
from audit.forms import AuditFilterForm
from core.access import role_required
from core.excel import write_only_sheet, xlsx_response
from core.paging import querystring_without_page

PER_PAGE = 50
EXPORT_HEADERS = [
    "时间",
    "用户名",
    "角色",
    "来源地址",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "结果",
    "说明",
    "个人信息",
]


def _filtered(request):
    form = AuditFilterForm(request.GET or None, object_types=selectors.object_types())
    entries = selectors.entries_for(request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, selectors.filtered(entries, form.cleaned_data if form.is_bound else {})


@require_GET
@role_required("org", "auditadmin")
def entry_list(request):
    form, entries = _filtered(request)
    page = Paginator(entries if entries is not None else [], PER_PAGE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        _label(entry)
    context = {"form": form, "page": page, "querystring": querystring_without_page(request)}
    return render(request, "audit/entry_list.html", context)


@require_GET
@role_required("org", "auditadmin")
def entry_detail(request, pk):
    entry = _label(get_object_or_404(selectors.entries_for(request.user), pk=pk))
    return render(request, "audit/entry_detail.html", {"entry": entry})


@require_GET
@role_required("org", "auditadmin")
def entry_export(request):
    form, entries = _filtered(request)
    if entries is None:
        return render(request, "audit/entry_list.html", {"form": form, "page": None, "querystring": ""}, status=400)
    workbook = Workbook(write_only=True)
    rows = (_row(entry) for entry in entries.iterator(chunk_size=2000))
    write_only_sheet(workbook, "审计日志", EXPORT_HEADERS, rows, widths=[20, 14, 14, 16, 16, 14, 10, 24, 6, 50, 10])
    return xlsx_response(workbook, f"审计日志_{timezone.localdate():%Y%m%d}.xlsx", request=request, personal=True)


def _label(entry):
    entry.action_label = action_label(entry.action)
    entry.role_label = role_label(entry.role)
    entry.type_label = selectors.type_label(entry.object_type)
    entry.personal_label = personal_label(entry.extra)
    return entry


def personal_label(extra):
    masked = (extra or {}).get("masked")
    return {True: "已脱敏", False: "完整"}.get(masked, "")


def _row(entry):
    _label(entry)
    return [
        timezone.localtime(entry.at).replace(tzinfo=None),
        entry.username,
        entry.role_label,
        entry.address or "",
        entry.action_label,
        entry.type_label,
        entry.object_id,
        entry.object_label,
        entry.get_result_display(),
        entry.detail,
        entry.personal_label,
    ]
