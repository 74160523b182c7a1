from django.contrib import admin

from core.models import Heartbeat, OutboxTask


class ViewOnlyAdminMixin:
    """Shown in the admin, never added, changed or deleted there (by anyone, superusers included):
    records that only the application writes (histories, counts, the outbox, the audit trail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SharedCatalogAdminMixin:
    """Rows every district shares (categories, expertise, batches, the importer's
    synonyms): any admin login may read them, only a superuser adds, changes or deletes them, so
    that one district cannot change what another relies on (a district's 系统管理员 included: these
    rows are the installation's, not the district's)."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(OutboxTask)
class OutboxTaskAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """What waits for the broker (sent by the minute's sweep once it is back)."""

    list_display = ["name", "created_at", "attempts", "last_error"]
    readonly_fields = ["name", "args", "kwargs", "created_at", "attempts", "last_error"]


@admin.register(Heartbeat)
class HeartbeatAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The last sign of life of beat and of each worker (the status page reads them)."""

    list_display = ["name", "at"]
    readonly_fields = ["name", "at"]
