from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from secretaries.models import (
    AreaBranch,
    Batch,
    DispatchUnit,
    District,
    Expertise,
    Secretary,
    StaffProfile,
    Township,
    Village,
)
from secretaries.resources import DispatchUnitResource, SecretaryResource, VillageResource


class ScopedAdminMixin:
    """Admin lists fetch through for_user too: the admin is no back door around the scope."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if hasattr(queryset, "for_user"):
            return queryset.for_user(request.user)
        return queryset


class ScopedImportExportAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    def get_resource_kwargs(self, request, **kwargs):
        return {}

    def get_export_resource_kwargs(self, request, **kwargs):
        from secretaries.scoping import scope_for

        return {"unmasked": scope_for(request.user).sees_personal_data}


@admin.register(District)
class DistrictAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(Township)
class TownshipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]


@admin.register(Village)
class VillageAdmin(ScopedImportExportAdmin):
    resource_classes = [VillageResource]
    list_display = ["name", "township", "kind", "population", "households"]
    list_filter = ["kind", "township"]
    search_fields = ["name", "township__name"]
    list_select_related = ["township"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
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


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "description"]
    list_editable = ["sort_order"]
    search_fields = ["name"]


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


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "district", "township", "station"]
    list_filter = ["role", "township"]
    search_fields = ["user__username", "user__first_name"]
    raw_id_fields = ["user"]
