"""Factories for the demands app (the lists half; the loop half may append its own below)."""

from datetime import date

import factory

from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandItem,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    Submission,
)
from tests.factories import DistrictFactory, VillageFactory


class CollectionRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectionRound
        django_get_or_create = ("district", "period_start")

    district = factory.SubFactory(DistrictFactory)
    title = "2026年11月—12月需求清单征集"
    period_start = date(2026, 11, 1)
    period_end = date(2026, 12, 31)
    deadline = date(2026, 11, 15)
    status = CollectionRound.Status.OPEN


class DemandCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"需求类别{n}")


class ResourceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"资源类别{n}")


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission
        django_get_or_create = ("round", "village")

    round = factory.SubFactory(CollectionRoundFactory)
    village = factory.SubFactory(VillageFactory)


class DemandItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandItem

    round = factory.SubFactory(CollectionRoundFactory)
    village = factory.SubFactory(VillageFactory)
    category = factory.SubFactory(DemandCategoryFactory)
    title = factory.Sequence(lambda n: f"需求{n}")
    status = DemandItem.Status.DRAFT


class ResourceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceItem

    category = factory.SubFactory(ResourceCategoryFactory)
    title = factory.Sequence(lambda n: f"资源{n}")


class ProjectItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"项目{n}")

    @factory.post_generation
    def villages(self, create, extracted, **kwargs):
        if create and extracted:
            self.villages.set(extracted)
