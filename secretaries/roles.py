"""How a login maps to a role and the places it may see: core.scoping asks this through
settings.SCOPE_RESOLVER, so the kernel needs no import of the people app."""

from core.scoping import (
    ADMIN_ROLES,
    NO_SCOPE,
    ROLE_CITY,
    ROLE_ORG,
    ROLE_SECRETARY,
    ROLE_STATION,
    ROLE_TOWNSHIP,
    Scope,
)
from secretaries.models import District, Secretary, StaffProfile


def user_scope(user):
    """The Scope of a login, from its StaffProfile (settings.SCOPE_RESOLVER names this function)."""
    if user.is_superuser:
        return Scope(role=ROLE_ORG, is_superuser=True)
    profile = StaffProfile.objects.filter(user=user).select_related("township", "station").first()
    if profile is None:
        return NO_SCOPE
    if profile.role == ROLE_ORG or profile.role in ADMIN_ROLES:
        return Scope(role=profile.role, district_id=profile.district_id)
    if profile.role == ROLE_TOWNSHIP and profile.township_id:
        return Scope(
            role=ROLE_TOWNSHIP,
            district_id=profile.township.district_id,
            township_ids=frozenset([profile.township_id]),
        )
    if profile.role == ROLE_STATION and profile.station_id:
        station = profile.station
        townships = set(station.covered_townships.values_list("pk", flat=True))
        townships.add(station.township_id)
        return Scope(
            role=ROLE_STATION,
            district_id=station.township.district_id,
            township_ids=frozenset(townships),
            station_id=station.pk,
        )
    if profile.role == ROLE_CITY and profile.city_id:
        districts = District.objects.filter(city_id=profile.city_id).values_list("pk", flat=True)
        return Scope(role=ROLE_CITY, city_id=profile.city_id, district_ids=frozenset(districts))
    if profile.role == ROLE_SECRETARY:
        secretary = Secretary.objects.filter(user=user).select_related("village__township").first()
        if secretary is None:
            return NO_SCOPE
        return secretary_scope(secretary)
    return NO_SCOPE


def secretary_scope(secretary):
    """What a secretary sees: their own record, village and township."""
    return Scope(
        role=ROLE_SECRETARY,
        district_id=secretary.village.township.district_id,
        township_ids=frozenset([secretary.village.township_id]),
        village_ids=frozenset([secretary.village_id]),
        secretary_id=secretary.pk,
    )
