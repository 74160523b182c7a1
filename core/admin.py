from django.contrib import admin

from core.models import OutboxTask


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
