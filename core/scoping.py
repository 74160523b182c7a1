"""Row-level scope: who may see which rows. The one place that decides it.

Every scoped model's QuerySet inherits `ScopedQuerySet` and names the lookup paths from its rows
to a district, a township, a village and a secretary. `for_user(user)` turns the user's Scope into
one filter. Views, exports, admin lists, selectors and JSON endpoints all fetch through it, so a
foreign township's record is simply not found (404).
"""

from dataclasses import dataclass, replace
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.module_loading import import_string

ROLE_ORG = "org"
ROLE_TOWNSHIP = "township"
ROLE_SECRETARY = "secretary"
ROLE_STATION = "station_manager"
ROLE_CITY = "city"  # the city's organization department: reads its districts, writes nothing
# A group's member who is not a first secretary (a technician, a work-team captain): sees their own
# groups only, and logs activities and attendance for them (teams.access).
ROLE_MEMBER = "member"
# The administrators (三员分立), apart from the business roles: accounts and settings; roles and
# scopes; reading the audit trail. Each is bound to one district and uses no business page.
ROLE_SYSADMIN = "sysadmin"
ROLE_SECADMIN = "secadmin"
ROLE_AUDITADMIN = "auditadmin"
BUSINESS_ROLES = (ROLE_ORG, ROLE_TOWNSHIP, ROLE_SECRETARY, ROLE_STATION)
ADMIN_ROLES = (ROLE_SYSADMIN, ROLE_SECADMIN, ROLE_AUDITADMIN)

ROLE_CHOICES = [
    (ROLE_ORG, "区委组织部"),
    (ROLE_TOWNSHIP, "乡镇（街道）工作人员"),
    (ROLE_SECRETARY, "驻村第一书记"),
    (ROLE_STATION, "服务站负责人"),
    (ROLE_CITY, "市委组织部"),
    (ROLE_MEMBER, "队伍成员（非第一书记）"),
    (ROLE_SYSADMIN, "系统管理员"),
    (ROLE_SECADMIN, "安全管理员"),
    (ROLE_AUDITADMIN, "审计管理员"),
]
ROLE_LABELS = dict(ROLE_CHOICES)


@dataclass(frozen=True)
class Scope:
    role: str | None = None
    is_superuser: bool = False
    district_id: int | None = None
    township_ids: frozenset = frozenset()
    village_ids: frozenset = frozenset()
    secretary_id: int | None = None
    station_id: int | None = None
    city_id: int | None = None
    district_ids: frozenset = frozenset()  # the city role's districts (every other role: district_id)
    person_id: int | None = None  # the member role's GroupMember
    group_ids: frozenset = frozenset()  # the member role's current groups

    @property
    def is_org(self):
        return self.is_superuser or (self.role == ROLE_ORG and self.district_id is not None)

    @property
    def is_township(self):
        return self.role == ROLE_TOWNSHIP

    @property
    def is_secretary(self):
        return self.role == ROLE_SECRETARY and self.secretary_id is not None

    @property
    def is_station_manager(self):
        return self.role == ROLE_STATION and self.station_id is not None

    @property
    def is_city(self):
        return self.role == ROLE_CITY and self.city_id is not None

    @property
    def is_member(self):
        return self.role == ROLE_MEMBER and self.person_id is not None

    @property
    def has_access(self):
        """A business role in a district (the business pages): every other login, the
        administrators and the city role included, is treated as one without a role there (the
        city reads its districts through its own pages only, core.access)."""
        return self.is_superuser or (self.role in BUSINESS_ROLES and self.district_id is not None)

    @property
    def is_admin(self):
        """One of the three administrators (三员) of a district."""
        return self.role in ADMIN_ROLES and self.district_id is not None

    @property
    def is_sysadmin(self):
        return self.is_admin and self.role == ROLE_SYSADMIN

    @property
    def is_secadmin(self):
        return self.is_admin and self.role == ROLE_SECADMIN

    @property
    def is_auditadmin(self):
        return self.is_admin and self.role == ROLE_AUDITADMIN

    @property
    def manages_logins(self):
        """Creates, disables, enables, unlocks and resets the district's logins: the system
        administrator, and until one is appointed the department's login (and a superuser)."""
        return self.is_org or self.is_sysadmin

    def one_district(self, district_id):
        """The city role narrowed to one of its districts (the drill-down), still the city role:
        it reads as the city reads, personal data masked; None for a district not of its city."""
        if not self.is_city or district_id not in self.district_ids:
            return None
        return replace(self, district_id=district_id, district_ids=frozenset([district_id]))

    def q(self, *, district=None, township=None, village=None, secretary=None, group=None):
        """A Q object for this scope, given the lookup paths of a model (None = not reachable)."""
        if self.is_superuser:
            return Q()
        if self.role is None:
            return None
        if self.role == ROLE_MEMBER:
            if group is None or self.person_id is None:
                return None
            return Q(**{f"{group}__in": self.group_ids})
        if self.role == ROLE_CITY:
            if district is None:
                return None
            return Q(**{f"{district}__in": self.district_ids})
        if self.role == ROLE_ORG or self.role in ADMIN_ROLES:
            # The administrators reach the district's rows in the admin site, as far as their
            # model permissions go; no business page admits them.
            if self.district_id is None or district is None:
                return None
            return Q(**{district: self.district_id})
        if self.role in (ROLE_TOWNSHIP, ROLE_STATION):
            if township is None:
                return None
            return Q(**{f"{township}__in": self.township_ids})
        if self.role == ROLE_SECRETARY:
            if secretary is not None and self.secretary_id is not None:
                return Q(**{secretary: self.secretary_id})
            if village is not None:
                return Q(**{f"{village}__in": self.village_ids})
            if township is not None:
                return Q(**{f"{township}__in": self.township_ids})
        return None


