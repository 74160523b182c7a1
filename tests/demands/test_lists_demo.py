"""The lists' demo data looks like a working department on its demo day (2026-11-24)."""

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from demands import demo
from demands.models import DemandEvent, DemandItem, ProjectItem, ResourceItem, Submission
from demands.selectors_lists import completeness_by_township
from demands.services.supervision import wanted_flags
from secretaries import demo as secretaries_demo


@pytest.mark.django_db
def test_demo_looks_like_a_working_department_on_its_demo_day(org_user):
    """One seed (about 15 s), three looks: nothing in the future, a short supervision list, and
    the completeness of the last closed round."""
    secretaries_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    _nothing_is_dated_after_the_demo_day_except_planned_dates()
    _most_dispatched_work_is_within_its_due_date_and_the_supervision_list_is_short()
    _most_villages_submit_on_time_some_late_a_few_missing(org_user)


def _nothing_is_dated_after_the_demo_day_except_planned_dates():
    start_of_today = timezone.make_aware(datetime.combine(demo.TODAY, datetime.min.time()))
    for model, field in [
        (DemandItem, "created_at"),
        (DemandItem, "submitted_at"),
        (DemandItem, "dispatched_at"),
        (DemandItem, "last_progress_at"),
        (DemandItem, "resolved_at"),
        (DemandItem, "rated_at"),
        (DemandEvent, "at"),
        (Submission, "submitted_at"),
        (Submission, "accepted_at"),
        (ResourceItem, "confirmed_at"),
    ]:
        assert not model.objects.filter(**{f"{field}__gte": start_of_today}).exists(), (model.__name__, field)
    assert not DemandItem.objects.filter(resolved_on__gte=demo.TODAY).exists()
    assert not ProjectItem.objects.filter(start_date__gte=demo.TODAY).exists()
    assert not ProjectItem.objects.filter(end_date__gte=demo.TODAY).exists()


def _most_dispatched_work_is_within_its_due_date_and_the_supervision_list_is_short():
    open_items = DemandItem.objects.filter(status__in=["dispatched", "in_progress"])
    overdue = open_items.filter(due_date__lt=demo.TODAY).count()
    assert 0 < overdue < 0.2 * open_items.count()
    flagged_items = {item_id for item_id, _reason, _key in wanted_flags(demo.TODAY)}
    assert 20 <= len(flagged_items) < 150
    assert len(flagged_items) < 0.05 * DemandItem.objects.exclude(status="draft").count()
    stale_cutoff = timezone.make_aware(datetime.combine(demo.TODAY - timedelta(days=14), datetime.min.time()))
    assert open_items.filter(last_progress_at__lt=stale_cutoff).count() < 0.1 * open_items.count()


def _most_villages_submit_on_time_some_late_a_few_missing(org_user):
    from demands.models import CollectionRound

    closed = CollectionRound.objects.filter(status="closed").order_by("-period_start").first()
    _rows, total = completeness_by_township(closed, org_user)
    assert total.on_time_rate > 70 and total.late > 0 and total.missing > 0
    assert total.missing < 0.15 * total.expected
