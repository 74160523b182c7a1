"""Small formatting filters for the dashboards."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def wan(yuan):
    """Yuan as 万元 with one decimal."""
    if yuan in (None, ""):
        return "—"
    return f"{(Decimal(yuan) / Decimal(10000)).quantize(Decimal('0.1')):,}"
