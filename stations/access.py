"""Who may change what in the stations app. Reading goes through the QuerySets' for_user; these
checks come on top of it, so a readable record someone may not change answers 403."""

from core.scoping import scope_for
from stations.models import ServiceStation, Unavailability


def can_manage_station(user, station):
    """Confirm weeks, run the roster, approve swaps: the station's manager and the org department."""
    scope = scope_for(user)
    if scope.is_org:
        return ServiceStation.objects.for_user(user).filter(pk=station.pk).exists()
    return scope.is_station_manager and scope.station_id == station.pk


def managed_station_ids(user):
    """can_manage_station for every station at once: the ids of those `user` may manage."""
    scope = scope_for(user)
    stations = ServiceStation.objects.for_user(user)
    if scope.is_org:
        return set(stations.values_list("pk", flat=True))
    if scope.is_station_manager:
        return set(stations.filter(pk=scope.station_id).values_list("pk", flat=True))
    return set()


def can_edit_pool(user):
    """Putting people into or out of a duty pool: the org department only."""
    return scope_for(user).is_org


def can_change_leave(user, leave):
    """The secretary themself, and the org department, township staff and station managers for
    people they can see. Secretaries see only their own leave, so scope decides it all."""
    return Unavailability.objects.for_user(user).filter(pk=leave.pk).exists()


def is_own_shift(user, shift):
    """Check in, check out, write the note, offer a swap: only the secretary on the shift."""
    return shift.secretary.user_id is not None and shift.secretary.user_id == user.pk


def is_swap_invitee(user, swap):
    """Accept or decline: the secretary the swap is offered to."""
    return swap.to_secretary.user_id == user.pk


def is_swap_proposer(user, swap):
    """Withdraw: the secretary who offered their shift."""
    return swap.shift.secretary.user_id == user.pk
