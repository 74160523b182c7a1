"""Personal data on pages, through the one visibility rule (secretaries/visibility.py): a phone
shown in full is a tel: link, a masked one plain text; ID numbers and birth dates as the rule says."""

from django import template

from secretaries.models import Secretary
from secretaries.visibility import Person, ShownPhone, visibility_for

register = template.Library()


def _visibility(context):
    request = context.get("request")
    return visibility_for(request.user if request is not None else None)


@register.simple_tag(takes_context=True)
def phone(context, value):
    """{% phone secretary %}, or a phone already decided by the rule (a ShownPhone). A bare number
    has no known owner, so only the org department sees it in full."""
    if isinstance(value, ShownPhone):
        return value
    visibility = _visibility(context)
    if isinstance(value, Secretary):
        return visibility.secretary_phone(value)
    return visibility.phone(value, Person(township_id=None))


@register.simple_tag(takes_context=True)
def contact_phone(context, item):
    """The contact phone of a demand item (its village's person; the station's when it works it)."""
    return _visibility(context).contact_phone(item)


@register.simple_tag(takes_context=True)
def station_phone(context, station):
    return _visibility(context).phone(station.contact_phone, Person.station_contact(station))


@register.simple_tag(takes_context=True)
def id_number(context, value):
    """{% id_number secretary %} (or a bare number): in full to the org department only."""
    number = value.id_number if isinstance(value, Secretary) else value
    return _visibility(context).id_number(number)


@register.simple_tag(takes_context=True)
def birth(context, secretary):
    """The birth date to the org department, 年龄 N 岁 to everyone else."""
    return _visibility(context).birth(secretary.birth_date)


@register.simple_tag
def tel(text, full):
    """A phone computed ahead (a cached dashboard row: text and whether it is in full)."""
    return ShownPhone(text, bool(full)) if text else "—"
