from django.contrib import admin

from core.admin import ViewOnlyAdminMixin
from dashboard.models import DistrictSummary
from secretaries.admin import ScopedAdminMixin


@admin.register(DistrictSummary)
class DistrictSummaryAdmin(ViewOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read only: the worker counts these (dashboard.summary); shown to see when and how fast."""

    list_display = ["district", "built_at", "checked_at", "as_of", "seconds"]
    search_fields = ["district__name"]
    fields = ["district", "version", "as_of", "built_at", "checked_at", "seconds"]
    readonly_fields = fields
