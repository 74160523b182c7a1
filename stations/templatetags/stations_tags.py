"""What the stations app adds to other apps' pages: the people app's secretary page shows the
stations whose duty pool holds the secretary without importing this app (the template loads it)."""

from django import template

from stations.selectors import duty_stations_of

register = template.Library()


@register.simple_tag
def duty_stations(secretary):
    return duty_stations_of(secretary)
