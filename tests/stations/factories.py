"""Small builders for station tests: stations with covered townships and pools of secretaries."""

import itertools

from secretaries.models import StaffProfile
from stations.models import ServiceStation
from tests.factories import SecretaryFactory, TownshipFactory, UserFactory, VillageFactory

_counter = itertools.count(1)


def make_township(district, name=None):
    return TownshipFactory(district=district, name=name or f"测试乡{next(_counter)}")


def make_station(township, *, covered=None, weekdays=(2,), per_day=1, name=None):
    station = ServiceStation.objects.create(
        name=name or f"{township.name}服务站{next(_counter)}",
        township=township,
        duty_weekdays=list(weekdays),
        secretaries_per_duty_day=per_day,
        address=f"{township.name}政府院内",
    )
    station.covered_townships.set(covered if covered is not None else [township])
    return station


def make_secretary(township, *, name=None, login=False, batch=None):
    n = next(_counter)
    village = VillageFactory(township=township, name=f"{township.name}{n}村")
    extra = {"batch": batch} if batch is not None else {}
    secretary = SecretaryFactory(name=name or f"书记{n}", village=village, **extra)
    if login:
        user = UserFactory(username=f"sec{n}", first_name=secretary.name)
        StaffProfile.objects.create(user=user, role="secretary")
        secretary.user = user
        secretary.save(update_fields=["user"])
    return secretary


def make_people(township, count, **kwargs):
    return [make_secretary(township, **kwargs) for _ in range(count)]
