from django.contrib import admin

from core.models import Heartbeat, OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Read-only: what waits for the broker (sent by the minute's sweep once it is back)."""

    list_display = ["name", "created_at", "attempts", "last_error"]
    readonly_fields = ["name", "args", "kwargs", "created_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """Read-only: the last sign of life of beat and of each worker (the status page reads them)."""

    list_display = ["name", "at"]
    readonly_fields = ["name", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
