from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import SharedCatalogAdminMixin, ViewOnlyAdminMixin
from core.scoping import scope_for
from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandEvent,
    DemandItem,
    ProjectItem,
    ReminderLog,
    ResourceCategory,
    ResourceItem,
    RoundNoticeTemplate,
    Submission,
    ValueSynonym,
)
from secretaries.admin import ScopedAdminMixin, ScopedHistoryAdmin


@admin.register(DemandCategory)
class DemandCategoryAdmin(SharedCatalogAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The shared categories (no district) are the installation's: a superuser changes them. A
    district's own (a practice's, from its preset) are its admin logins' to add and edit; another
    district's are not found."""

    list_display = ["name", "district", "sort_order", "active", "description"]
    list_filter = ["district"]
    # Edited in the list by a superuser only: without an object, has_change_permission is False
    # for everyone else (the list holds shared rows too).
    list_editable = ["sort_order", "active"]
    search_fields = ["name"]
    filter_horizontal = ["resource_categories", "expertise"]

    def _own_district(self, request):
        return scope_for(request.user).district_id

    def has_add_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        return bool(self._own_district(request)) and admin.ModelAdmin.has_add_permission(self, request)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        own = obj is not None and obj.district_id is not None and obj.district_id == self._own_district(request)
        return own and admin.ModelAdmin.has_change_permission(self, request, obj)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        own = obj is not None and obj.district_id is not None and obj.district_id == self._own_district(request)
        return own and admin.ModelAdmin.has_delete_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["district"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser:
            return form  # the district is a field: the model's unique constraints are checked
        district_id = self._own_district(request)

        class OwnDistrictForm(form):
            # The district is read-only here, so Django leaves its (district, name) constraint
            # out of validation: checked by hand, a message instead of a database error.
            def clean_name(self):
                name = self.cleaned_data["name"]
                clash = DemandCategory.objects.filter(district_id=district_id, name=name).exclude(pk=self.instance.pk)
                if clash.exists():
                    raise ValidationError("本区已有同名的需求类别")
                return name

        return OwnDistrictForm

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.district_id = self._own_district(request)
        super().save_model(request, obj, form, change)


@admin.register(ValueSynonym)
class ValueSynonymAdmin(SharedCatalogAdminMixin, admin.ModelAdmin):
    list_display = ["text", "means", "field"]
    list_filter = ["field"]
    search_fields = ["text", "means"]


@admin.register(ResourceCategory)
class ResourceCategoryAdmin(SharedCatalogAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sort_order", "active", "description"]
    list_editable = ["sort_order", "active"]
    search_fields = ["name"]


@admin.register(RoundNoticeTemplate)
class RoundNoticeTemplateAdmin(admin.ModelAdmin):
    list_display = ["district", "title_template", "updated_at"]
    fieldsets = [
        (None, {"fields": ["district", "title_template", "body_template"]}),
    ]
    help_texts = "可用占位符：{周期} {周期开始} {周期结束} {截止日期} {发布日期}"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name in ("title_template", "body_template"):
            form.base_fields[name].help_text = self.help_texts
        return form


@admin.register(CollectionRound)
class CollectionRoundAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "period_start", "period_end", "deadline", "status", "opened_at"]
    list_filter = ["status", "district"]
    date_hierarchy = "period_start"
    readonly_fields = ["opened_at", "closed_at", "created_by", "created_at"]


@admin.register(Submission)
class SubmissionAdmin(ScopedHistoryAdmin):
    list_display = ["round", "village", "status", "is_nil", "on_behalf", "submitted_at"]
    list_filter = ["status", "is_nil", "on_behalf", "round"]
    search_fields = ["village__name", "village__township__name"]
    list_select_related = ["round", "village"]
    raw_id_fields = ["village", "submitted_by"]


class DemandEventInline(admin.TabularInline):
    model = DemandEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DemandEvent)
class DemandEventAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The loop's history: readable, never edited."""

    list_display = ["item", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["item__title", "note"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(item__in=DemandItem.objects.for_user(request.user))


# Fields only the loop's services write (demands/services/loop.py), each step with its event: in the
# admin they are shown, never edited, so no status jump leaves the history silent.
LOOP_FIELDS = [
    "status",
    "due_date",
    "assignee_kind",
    "assignee_secretary",
    "assignee_team",
    "assignee_station",
    "assignee_unit",
    "matched_resource",
    "submitted_at",
    "accepted_at",
    "dispatched_at",
    "resolved_at",
    "rated_at",
    "last_progress_at",
    "return_reason",
    "resolution",
    "funds_secured",
    "rating",
    "rating_comment",
    "resolved_on",
    "cycle",
    "merged_into",
    "created_by",
]


@admin.register(DemandItem)
class DemandItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "village", "category", "urgency", "status", "round", "submitted_at"]
    list_filter = ["status", "urgency", "category", "channel", "round"]
    search_fields = ["title", "village__name"]
    list_select_related = ["village", "category", "round"]
    inlines = [DemandEventInline]

    def has_add_permission(self, request):
        # Items are made by the lists and demands.services (demand_create), which write the first event.
        return False

    def has_delete_permission(self, request, obj=None):
        # An item carries the loop's history; it is closed or merged through the loop, not deleted.
        return False

    def get_readonly_fields(self, request, obj=None):
        # Where an item belongs decides who sees and works it: not moved behind the loop's back.
        return [*LOOP_FIELDS, "village", "submission", "round", "received_shift"]


@admin.register(ResourceItem)
class ResourceItemAdmin(ScopedHistoryAdmin):
    list_display = ["title", "category", "source", "secretary", "dispatch_unit", "valid_until", "active"]
    list_filter = ["source", "category", "active"]
    search_fields = ["title", "secretary__name", "dispatch_unit__name"]
    raw_id_fields = ["secretary"]


@admin.register(ProjectItem)
class ProjectItemAdmin(ScopedHistoryAdmin):
    list_display = ["title", "status", "lead_secretary", "budget", "funds_secured", "progress"]
    list_filter = ["status", "category"]
    search_fields = ["title"]
    filter_horizontal = ["villages"]
    raw_id_fields = ["lead_secretary", "demands", "created_by"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["round", "village", "kind", "sent_at"]
    list_filter = ["kind", "round"]


# --- the closed loop (issue 4) ---------------------------------------------------------------
from demands.models import SupervisionFlag  # noqa: E402


@admin.register(SupervisionFlag)
class SupervisionFlagAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["item", "reason", "state_key", "flagged_at", "cleared_at"]
    list_filter = ["reason", ("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["item__title", "item__village__name"]
    raw_id_fields = ["item"]
    readonly_fields = ["flagged_at"]
