from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from secretaries.scoping import scope_for


@login_required
def home(request):
    """Each role lands on a page that fits it. Issue 7 turns these into full dashboards."""
    scope = scope_for(request.user)
    if not scope.has_access:
        return render(request, "dashboard/no_role.html", status=403)
    template = {
        "org": "dashboard/home_org.html",
        "township": "dashboard/home_township.html",
        "secretary": "dashboard/home_secretary.html",
        "station_manager": "dashboard/home_station.html",
    }[scope.role]
    return render(request, template, {})
