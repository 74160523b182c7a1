"""Admin for the stations app. Every list goes through for_user (ScopedAdminMixin), so the admin
is no back door around the scope; models without their own scope are reached through a scoped one."""

from django.contrib import admin

from secretaries.admin import ScopedAdminMixin as ScopedFormsMixin
from secretaries.admin import ScopedHistoryAdmin
from secretaries.models import Secretary
from stations.models import (
    CalendarToken,
    DutyShift,
    PoolMember,
    RosterGap,
    ServiceStation,
    ShiftReminderLog,
    SwapRequest,
    Unavailability,
)


@admin.register(ServiceStation)
class ServiceStationAdmin(ScopedHistoryAdmin):
    list_display = ["name", "township", "weekdays_display", "secretaries_per_duty_day", "contact_name", "active"]
    list_filter = ["active", "secretaries_per_duty_day", ("township", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "township__name", "address", "contact_name"]
    list_select_related = ["township"]
    filter_horizontal = ["covered_townships"]


@admin.register(PoolMember)
class PoolMemberAdmin(ScopedFormsMixin, admin.ModelAdmin):
    list_display = ["station", "secretary", "active", "added_manually"]
    list_filter = ["active", "added_manually", ("station", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["secretary__name", "station__name"]
    list_select_related = ["station", "secretary"]
    raw_id_fields = ["secretary"]


@admin.register(DutyShift)
class DutyShiftAdmin(ScopedHistoryAdmin):
    list_display = ["date", "station", "secretary", "status", "check_in_at", "check_out_at"]
    list_filter = ["status", ("station", admin.RelatedOnlyFieldListFilter), "date"]
    search_fields = ["secretary__name", "station__name", "work_note"]
    list_select_related = ["station", "secretary"]
    date_hierarchy = "date"
    raw_id_fields = ["secretary"]


@admin.register(Unavailability)
class UnavailabilityAdmin(ScopedFormsMixin, admin.ModelAdmin):
    list_display = ["secretary", "start", "end", "reason", "created_at"]
    list_filter = ["start", ("secretary__village__township", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["secretary__name", "reason"]
    list_select_related = ["secretary"]
    date_hierarchy = "start"
    raw_id_fields = ["secretary"]


@admin.register(SwapRequest)
class SwapRequestAdmin(ScopedFormsMixin, admin.ModelAdmin):
    list_display = ["shift", "to_secretary", "to_shift", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", ("shift__station", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["shift__secretary__name", "to_secretary__name", "shift__station__name", "reason"]
    list_select_related = ["shift__station", "shift__secretary", "to_secretary", "to_shift__station", "decided_by"]
    raw_id_fields = ["shift", "to_secretary", "to_shift", "decided_by"]


@admin.register(RosterGap)
class RosterGapAdmin(ScopedFormsMixin, admin.ModelAdmin):
    list_display = ["date", "station", "missing", "reason", "freed_secretary", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), ("station", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["station__name", "reason", "freed_secretary__name"]
    list_select_related = ["station", "freed_secretary"]
    date_hierarchy = "date"
    raw_id_fields = ["freed_secretary"]


class ScopedThroughShift(admin.ModelAdmin):
    """Reminder logs have no scope of their own: they are visible where their shift is."""

    def get_queryset(self, request):
        shifts = DutyShift.objects.for_user(request.user)
        return super().get_queryset(request).filter(shift__in=shifts)


@admin.register(ShiftReminderLog)
class ShiftReminderLogAdmin(ScopedThroughShift):
    list_display = ["shift", "kind", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["shift__secretary__name", "shift__station__name"]
    list_select_related = ["shift__station", "shift__secretary"]
    raw_id_fields = ["shift"]


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Revoke a feed by deleting its token (the secretary gets a new address on their next visit).
    The token itself is never shown: it is the secret that opens the feed."""

    list_display = ["secretary", "created_at"]
    search_fields = ["secretary__name"]
    list_select_related = ["secretary"]
    fields = ["secretary", "created_at"]
    readonly_fields = ["secretary", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(secretary__in=Secretary.objects.for_user(request.user))

    def has_add_permission(self, request):
        return False
