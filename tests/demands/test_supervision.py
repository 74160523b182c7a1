"""The supervision list: the daily job flags overdue, stale and poorly rated items once per state
change, notifies the assignee and the township once, and clears what no longer applies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demands.models import DemandItem, SupervisionFlag
from demands.services import loop
from demands.tasks import flag_supervision, send_supervision_digest
from notices.models import Notice
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory

TODAY = timezone.localdate()


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def dispatched(village_a, org_user, secretary_b, township_a_user, township_b_user, secretary):
    item = DemandItemFactory(village=village_a, category=DemandCategoryFactory(name="基础设施建设"), title="修桥")
    loop.accept(item, org_user)
    return loop.dispatch(item, org_user, kind="secretary", assignee_id=secretary_b.pk, due_date=TODAY + timedelta(15))


def flags(item, active=True):
    qs = SupervisionFlag.objects.filter(item=item)
    if active:
        qs = qs.filter(cleared_at__isnull=True)
    return sorted(qs.values_list("reason", flat=True))


def supervision_notices(user):
    return Notice.objects.filter(recipient=user, kind="supervision").count()


def test_nothing_is_flagged_before_the_due_date(dispatched):
    assert flag_supervision.delay(day(3)).get()["created"] == 0
    assert flags(dispatched) == []


def test_overdue_and_stale_items_are_flagged_once_and_notified_once(
    dispatched, secretary_b_user, township_a_user, township_b_user, secretary_user
):
    first = flag_supervision.delay(day(16)).get()
    assert flags(dispatched) == ["overdue", "stale"]
    assert first["created"] == 2
    assert supervision_notices(secretary_b_user) == 2
    assert supervision_notices(township_a_user) == 2
    assert supervision_notices(township_b_user) == 0 and supervision_notices(secretary_user) == 0
    again = flag_supervision.delay(day(16)).get()
    flag_supervision.delay(day(17)).get()
    assert again == {"created": 0, "cleared": 0, "notified": 0}
    assert SupervisionFlag.objects.filter(item=dispatched).count() == 2
    assert supervision_notices(secretary_b_user) == 2


def test_a_progress_note_clears_the_stale_flag(dispatched, secretary_b_user):
    flag_supervision(day(16))
    DemandItem.objects.filter(pk=dispatched.pk).update(last_progress_at=timezone.now() + timedelta(days=10))
    result = flag_supervision(day(16))
    assert result["cleared"] == 1
    assert flags(dispatched) == ["overdue"]


def test_a_new_due_date_that_passes_again_is_a_new_state_and_notifies_again(dispatched, org_user, secretary_b_user):
    flag_supervision(day(16))
    loop.dispatch(
        dispatched,
        org_user,
        kind="secretary",
        assignee_id=dispatched.assignee_secretary_id,
        due_date=TODAY + timedelta(20),
    )
    flag_supervision(day(18))
    assert flags(dispatched) == ["stale"]  # the old overdue state is cleared
    before = supervision_notices(secretary_b_user)
    flag_supervision(day(21))
    assert flags(dispatched) == ["overdue", "stale"]
    assert supervision_notices(secretary_b_user) == before + 1


def test_resolving_clears_the_flags(dispatched, secretary_b_user):
    flag_supervision(day(16))
    loop.resolve(dispatched, secretary_b_user, resolution="桥已修好")
    flag_supervision(day(16))
    assert flags(dispatched) == []
    assert SupervisionFlag.objects.filter(item=dispatched, cleared_at__isnull=False).count() == 2


def test_a_poor_rating_is_flagged_until_reopened(dispatched, secretary_b_user, secretary_user, org_user, settings):
    settings.SUPERVISION_POOR_RATING = 2
    loop.resolve(dispatched, secretary_b_user, resolution="桥已修好")
    loop.rate(dispatched, secretary_user, rating=2, comment="桥面仍有裂缝")
    flag_supervision(day(0))
    assert flags(dispatched) == ["poor_rating"]
    loop.reopen(dispatched, org_user, "返工")
    flag_supervision(day(0))
    assert flags(dispatched) == []


def test_the_stale_threshold_is_a_setting(dispatched, settings):
    settings.SUPERVISION_STALE_DAYS = 3
    flag_supervision(day(3))
    assert flags(dispatched) == ["stale"]


def test_the_weekly_digest_reaches_the_org_department_once_a_week(dispatched, org_user, township_a_user):
    flag_supervision(day(16))
    assert send_supervision_digest.delay(day(16)).get() == 1
    assert send_supervision_digest.delay(day(16)).get() == 0
    notice = Notice.objects.get(recipient=org_user, title__startswith="督导清单周报")
    assert "共 2 项" in notice.title or "2 项" in notice.title
    assert "十渡镇 2 项" in notice.body
    assert not Notice.objects.filter(recipient=township_a_user, title__startswith="督导清单周报").exists()


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", 42])
def test_a_bad_day_argument_is_a_clear_error(bad, db):
    with pytest.raises(ValueError, match="日期参数无效"):
        flag_supervision(bad)


def test_the_demo_seed_fills_the_list_once_without_notices_and_says_so(dispatched, secretary_b_user):
    import io
    from datetime import datetime

    from demands import demo_loop
    from demands.demo import TODAY as DEMO_TODAY

    # The demo is dated by its own day, whatever the clock says.
    DemandItem.objects.filter(pk=dispatched.pk).update(
        due_date=DEMO_TODAY - timedelta(days=3),
        dispatched_at=timezone.make_aware(datetime.combine(DEMO_TODAY - timedelta(days=1), datetime.min.time())),
    )
    first, second = io.StringIO(), io.StringIO()
    demo_loop.seed(first)
    demo_loop.seed(second)
    assert flags(dispatched) == ["overdue"]
    assert supervision_notices(secretary_b_user) == 0
    assert "新写入 1 条" in first.getvalue()
    assert "未写入新数据" in second.getvalue() and "写入 1" not in second.getvalue()


def test_a_re_dispatch_restarts_the_stale_clock_and_clears_the_flags_at_once(
    dispatched, org_user, secretary, secretary_b_user
):
    # Dispatched a month ago, last progress note three weeks ago: stale and overdue today.
    DemandItem.objects.filter(pk=dispatched.pk).update(
        status=DemandItem.Status.IN_PROGRESS,
        dispatched_at=timezone.now() - timedelta(days=30),
        last_progress_at=timezone.now() - timedelta(days=21),
        due_date=TODAY - timedelta(days=1),
    )
    flag_supervision(day(0))
    assert flags(dispatched) == ["overdue", "stale"]
    # The same day, the department hands it to someone else (改派 is allowed while in progress).
    loop.dispatch(dispatched, org_user, kind="secretary", assignee_id=secretary.pk)
    assert flags(dispatched) == []  # off the list at once, not at tomorrow's run
    assert flag_supervision(day(0)) == {"created": 0, "cleared": 0, "notified": 0}
    assert flags(dispatched) == []
    # The new assignee gets the full period: stale again only 14 days after the re-dispatch.
    flag_supervision(day(13))
    assert "stale" not in flags(dispatched)
    flag_supervision(day(14))
    assert "stale" in flags(dispatched)


def test_a_progress_note_takes_the_item_off_the_stale_list_at_once(dispatched, secretary_b_user):
    flag_supervision(day(16))
    loop.add_progress(dispatched, secretary_b_user, "材料已到村")
    assert flags(dispatched) == ["overdue"]
