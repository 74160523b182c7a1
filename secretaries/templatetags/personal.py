"""Phone and ID numbers are shown in full to the org department only; masked for everyone else."""

from django import template

from core.scoping import scope_for
from secretaries.validators import mask_id_number, mask_phone

register = template.Library()


def _sees(context):
    request = context.get("request")
    return request is not None and scope_for(request.user).sees_personal_data


@register.simple_tag(takes_context=True)
def phone(context, value):
    return value if _sees(context) else mask_phone(value)


@register.simple_tag(takes_context=True)
def id_number(context, value):
    return value if _sees(context) else mask_id_number(value)
