"""The supervision list (督导清单): items past due, without progress for N days, or rated poorly.

`flag_items` is the daily job's body. It computes the flags that should be active today, creates
the missing ones (one row per item, reason and state: the unique constraint makes a second run,
or a concurrent one, harmless), clears those whose condition has gone, and tells the assignee and
the township once per new state (notices dedupe on the same key)."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.dates import task_day
from demands import lifecycle
from demands.models import DemandItem, SupervisionFlag
from notices.models import Notice
from notices.services import notify, notify_each
from secretaries.models import District, StaffProfile

Reason = SupervisionFlag.Reason


def wanted_flags(today):
    """{(item id, reason, state key)} that should be on the list on `today`."""
    stale_days = settings.SUPERVISION_STALE_DAYS
    wanted = set()
    rows = DemandItem.objects.filter(status__in=lifecycle.SUPERVISED).values_list(
        "id", "due_date", "last_progress_at", "dispatched_at"
    )
    for item_id, due_date, last_progress_at, dispatched_at in rows.iterator(chunk_size=5000):
        if due_date and due_date < today:
            wanted.add((item_id, Reason.OVERDUE.value, f"due:{due_date.isoformat()}"))
        # The stale clock restarts at the later of the last progress note and the last
        # (re-)dispatch: a new assignee gets the full N days.
        last_activity = max((m for m in (last_progress_at, dispatched_at) if m is not None), default=None)
        if last_activity is not None:
            activity_day = timezone.localtime(last_activity).date()
            if (today - activity_day).days >= stale_days:
                wanted.add((item_id, Reason.STALE.value, f"since:{activity_day.isoformat()}"))
    poor = DemandItem.objects.filter(
        status=DemandItem.Status.RATED, rating__lte=settings.SUPERVISION_POOR_RATING
    ).values_list("id", "cycle")
    for item_id, cycle in poor:
        wanted.add((item_id, Reason.POOR_RATING.value, f"cycle:{cycle}"))
    return wanted


def flag_items(today=None):
    """Bring the supervision list up to date. Returns counts: created, cleared, notified."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _one_run_at_a_time()
        # Read after the lock: a run that waited sees what the other one committed.
        wanted = wanted_flags(today)
        existing = {
            (item_id, reason, key): cleared_at
            for item_id, reason, key, cleared_at in SupervisionFlag.objects.values_list(
                "item_id", "reason", "state_key", "cleared_at"
            )
        }
        new = [key for key in wanted if key not in existing]
        SupervisionFlag.objects.bulk_create(
            [SupervisionFlag(item_id=i, reason=r, state_key=k) for i, r, k in new], ignore_conflicts=True
        )
        active_now = {key for key, cleared_at in existing.items() if cleared_at is None}
        gone = active_now - wanted
        cleared = 0
        for item_id, reason, key in gone:
            cleared += SupervisionFlag.objects.filter(
                item_id=item_id, reason=reason, state_key=key, cleared_at__isnull=True
            ).update(cleared_at=timezone.now())
        # A state that came back exactly as it was (rare) is shown again, without a new notice.
        back = [key for key in wanted if key in existing and existing[key] is not None]
        for item_id, reason, key in back:
            SupervisionFlag.objects.filter(item_id=item_id, reason=reason, state_key=key).update(cleared_at=None)
        notified = _notify_new(new)
    return {"created": len(new), "cleared": cleared, "notified": notified}


RUN_LOCK = 4_040_001  # a fixed key for the PostgreSQL advisory lock of this job


def _one_run_at_a_time():
    """Two runs at the same moment (a retried task next to the beat's, two beat processes) take
    turns: the second then finds the first's flags and creates and notifies nothing. The unique
    constraint alone would keep one flag per state but both runs would report them as new.
    SQLite serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK])


def _notify_new(new):
    """Tell each new flag's assignee and the item's township staff, once per state (the dedupe key).
    The people of all flags are read together and the notices written together: a run that flags
    thousands of items costs a fixed number of queries, not a few per item."""
    if not new:
        return 0
    items = DemandItem.objects.select_related("village__township", "assignee_secretary").in_bulk(
        {item_id for item_id, _, _ in new}
    )
    people = _recipients(items.values())
    notices = []
    for item_id, reason, key in new:
        item = items[item_id]
        title = f"列入督导清单（{Reason(reason).label}）：{item.title}"
        body = {
            Reason.OVERDUE.value: f"办理期限 {item.due_date:%Y-%m-%d} 已过，请尽快办结。" if item.due_date else "",
            Reason.STALE.value: f"已超过 {settings.SUPERVISION_STALE_DAYS} 天没有填报进展。",
            Reason.POOR_RATING.value: f"群众评价 {item.rating} 分，请研究整改。",
        }[reason]
        url = reverse("demands:item_detail", args=[item.pk])
        dedupe_key = f"supervision:{item.pk}:{reason}:{key}"
        notices += [
            Notice(recipient=user, title=title, body=body, url=url, kind="supervision", dedupe_key=dedupe_key)
            for user in people[item_id]
        ]
    return len(notify_each(notices))


def _recipients(items):
    """{item id: [users]}: who works each item (lifecycle.worker_user_ids, what the loop's notices
    reach), then the staff of the item's township; for all `items` in at most seven queries."""
    user_ids = lifecycle.worker_user_ids(items)
    township_staff = defaultdict(list)
    for township_id, user_id in StaffProfile.objects.filter(
        role="township", township_id__in={item.village.township_id for item in items}
    ).values_list("township_id", "user_id"):
        township_staff[township_id].append(user_id)
    users = get_user_model().objects.in_bulk(set().union(*user_ids.values(), *township_staff.values()))
    return {
        item.pk: [users[pk] for pk in user_ids[item.pk] + township_staff[item.village.township_id]] for item in items
    }


def send_digest(today=None):
    """The weekly digest to each district's org department (once per ISO week)."""
    today = today or timezone.localdate()
    year, week, _ = today.isocalendar()
    sent = 0
    for district in District.objects.all():
        flags = SupervisionFlag.objects.active().filter(item__village__township__district=district)
        by_reason = dict(flags.order_by().values_list("reason").annotate(n=Count("id")))
        by_township = list(
            flags.order_by()
            .values_list("item__village__township__name")
            .annotate(n=Count("id"))
            .order_by("-n", "item__village__township__name")[:10]
        )
        total = sum(by_reason.values())
        lines = [f"截至 {today:%Y-%m-%d}，督导清单共 {total} 项："]
        lines += [f"· {Reason(reason).label} {n} 项" for reason, n in sorted(by_reason.items())]
        if by_township:
            lines.append("按乡镇：" + "，".join(f"{name} {n} 项" for name, n in by_township))
        users = [p.user for p in StaffProfile.objects.filter(role="org", district=district).select_related("user")]
        created = notify(
            users,
            f"督导清单周报（{year}年第{week}周）：{total} 项",
            body="\n".join(lines),
            url=reverse("demands:supervision_list"),
            kind="supervision",
            dedupe_key=f"supervision-digest:{district.pk}:{year}-W{week:02d}",
        )
        sent += len(created)
    return sent


def parse_day(value):
    """The `day` argument of the supervision tasks (demands/tasks_loop.py): see core.dates."""
    return task_day(value, "day")


def days_overdue(item, today=None):
    today = today or timezone.localdate()
    if item.due_date is None or item.due_date >= today:
        return 0
    return (today - item.due_date).days
