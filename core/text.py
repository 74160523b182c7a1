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
