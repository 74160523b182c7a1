"""What a login may change among the places and units (page access itself is core/access.py)."""

from core.scoping import scope_for


def can_edit_unit(user, unit):
    """A dispatch unit is shared by the districts its secretaries serve in: a department login
    changes it only while it dispatches to no other district. A unit serving several districts
    is the system administrator's (a superuser until the accounts work adds that role)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if not scope.is_org:
        return False
    return not unit.secretaries.exclude(village__township__district_id=scope.district_id).exists()