NO_SCOPE = Scope()


def scope_for(user):
    """The user's Scope, computed once per request and cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_fsp_scope", None)
    if cached is not None:
        return cached
    scope = _resolver()(user)
    user._fsp_scope = scope
    return scope


@cache
def _resolver():
    # The people app knows how a login maps to a role and places (settings.SCOPE_RESOLVER); the
    # kernel only asks it, so it imports no app.
    return import_string(settings.SCOPE_RESOLVER)


class DistrictReader:
    """Reads as the district's organization department does, without a login: for the background
    jobs that count a whole district's figures (dashboard.summary). Never a request's user."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None

    def __init__(self, district_id):
        self._fsp_scope = Scope(role=ROLE_ORG, district_id=district_id)


class ScopeReader:
    """Reads with a given Scope, without a login: the city role's drill-down into one district
    (Scope.one_district). Never a request's user, never passed to a write."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None

    def __init__(self, scope):
        self._fsp_scope = scope


class ScopedQuerySet(models.QuerySet):
    """Base for every scoped model. Subclasses set the lookup paths (None = not reachable)."""

    district_path = None
    township_path = None
    village_path = None
    secretary_path = None
    group_path = None  # to a group (teams.PioneerTeam): what the member role reaches

    def for_user(self, user):
        condition = scope_for(user).q(
            district=self.district_path,
            township=self.township_path,
            village=self.village_path,
            secretary=self.secretary_path,
            group=self.group_path,
        )
        if condition is None:
            return self.none()
        return self.filter(condition)


class DistrictWideQuerySet(ScopedQuerySet):
    """Rows every role in a district may read (teams, activities, meetings, rounds, ...).

    Reading is district-wide; who may *change* a row is checked by the service or view."""

    def for_user(self, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.is_city:
            return self.filter(**{f"{self.district_path}__in": scope.district_ids})
        if scope.is_member:  # their own groups' rows, nothing else of the district
            return self.filter(**{f"{self.group_path}__in": scope.group_ids}) if self.group_path else self.none()
        if not (scope.has_access or scope.is_admin):  # a role in a district
            return self.none()
        return self.in_district(scope.district_id)

    def in_district(self, district_id):
        return self.filter(**{self.district_path: district_id})
