"""Factories for the demands app: one per model."""

from datetime import date

import factory
from django.utils import timezone

from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandEvent,
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
        django_get_or_create = ("name", "district")

    name = factory.Sequence(lambda n: f"需求类别{n}")
    district = None  # shared by every district; pass one for a district's own category


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
    """A submitted item of no round, ready for the loop. A list's draft: pass round, submission
    and status=DemandItem.Status.DRAFT (it then has no submitted_at)."""

    class Meta:
        model = DemandItem

    village = factory.SubFactory(VillageFactory)
    category = factory.SubFactory(DemandCategoryFactory)
    title = factory.Sequence(lambda n: f"需求{n}")
    detail = "村里需要帮助"
    urgency = DemandItem.Urgency.NORMAL
    status = DemandItem.Status.SUBMITTED
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == DemandItem.Status.DRAFT else timezone.now())


class ResourceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceItem

    category = factory.SubFactory(ResourceCategoryFactory)
    title = factory.Sequence(lambda n: f"资源{n}")
    source = ResourceItem.Source.PERSONAL


class ProjectItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"项目{n}")

    @factory.post_generation
    def villages(self, create, extracted, **kwargs):
        if create and extracted:
            self.villages.set(extracted)


def event_actions(item):
    return list(DemandEvent.objects.filter(item=item).order_by("pk").values_list("action", flat=True))


def submission_of(collection_round, village):
    """The village's list (Submission) of the round."""
    return Submission.objects.get(round=collection_round, village=village)
