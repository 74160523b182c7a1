from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """View-only for everyone, a superuser included: nobody adds, changes or deletes an entry.
    The list is scoped like every admin list (an org login: its district's entries)."""

    list_display = ["at", "username", "role", "address", "action", "object_type", "object_label", "result", "detail"]
    list_filter = ["result", "action", "object_type"]
    search_fields = ["username", "object_label", "detail"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
