"""Reading the audit trail: the entries a login may read, filtered as the audit page asks."""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.utils import timezone

from audit.actions import LOOP_PREFIX
from audit.models import AuditEntry


def entries_for(user):
    """Every entry of the user's district (a superuser: all). Access to the page is the view's."""
    return AuditEntry.objects.for_user(user)


def filtered(entries, filters):
    """`filters`: the audit page form's cleaned data (start, end, user, action, object_type, result)."""
    if filters.get("start"):
        entries = entries.filter(at__gte=_day_start(filters["start"]))
    if filters.get("end"):
        entries = entries.filter(at__lt=_day_start(filters["end"] + timedelta(days=1)))
    if filters.get("user"):
        entries = entries.filter(username__icontains=filters["user"].strip())
    action = filters.get("action")
    if action == LOOP_PREFIX.rstrip("."):
        entries = entries.filter(action__startswith=LOOP_PREFIX)
    elif action:
        entries = entries.filter(action=action)
    if filters.get("object_type"):
        entries = entries.filter(object_type=filters["object_type"])
    if filters.get("result"):
        entries = entries.filter(result=filters["result"])
    return entries


# The apps whose records an entry may name (asking the table for its distinct types would read it all).
OBJECT_APPS = ("auth", "secretaries", "demands", "teams", "stations", "notices")


def object_types():
    """(code, 中文名) of every model an entry may name, for the filter."""
    types = [
        (model._meta.label_lower, str(model._meta.verbose_name))
        for model in apps.get_models()
        if model._meta.app_label in OBJECT_APPS and not model.__name__.startswith("Historical")
    ]
    return sorted(types, key=lambda pair: pair[1])


def type_label(code):
    if not code:
        return ""
    try:
        return str(apps.get_model(code)._meta.verbose_name)
    except (LookupError, ValueError):
        return code


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))
