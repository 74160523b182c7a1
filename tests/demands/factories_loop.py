"""Factories for the closed-loop tests (the lists' own factories live in factories.py)."""

import factory
from django.utils import timezone

from demands.models import DemandEvent, DemandItem, ResourceItem
from tests.demands.factories import DemandCategoryFactory, ResourceCategoryFactory
from tests.factories import VillageFactory


class DemandItemFactory(factory.django.DjangoModelFactory):
    """A submitted item, ready for the loop."""

    class Meta:
        model = DemandItem

    village = factory.SubFactory(VillageFactory)
    category = factory.SubFactory(DemandCategoryFactory)
    title = factory.Sequence(lambda n: f"需求{n}")
    detail = "村里需要帮助"
    urgency = DemandItem.Urgency.NORMAL
    status = DemandItem.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class ResourceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceItem

    category = factory.SubFactory(ResourceCategoryFactory)
    title = factory.Sequence(lambda n: f"资源{n}")
    source = ResourceItem.Source.PERSONAL


def event_actions(item):
    return list(DemandEvent.objects.filter(item=item).order_by("pk").values_list("action", flat=True))
