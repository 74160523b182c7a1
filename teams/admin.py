"""Admin for the teams app: every list is scoped through for_user (secretaries.admin)."""

from django.contrib import admin

from core.admin import ViewOnlyAdminMixin
from core.scoping import scope_for
from secretaries.admin import ScopedAdminMixin, ScopedHistoryAdmin
from teams.models import (
    ActivityPhoto,
    AppliedPreset,
    Award,
    GroupKind,
    GroupMember,
    GroupPartner,
    Meeting,
    MeetingDecision,
    PioneerTeam,
    RankingSnapshot,
    ScoringRule,
    TeamActivity,
    TeamMembership,
)


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    raw_id_fields = ["secretary", "person"]


class PartnerInline(admin.TabularInline):
    model = GroupPartner
    extra = 0


@admin.register(GroupPartner)
class GroupPartnerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A joint organisation's member organisations, of the groups the login reaches."""

    list_display = ["name", "kind", "team"]
    list_filter = ["kind"]
    search_fields = ["name", "team__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(team__in=PioneerTeam.objects.for_user(request.user))


@admin.register(GroupKind)
class GroupKindAdmin(ScopedHistoryAdmin):
    list_display = ["name", "code", "level", "max_per_person", "allowance", "scored", "dispatchable", "district"]
    list_filter = ["level", "scored", ("district", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]


@admin.register(AppliedPreset)
class AppliedPresetAdmin(ViewOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Which practices' presets a district applied (the preset page applies them)."""

    list_display = ["district", "preset", "applied_at"]


@admin.register(GroupMember)
class GroupMemberAdmin(ScopedHistoryAdmin):
    list_display = ["name", "title", "organisation", "village", "district"]
    search_fields = ["name", "title", "organisation"]
    raw_id_fields = ["village"]
    readonly_fields = ["user"]  # given through 账号管理 (accounts), never picked from every login here


@admin.register(PioneerTeam)
class PioneerTeamAdmin(ScopedHistoryAdmin):
    list_display = ["name", "kind", "township", "village", "focus", "captain", "min_size", "max_size", "district"]
    search_fields = ["name", "focus", "captain__name"]
    list_filter = [("kind", admin.RelatedOnlyFieldListFilter), ("district", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["kind", "township", "village", "captain", "district"]
    raw_id_fields = ["captain", "captain_person", "parent", "township", "village", "linked_villages"]
    inlines = [MembershipInline, PartnerInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(ScopedHistoryAdmin):
    list_display = ["team", "secretary", "person", "role", "joined", "left", "allowance"]
    list_filter = ["role", ("team", admin.RelatedOnlyFieldListFilter), "left"]
    search_fields = ["secretary__name", "person__name", "team__name"]
    list_select_related = ["secretary", "person", "team"]
    raw_id_fields = ["secretary", "person"]


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    readonly_fields = ["width", "height", "uploaded_at"]


@admin.register(TeamActivity)
class TeamActivityAdmin(ScopedHistoryAdmin):
    list_display = ["title", "team", "kind", "date", "people_reached", "funds_secured", "produce_kg"]
    list_filter = ["kind", ("team", admin.RelatedOnlyFieldListFilter), "date"]
    search_fields = ["title", "place", "village__name", "description"]
    date_hierarchy = "date"
    list_select_related = ["team"]
    raw_id_fields = ["village", "created_by"]
    filter_horizontal = ["participants"]
    inlines = [PhotoInline]


class DecisionInline(admin.TabularInline):
    model = MeetingDecision
    extra = 0
    raw_id_fields = ["project", "demand"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "date", "team", "host", "host_person"]
    list_filter = ["kind", ("team", admin.RelatedOnlyFieldListFilter), "date"]
    search_fields = ["title", "place", "host__name", "host_person__name", "minutes"]
    date_hierarchy = "date"
    raw_id_fields = ["host", "host_person"]
    filter_horizontal = ["attendees", "attendee_people"]
    inlines = [DecisionInline]


@admin.register(ScoringRule)
class ScoringRuleAdmin(ScopedHistoryAdmin):
    """A district's rules (its general ones and its kinds'), read here; the department changes
    them on its 计分规则 page (audited field by field), a superuser here as well."""

    list_display = ["label", "key", "district", "group_kind", "points", "cap", "sort_order", "active"]
    list_filter = [
        "active",
        ("district", admin.RelatedOnlyFieldListFilter),
        ("group_kind", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["district", "group_kind"]
    search_fields = ["label", "key"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(admin.ModelAdmin):
    """Frozen monthly rankings are history: readable, never edited."""

    list_display = ["month", "group_kind", "district", "frozen_at"]
    list_filter = [("district", admin.RelatedOnlyFieldListFilter)]

    def get_queryset(self, request):

        queryset = super().get_queryset(request)
        scope = scope_for(request.user)
        return queryset if scope.is_superuser else queryset.filter(district_id=scope.district_id)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Award)
class AwardAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "kind", "group_kind", "team", "secretary", "person", "township", "awarded_by", "created_at"]
    list_filter = ["year", "kind"]
    search_fields = ["team__name", "secretary__name", "person__name", "note"]
    raw_id_fields = ["team", "secretary", "person", "township", "awarded_by"]


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ["activity", "width", "height", "uploaded_at"]
    raw_id_fields = ["activity"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(activity__in=TeamActivity.objects.for_user(request.user))


@admin.register(MeetingDecision)
class MeetingDecisionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["text", "meeting", "project", "demand", "created_at"]
    search_fields = ["text", "meeting__title"]
    raw_id_fields = ["meeting", "project", "demand"]
