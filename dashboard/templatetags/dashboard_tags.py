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


@register.filter
def signed(delta):
    """+3 / −2 / 0 for a change against the previous period."""
    if delta in (None, ""):
        return "—"
    if delta > 0:
        return f"+{delta:g}" if isinstance(delta, float) else f"+{delta}"
    if delta < 0:
        return f"−{abs(delta):g}" if isinstance(delta, float) else f"−{abs(delta)}"
    return "持平"


@register.filter
def signed_wan(delta):
    if delta in (None, ""):
        return "—"
    value = (Decimal(delta) / Decimal(10000)).quantize(Decimal("0.1"))
    if value > 0:
        return f"+{value:,}"
    if value < 0:
        return f"−{abs(value):,}"
    return "持平"


@register.filter
def trend(delta):
    """A CSS class for a change: up, down or flat."""
    if delta in (None, "") or delta == 0:
        return "text-secondary"
    return "text-success" if delta > 0 else "text-danger"


@register.filter
def trend_inverse(delta):
    """For figures where up is bad (absence rate)."""
    if delta in (None, "") or delta == 0:
        return "text-secondary"
    return "text-danger" if delta > 0 else "text-success"
