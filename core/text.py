"""Text people typed, placed inside a sentence of ours (a template builtin, see TEMPLATES).

    清单已被退回：{{ submission.return_reason|clause }}。

A reason typed as "请补充电话。" would otherwise read "请补充电话。。"."""

from django import template

register = template.Library()

# What a typed text may end with that our own punctuation replaces (not ！ or ？: they carry meaning).
CLOSING = "。.，,；;、 \t\r\n"


@register.filter
def clause(text):
    """The text without its own closing full stop, comma or semicolon."""
    return str(text or "").rstrip(CLOSING)


def as_id(raw):
    """The record id a query parameter or form field names: ASCII digits only, at most 18 (it fits
    the database's bigint), else None. Python's isdigit() also takes ² and full-width digits, which
    int() refuses or the database cannot hold: a crafted value must be a 404, not a server error."""
    raw = raw.strip() if isinstance(raw, str) else ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
