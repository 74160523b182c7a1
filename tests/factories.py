"""Factories for the foundation's models. Each app keeps its own in tests/<app>/factories.py."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from secretaries.models import (
    AreaBranch,
    Batch,
    DispatchUnit,
    District,
    Expertise,
    Secretary,
    StaffProfile,
    Township,
    Village,
)
from secretaries.validators import id_check_char

TEST_PASSWORD = "Test-Passw0rd!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password(TEST_PASSWORD)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = "房山区"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("district", "name")

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")
    kind = "镇"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("township", "name")

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"测试{n}村")
    population = 800


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch
        django_get_or_create = ("name",)

    name = "第七批"
    number = 7
    term_start = date(2024, 6, 1)
    term_end = date(2026, 12, 31)


class AreaBranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaBranch
        django_get_or_create = ("district", "name")

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"第{n}片区临时党支部")


class DispatchUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试派出单位{n}")
    level = "district"
    kind = "organ"


class ExpertiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expertise
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"特长{n}")


def make_id_number(birth, serial):
    first17 = f"110111{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_char(first17)


class SecretaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Secretary

    name = factory.Sequence(lambda n: f"书记{n}")
    gender = "M"
    birth_date = date(1985, 3, 14)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = factory.LazyAttributeSequence(lambda o, n: make_id_number(o.birth_date, n))
    dispatch_unit = factory.SubFactory(DispatchUnitFactory)
    batch = factory.SubFactory(BatchFactory)
    village = factory.SubFactory(VillageFactory)
    term_start = date(2024, 6, 1)
    term_end = date(2026, 12, 31)
    status = Secretary.Status.ON_POST


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    role = "org"
