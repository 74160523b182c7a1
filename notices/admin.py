from django.contrib import admin

from notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "recipient",
        "kind",
        "created_at",
        "read_at",
        "emailed_at",
        "email_pending",
        "sms_pending",
        "delivery_attempts",
    ]
    list_filter = ["kind", "email_pending", "sms_pending", "created_at"]
    search_fields = ["title", "recipient__username", "dedupe_key"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["delivering_until", "delivery_attempts", "delivery_error", "emailed_at", "sms_sent_at"]
