from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SharedCatalogAdminMixin
from core.excel import SafeXLSX, audit_export
from core.importing import ImportFileError
from core.signals import audit
from secretaries.access import can_edit_unit
from secretaries.models import (
    AreaBranch,
    Batch,
    City,
    ColumnMapping,
    DispatchUnit,
    District,
    Expertise,
    HeaderSynonym,
    ReserveCadre,
    Secretary,
    StaffProfile,
    Township,
    Village,
)
from secretaries.resources import DispatchUnitResource, SecretaryResource, VillageResource
from secretaries.visibility import visibility_for


class ScopedAdminMixin:
    """Admin lists fetch through for_user too: the admin is no back door around the scope. The
    choices in edit forms are scoped as well, so an org login cannot pick (or type the id of)
    another district's record."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if hasattr(queryset, "for_user"):
            return queryset.for_user(request.user)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = db_field.remote_field.model._default_manager.all()
        if hasattr(choices, "for_user"):
            kwargs["queryset"] = choices.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = db_field.remote_field.model._default_manager.all()
        if hasattr(choices, "for_user"):
            kwargs["queryset"] = choices.for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """simple_history's history pages fall back to the record's own history when get_queryset
    misses it, which would show another district's record: here such a record answers 404."""

    def _in_scope_or_404(self, request, object_id):
        if request.user.is_superuser:
            return
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ScopedImportExportAdmin(ImportExportModelAdmin, ScopedHistoryAdmin):
    # The one .xlsx format: its export goes through the shared writer (formula-like text stored
    # as text), its import through the upload checks (size, expansion, declared dimension).
    formats = [SafeXLSX]

    def get_resource_kwargs(self, request, **kwargs):
        return {}

    def add_data_read_fail_error_to_form(self, form, e):
        # The package names only the exception's class, in English; our reader says what is wrong.
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", "无法读取该文件，请确认是 Excel 2007 及以上格式（.xlsx）的文件")

    def get_import_resource_kwargs(self, request, **kwargs):
        # The admin's import looks names up in the user's scope, as the import pages do.
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"visibility": visibility_for(request.user)}

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        filename = self.get_export_filename(request, queryset, file_format)
        audit_export(request, data, f"管理后台：{filename}", personal=True)
        return data

    def process_result(self, result, request):
        totals = dict(result.totals)
        audit(
            "import",
            request=request,
            detail=f"管理后台导入{self.model._meta.verbose_name}："
            f"新增 {totals.get('new', 0)} 条，更新 {totals.get('update', 0)} 条",
            file=request.POST.get("original_file_name", "")[:200],
            rows=totals.get("new", 0) + totals.get("update", 0),
            totals=totals,
        )
        return super().process_result(result, request)


@admin.register(City)
class CityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(District)
class DistrictAdmin(ScopedHistoryAdmin):
    list_display = ["name", "code", "city"]
    search_fields = ["name"]


@admin.register(Township)
class TownshipAdmin(ScopedHistoryAdmin):
    list_display = ["name", "kind", "district", "runs_loop"]
    list_filter = ["kind", "district", "runs_loop"]
    search_fields = ["name"]


@admin.register(Village)
class VillageAdmin(ScopedImportExportAdmin):
    resource_classes = [VillageResource]
    list_display = ["name", "township", "kind", "population", "households"]
    list_filter = ["kind", "township"]
    search_fields = ["name", "township__name"]
    list_select_related = ["township"]


@admin.register(Batch)
class BatchAdmin(SharedCatalogAdminMixin, admin.ModelAdmin):
    list_display = ["name", "number", "term_start", "term_end"]


@admin.register(AreaBranch)
class AreaBranchAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "district"]
    search_fields = ["name"]
    filter_horizontal = ["townships"]


@admin.register(DispatchUnit)
class DispatchUnitAdmin(ScopedImportExportAdmin):
    resource_classes = [DispatchUnitResource]
    list_display = ["name", "level", "kind", "contact_name"]
    list_filter = ["level", "kind"]
    search_fields = ["name"]

    # Units are shared by the districts their secretaries serve in (secretaries.access.can_edit_unit).
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can_edit_unit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or can_edit_unit(request.user, obj))


@admin.register(Expertise)
class ExpertiseAdmin(SharedCatalogAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sort_order", "description"]
    list_editable = ["sort_order"]
    search_fields = ["name"]


@admin.register(HeaderSynonym)
class HeaderSynonymAdmin(SharedCatalogAdminMixin, admin.ModelAdmin):
    """The header spellings every import knows (read through secretaries/mapping.py): the round
    upload's three lists and the department's workbooks of secretaries, villages and units."""

    list_display = ["text", "column", "kind"]
    list_filter = ["kind", "column"]
    search_fields = ["text", "column"]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The corrections of a mapping an uploader made on a preview (a township's, or the department's)."""

    list_display = ["header", "column", "kind", "township", "district", "updated_by", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["header", "township__name"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(Secretary)
class SecretaryAdmin(ScopedImportExportAdmin):
    resource_classes = [SecretaryResource]
    list_display = ["name", "gender", "village", "township_name", "dispatch_unit", "batch", "status"]
    list_filter = ["status", "gender", "batch", "dispatch_unit__level", "area_branch", "village__township", "expertise"]
    search_fields = ["name", "village__name", "village__township__name", "dispatch_unit__name"]
    list_select_related = ["village__township", "dispatch_unit", "batch"]
    filter_horizontal = ["expertise"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["village"]

    @admin.display(description="乡镇", ordering="village__township__name")
    def township_name(self, obj):
        return obj.village.township.name


@admin.register(ReserveCadre)
class ReserveCadreAdmin(ScopedHistoryAdmin):
    list_display = ["name", "village", "birth_year", "education", "source", "mentor", "added", "left"]
    list_filter = ["source", "education", "village__township"]
    search_fields = ["name", "village__name"]
    list_select_related = ["village", "mentor"]
    autocomplete_fields = ["village"]
    raw_id_fields = ["mentor"]


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedHistoryAdmin):
    list_display = ["user", "role", "district", "township", "station", "city"]
    list_filter = ["role", "township"]
    search_fields = ["user__username", "user__first_name"]
    raw_id_fields = ["user"]
