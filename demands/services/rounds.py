"""Collection rounds (征集轮次): create, open (by hand or by beat), close, and remind the villages
that have not submitted yet.

Idempotence rests on unique constraints, never on a check before an insert:
- one round per district and period (`round_one_per_period`), so two beats opening the same
  period end with one round;
- one Submission per round and village (`submission_one_per_village`);
- one ReminderLog per round, village and kind (`reminder_once`), and the notices carry a
  dedupe_key, so a second run of the reminder job the same day sends nothing."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.scoping import ROLE_TOWNSHIP
from core.signals import audit, records_written
from demands.lifecycle import SUBMISSION_DONE
from demands.models import (
    DEFAULT_NOTICE_BODY,
    DEFAULT_NOTICE_TITLE,
    CollectionRound,
    ReminderLog,
    RoundNoticeTemplate,
    Submission,
)
from notices.services import notify
from secretaries.models import District, Secretary, Village

CHUNK = 2000


class RoundError(Exception):
    """A round cannot go where it was asked to; the message says why, in Chinese."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    deadline: date
    number: int  # 1-based position of the round in its year

    @property
    def label(self):
        if self.start.year == self.end.year:
            return f"{self.start.year}年{self.start.month}月—{self.end.month}月"
        return f"{self.start.year}年{self.start.month}月—{self.end.year}年{self.end.month}月"


def period_for(day, *, open_months=None, deadline_day=None):
    """The collection period that contains `day`: it starts on the 1st of the latest opening
    month on or before `day` and ends the day before the next one opens."""
    months = sorted(set(settings.ROUND_OPEN_MONTHS if open_months is None else open_months))
    deadline_day = settings.ROUND_DEADLINE_DAY if deadline_day is None else deadline_day
    if not months or any(m < 1 or m > 12 for m in months):
        raise RoundError("征集月份设置无效（ROUND_OPEN_MONTHS 应为 1—12 的月份）")
    if not 1 <= deadline_day <= 28:
        raise RoundError("截止日设置无效（ROUND_DEADLINE_DAY 应为 1—28）")
    earlier = [m for m in months if m <= day.month]
    start = date(day.year, earlier[-1], 1) if earlier else date(day.year - 1, months[-1], 1)
    later = [m for m in months if m > start.month]
    next_start = date(start.year, later[0], 1) if later else date(start.year + 1, months[0], 1)
    return Period(
        start=start,
        end=next_start - timedelta(days=1),
        deadline=start.replace(day=deadline_day),
        number=months.index(start.month) + 1,
    )


def notice_template_for(district):
    template, _ = RoundNoticeTemplate.objects.get_or_create(district=district)
    return template


