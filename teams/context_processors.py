from django.utils.functional import SimpleLazyObject

from core.scoping import scope_for
from teams.presets import has_four_lists


def practice(request):
    """`four_lists`: the district names its lists Jining's way (四张清单). Lazy: read only where a
    page's menu shows the lists, once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    if not scope.has_access or scope.district_id is None:
        return {}
    return {"four_lists": SimpleLazyObject(lambda: has_four_lists(scope.district_id))}
