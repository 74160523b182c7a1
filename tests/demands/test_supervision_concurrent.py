"""Two supervision runs at the same moment on PostgreSQL (a retried task next to the beat's, or
two beat processes): one flag and one notice per state, and only one run reports them as new."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from demands.models import SupervisionFlag
from demands.services import loop
from demands.tasks import flag_supervision
from notices.models import Notice
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory

ITEMS = 20


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_flagging_runs_at_once_make_one_flag_and_one_notice_per_state(
    village_a, org_user, secretary_b, secretary_b_user, township_a_user
):
    assert connection.vendor == "postgresql"
    today = timezone.localdate()
    category = DemandCategoryFactory(name="基础设施建设")
    for n in range(ITEMS):
        item = DemandItemFactory(village=village_a, category=category, title=f"修桥{n}")
        loop.accept(item, org_user)
        loop.dispatch(item, org_user, kind="secretary", assignee_id=secretary_b.pk, due_date=today)
    day = (today + timedelta(days=16)).isoformat()  # overdue and stale: two states per item
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            results.append(flag_supervision(day))  # the task body, in this thread
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert SupervisionFlag.objects.count() == 2 * ITEMS
    assert sorted(r["created"] for r in results) == [0, 2 * ITEMS]
    for user in (secretary_b_user, township_a_user):
        assert Notice.objects.filter(recipient=user, kind="supervision").count() == 2 * ITEMS
    assert sum(r["notified"] for r in results) == 2 * 2 * ITEMS