def render_notice(text, *, period_start, period_end, deadline, issued=None):
    """Fill the placeholders of a notice template. Plain replacement, so braces a user typed
    elsewhere in the text cannot break it."""
    period = Period(period_start, period_end, deadline, 0)
    issued = issued or timezone.localdate()
    values = {
        "{周期}": period.label,
        "{周期开始}": f"{period_start.year}年{period_start.month}月{period_start.day}日",
        "{周期结束}": f"{period_end.year}年{period_end.month}月{period_end.day}日",
        "{截止日期}": f"{deadline.year}年{deadline.month}月{deadline.day}日",
        "{发布日期}": f"{issued.year}年{issued.month}月{issued.day}日",
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def default_round_fields(district, day):
    """Title, dates and notice text for the period containing `day`, from the district's template."""
    period = period_for(day)
    template = notice_template_for(district)
    dates = {"period_start": period.start, "period_end": period.end, "deadline": period.deadline}
    return {
        **dates,
        "title": render_notice(template.title_template or DEFAULT_NOTICE_TITLE, **dates, issued=period.start)[:200],
        "notice_text": render_notice(template.body_template or DEFAULT_NOTICE_BODY, **dates, issued=period.start),
    }


def round_create(district, *, period_start, period_end, deadline, title, notice_text="", created_by=None):
    """Create the district's round for a period, or return the one that exists: (round, created).
    The unique constraint decides; a concurrent insert loses with IntegrityError and reads the winner."""
    if period_end <= period_start:
        raise RoundError("周期结束日期必须晚于开始日期")
    fields = {
        "period_end": period_end,
        "deadline": deadline,
        "title": title,
        "notice_text": notice_text,
        "created_by": created_by,
    }
    try:
        with transaction.atomic():
            return CollectionRound.objects.get_or_create(district=district, period_start=period_start, defaults=fields)
    except IntegrityError:
        return CollectionRound.objects.get(district=district, period_start=period_start), False


def round_open(collection_round, *, by=None):
    """Publish a draft round: every village gets a Submission and everyone concerned a notice.
    Returns True when this call opened it; calling it again on an open round only adds the
    submissions of villages created since (the notices carry a dedupe_key besides)."""
    now = timezone.now()
    with transaction.atomic():
        opened = CollectionRound.objects.filter(pk=collection_round.pk, status=CollectionRound.Status.DRAFT).update(
            status=CollectionRound.Status.OPEN, opened_at=now
        )
        collection_round.refresh_from_db()
        if collection_round.status != CollectionRound.Status.OPEN:
            raise RoundError("该轮次已截止，不能再发布")
        if ensure_submissions(collection_round) or opened:
            records_written.send(sender=CollectionRound)
        if opened:
            # Same transaction as the status change: an open round has had its notices.
            _notify_opened(collection_round)
            audit("round.open", user=by, obj=collection_round, detail=f"发布征集轮次（{_by_whom(by)}）")
    return bool(opened)


def round_close(collection_round, *, by=None):
    closed = CollectionRound.objects.filter(pk=collection_round.pk, status=CollectionRound.Status.OPEN).update(
        status=CollectionRound.Status.CLOSED, closed_at=timezone.now()
    )
    records_written.send(sender=CollectionRound)
    collection_round.refresh_from_db()
    if not closed and collection_round.status != CollectionRound.Status.CLOSED:
        raise RoundError("只有征集中的轮次可以截止")
    if closed:
        audit("round.close", user=by, obj=collection_round, detail=f"截止征集轮次（{_by_whom(by)}）")
    return bool(closed)


def _by_whom(user):
    return "手动" if user is not None else "定时任务"


def ensure_submissions(collection_round):
    """One Submission per village of the district (created once; the constraint ignores repeats)."""
    village_ids = Village.objects.filter(township__district_id=collection_round.district_id).values_list(
        "pk", flat=True
    )
    existing = set(Submission.objects.filter(round=collection_round).values_list("village_id", flat=True))
    new = [Submission(round=collection_round, village_id=pk) for pk in village_ids if pk not in existing]
    Submission.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
    return len(new)


def open_due_round(day=None):
    """Beat's job (hourly): make sure each district's round for the period containing `day` exists
    and is open, and close the rounds of earlier periods. It works from the data, not from the
    minute it fires, so a run after an outage or a day without beat opens what was missed, once.
    Creating, opening, the submissions and the notices are one transaction per district: a run
    killed half-way leaves no round, and the next run does it all. A draft round made by hand is
    the department's to publish; the job publishes it only on its period's first day (as the
    department's own schedule would). Safe to run any number of times."""
    day = day or timezone.localdate()
    opened = []
    for district in District.objects.all():
        fields = default_round_fields(district, day)
        with transaction.atomic():
            # One opener per district at a time (a second beat, a retry): the later one waits here
            # and then finds the round open, instead of racing it into a deadlock.
            District.objects.select_for_update().get(pk=district.pk)
            collection_round, created = round_create(district, **fields)
            if collection_round.status == CollectionRound.Status.CLOSED:
                continue  # the department closed it by hand; beat does not reopen it
            hand_made_draft = not created and collection_round.status == CollectionRound.Status.DRAFT
            if (not hand_made_draft or day == collection_round.period_start) and round_open(collection_round):
                opened.append(collection_round)
            for earlier in CollectionRound.objects.filter(
                district=district, status=CollectionRound.Status.OPEN, period_start__lt=collection_round.period_start
            ):
                round_close(earlier)
    return opened


def _round_url(collection_round):
    return reverse("demands:round_detail", args=[collection_round.pk])


def township_staff_users(district_id, township_ids=None):
    users = get_user_model().objects.filter(
        is_active=True, staff_profile__role=ROLE_TOWNSHIP, staff_profile__township__district_id=district_id
    )
    if township_ids is not None:
        users = users.filter(staff_profile__township_id__in=township_ids)
    return users


def _notify_opened(collection_round):
    secretaries = get_user_model().objects.filter(
        is_active=True,
        secretary__status=Secretary.Status.ON_POST,
        secretary__village__township__district_id=collection_round.district_id,
    )
    recipients = list(township_staff_users(collection_round.district_id)) + list(secretaries)
    deadline = collection_round.deadline
    notify(
        recipients,
        f"{collection_round.title}已发布",
        body=f"请于{deadline.year}年{deadline.month}月{deadline.day}日前报送本村需求清单，并确认资源清单。\n\n"
        + collection_round.notice_text,
        url=_round_url(collection_round),
        kind="round_open",
        dedupe_key=f"round-open-{collection_round.pk}",
    )


# Reminders --------------------------------------------------------------------------------------


def reminder_schedule(collection_round):
    """[(kind, day)] in date order: e.g. before_7, before_1, overdue_1."""
    steps = [
        (f"before_{days}", collection_round.deadline - timedelta(days=days))
        for days in sorted(set(settings.ROUND_REMINDER_DAYS_BEFORE), reverse=True)
        if days > 0
    ]
    after = settings.ROUND_OVERDUE_NOTICE_DAYS_AFTER
    steps.append((f"overdue_{after}", collection_round.deadline + timedelta(days=after)))
    return steps


def current_reminder(collection_round, today):
    """The latest reminder step that is due on `today` (a missed day is caught up the next run)."""
    due = [(kind, day) for kind, day in reminder_schedule(collection_round) if day <= today]
    return due[-1][0] if due else None


def missing_villages(collection_round):
    """Villages of the round's district that have not submitted (returned ones count as missing)."""
    done = Submission.objects.filter(round=collection_round, status__in=SUBMISSION_DONE).values("village_id")
    return Village.objects.filter(township__district_id=collection_round.district_id).exclude(pk__in=done)


def send_reminders(collection_round, today=None):
    """Remind the villages that have not submitted: their secretary (in-app, email, SMS) and their
    township staff (one digest per township). Returns {kind, villages, notices}."""
    today = today or timezone.localdate()
    kind = current_reminder(collection_round, today)
    if kind is None or collection_round.status != CollectionRound.Status.OPEN:
        return {"kind": kind, "villages": 0, "notices": 0}
    already = ReminderLog.objects.filter(round=collection_round, kind=kind).values("village_id")
    villages = list(missing_villages(collection_round).exclude(pk__in=already).values_list("pk", "township_id", "name"))
    if not villages:
        return {"kind": kind, "villages": 0, "notices": 0}
    ReminderLog.objects.bulk_create(
        [ReminderLog(round=collection_round, village_id=pk, kind=kind) for pk, _, _ in villages],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
    sent = _remind_secretaries(collection_round, kind, [pk for pk, _, _ in villages])
    sent += _remind_townships(collection_round, kind, villages)
    return {"kind": kind, "villages": len(villages), "notices": sent}


def _deadline_words(collection_round, kind):
    deadline = collection_round.deadline
    text = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    if kind.startswith("overdue"):
        return f"已超过报送截止日期（{text}）"
    return f"截止日期为{text}"


def _remind_secretaries(collection_round, kind, village_ids):
    users = []
    for start in range(0, len(village_ids), CHUNK):
        users += list(
            get_user_model().objects.filter(
                is_active=True,
                secretary__status=Secretary.Status.ON_POST,
                secretary__village_id__in=village_ids[start : start + CHUNK],
            )
        )
    created = notify(
        users,
        f"提醒：{collection_round.title}，本村需求清单尚未报送",
        body=f"本村需求清单尚未报送，{_deadline_words(collection_round, kind)}。"
        "如本轮没有新增需求，也请报送“本轮无新增需求”。",
        url=_round_url(collection_round),
        kind="round_reminder",
        dedupe_key=f"round-{collection_round.pk}-{kind}",
        sms=True,
    )
    return len(created)


def _remind_townships(collection_round, kind, villages):
    by_township = {}
    for _pk, township_id, name in villages:
        by_township.setdefault(township_id, []).append(name)
    staff = {}
    for user in township_staff_users(collection_round.district_id, list(by_township)).select_related("staff_profile"):
        staff.setdefault(user.staff_profile.township_id, []).append(user)
    sent = 0
    for township_id, names in by_township.items():
        if township_id not in staff:
            continue
        created = notify(
            staff[township_id],
            f"提醒：{collection_round.title}，本乡镇还有{len(names)}个村未报送",
            body=f"{_deadline_words(collection_round, kind)}。未报送的村：{'、'.join(names)}。",
            url=reverse("demands:round_completeness", args=[collection_round.pk]),
            kind="round_reminder",
            dedupe_key=f"round-{collection_round.pk}-{kind}-t{township_id}",
        )
        sent += len(created)
    return sent


def send_all_reminders(today=None):
    today = today or timezone.localdate()
    results = []
    for collection_round in CollectionRound.objects.filter(status=CollectionRound.Status.OPEN):
        results.append((collection_round.pk, send_reminders(collection_round, today)))
    return results
