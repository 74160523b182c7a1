"""Who sees people's personal data in full: the one visibility rule for pages, exports and JSON.

For a viewer (a login's Scope) and a person (a secretary, the contact of a demand item, of a
dispatch unit or of a station), it decides:

- the phone, in full or masked (138****5678):
    - the org department: everyone of its district (its rows come through for_user, so they are
      its district's);
    - township staff: the secretaries and contacts of their own township's villages;
    - a station manager: the secretaries on their station's roster (anyone with a shift there)
      and the contacts of the items the station works (received or dispatched to it);
    - a secretary: their own number, and the contacts on their own village's lists (they typed them);
    - everyone else: masked;
- the ID number: in full to the org department only (110***********1234 to others);
- the birth date: in full to the org department only; to everyone else an age (年龄 46 岁), since
  the birth date with the district code and a masked ID rebuilds the whole ID number.

Templates use it through secretaries/templatetags/personal.py, exports and selectors through
`visibility_for(user)`. The dashboard keys its cached pages by `Visibility.cache_key`, which names
everything an answer of this rule depends on.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import format_html

from core.masking import mask_id_number, mask_phone
from core.scoping import Scope, scope_for
from secretaries.models import Secretary, age_on


@dataclass(frozen=True)
class Person:
    """Whose personal data is on show, as far as the rule needs to know them."""

    township_id: int | None = None  # the township of the person's village (or station)
    village_id: int | None = None
    secretary_id: int | None = None  # set when the person is a secretary
    station_ids: frozenset = frozenset()  # stations whose work the person is a contact of

    @classmethod
    def secretary(cls, secretary):
        return cls(
            township_id=secretary.village.township_id, village_id=secretary.village_id, secretary_id=secretary.pk
        )

    @classmethod
    def item_contact(cls, item):
        """The contact of a demand item: the village's person, and the station's when it works the item."""
        stations = frozenset(pk for pk in (item.station_id, item.assignee_station_id) if pk is not None)
        return cls(township_id=item.village.township_id, village_id=item.village_id, station_ids=stations)

    @classmethod
    def station_contact(cls, station):
        return cls(township_id=station.township_id, station_ids=frozenset([station.pk]))

    @classmethod
    def unit_contact(cls, unit=None):
        """A dispatch unit's contact belongs to no township: the org department's alone."""
        return cls()


@dataclass(frozen=True)
class ShownPhone:
    """A phone as one viewer sees it: `text` is what to print, `full` whether it can be dialled."""

    text: str
    full: bool

    def __str__(self):
        return self.text

    def __html__(self):
        if self.full and self.text:
            return format_html('<a href="tel:{}">{}</a>', self.text, self.text)
        return format_html("{}", self.text)


class Visibility:
    """The rule for one viewer. Built once per request (`visibility_for`): a station manager's
    roster is read at most once."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self._roster = None

    @property
    def is_org(self):
        return self.scope.is_org

    @property
    def cache_key(self):
        """Two viewers with the same key get the same answer for every person."""
        scope = self.scope
        if scope.is_org:
            return f"org:{'su' if scope.is_superuser else scope.district_id}"
        if scope.is_township:
            return "township:" + ",".join(str(pk) for pk in sorted(scope.township_ids))
        if scope.is_station_manager:
            return f"station:{scope.station_id}"
        if scope.is_secretary:
            return f"secretary:{scope.secretary_id}"
        return "none"

    def roster(self):
        """The secretaries with a shift at the manager's station (any date, any state)."""
        if self._roster is None:
            self._roster = frozenset(
                Secretary.objects.filter(duty_shifts__station_id=self.scope.station_id)
                .values_list("pk", flat=True)
                .distinct()
            )
        return self._roster

    def sees_phone_of(self, person: Person) -> bool:
        scope = self.scope
        if scope.is_org:
            return True
        if scope.is_township:
            return person.township_id is not None and person.township_id in scope.township_ids
        if scope.is_station_manager:
            if scope.station_id in person.station_ids:
                return True
            return person.secretary_id is not None and person.secretary_id in self.roster()
        if scope.is_secretary:
            if person.secretary_id is not None:
                return person.secretary_id == scope.secretary_id
            return person.village_id is not None and person.village_id in scope.village_ids
        return False

    def phone(self, number, person: Person) -> ShownPhone:
        number = number or ""
        if self.sees_phone_of(person):
            return ShownPhone(number, full=True)
        return ShownPhone(mask_phone(number) if number else "", full=False)

    def secretary_phone(self, secretary) -> ShownPhone:
        return self.phone(secretary.phone, Person.secretary(secretary))

    def contact_phone(self, item) -> ShownPhone:
        return self.phone(item.contact_phone, Person.item_contact(item))

    def id_number(self, number) -> str:
        return (number or "") if self.scope.is_org else mask_id_number(number)

    @property
    def sees_birth_date(self):
        return self.scope.is_org

    def birth(self, birth_date, today=None) -> str:
        """The birth date with the age (org department), or the age alone (everyone else)."""
        if birth_date is None:
            return ""
        age = age_on(birth_date, today or timezone.localdate())
        if self.sees_birth_date:
            return f"{birth_date:%Y-%m-%d}（{age} 岁）"
        return f"年龄 {age} 岁"


def visibility_for(user) -> Visibility:
    """The rule for this login, kept on the user object for the rest of the request."""
    if user is None:
        return Visibility(Scope())
    cached = getattr(user, "_fsp_visibility", None)
    if cached is None:
        cached = Visibility(scope_for(user))
        user._fsp_visibility = cached
    return cached
