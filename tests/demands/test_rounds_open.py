import threading
from datetime import date

import pytest
from django.db import connection

from demands.models import CollectionRound, RoundNoticeTemplate, Submission
from demands.services.rounds import RoundError, period_for, round_close, round_create, round_open
from demands.tasks import open_due_round
from notices.models import Notice


def test_period_for_a_day_in_november_is_november_to_december_with_the_15th_as_deadline():
    period = period_for(date(2026, 11, 23))
    assert (period.start, period.end, period.deadline, period.number) == (
        date(2026, 11, 1),
        date(2026, 12, 31),
        date(2026, 11, 15),
        6,
    )


def test_period_for_a_february_day_is_january_to_february():
    period = period_for(date(2026, 2, 10))
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 2, 28))


def test_period_for_wraps_to_last_year_when_the_first_month_is_later():
    period = period_for(date(2026, 1, 20), open_months=[3, 9])
    assert (period.start, period.end) == (date(2025, 9, 1), date(2026, 2, 28))


def test_period_for_rejects_a_bad_month_setting():
    with pytest.raises(RoundError):
        period_for(date(2026, 1, 1), open_months=[0, 13])


def test_opening_task_twice_makes_one_round_one_submission_per_village_and_one_notice_each(
    village_a, village_a2, village_b, secretary, township_a_user
):
    open_due_round.delay("2026-11-01")
    open_due_round.delay("2026-11-01")
    rounds = CollectionRound.objects.all()
    assert rounds.count() == 1
    collection_round = rounds.get()
    assert collection_round.status == CollectionRound.Status.OPEN
    assert collection_round.deadline == date(2026, 11, 15)
    assert Submission.objects.filter(round=collection_round).count() == 3
    assert Notice.objects.filter(recipient=secretary.user, kind="round_open").count() == 1
    assert Notice.objects.filter(recipient=township_a_user, kind="round_open").count() == 1


def test_opened_notice_fills_period_and_deadline_from_the_editable_template(district, village_a):
    RoundNoticeTemplate.objects.create(
        district=district, title_template="{周期}征集通知", body_template="请于{截止日期}前报送。"
    )
    open_due_round.delay("2026-11-03")
    collection_round = CollectionRound.objects.get()
    assert collection_round.title == "2026年11月—12月征集通知"
    assert collection_round.notice_text == "请于2026年11月15日前报送。"


def test_opening_the_next_period_closes_the_previous_round(village_a):
    open_due_round.delay("2026-09-01")
    open_due_round.delay("2026-11-01")
    statuses = dict(CollectionRound.objects.values_list("period_start", "status"))
    assert statuses == {date(2026, 9, 1): "closed", date(2026, 11, 1): "open"}


def test_beat_does_not_reopen_a_round_the_department_closed(village_a):
    open_due_round.delay("2026-11-01")
    round_close(CollectionRound.objects.get())
    open_due_round.delay("2026-11-02")
    assert CollectionRound.objects.get().status == CollectionRound.Status.CLOSED


def test_task_rejects_a_bad_day_argument_with_a_clear_error(db):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        open_due_round.delay("23/11/2026")


def test_round_create_returns_the_existing_round_for_the_same_period(district):
    fields = {
        "period_start": date(2026, 11, 1),
        "period_end": date(2026, 12, 31),
        "deadline": date(2026, 11, 15),
        "title": "第六期",
    }
    first, created_first = round_create(district, **fields)
    second, created_second = round_create(district, **{**fields, "title": "另一个标题"})
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk and second.title == "第六期"


def test_a_closed_round_cannot_be_opened_again(district, village_a):
    collection_round, _ = round_create(
        district, period_start=date(2026, 9, 1), period_end=date(2026, 10, 31), deadline=date(2026, 9, 15), title="x"
    )
    round_open(collection_round)
    round_close(collection_round)
    with pytest.raises(RoundError):
        round_open(collection_round)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beats_opening_at_once_on_postgresql_make_one_round(village_a, village_a2, secretary):
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(4)
    errors = []

    def fire():
        from django.db import connections

        try:
            barrier.wait()
            # Not .get(): Celery's "no join inside a task" flag is process-wide, and the other
            # threads are inside their task (waiting for the district's lock) at this moment.
            result = open_due_round.apply(args=["2026-11-01"])
            if not result.successful():
                errors.append(result.result)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CollectionRound.objects.count() == 1
    assert Submission.objects.count() == 2
    assert Notice.objects.filter(recipient=secretary.user, kind="round_open").count() == 1


def test_a_run_missed_on_the_first_is_caught_up_by_a_later_run_once(village_a, secretary):
    """Beat was down on 1 November: the hourly run of the 14th opens the round, the next changes nothing."""
    open_due_round.delay("2026-09-01")
    open_due_round.delay("2026-11-14")
    open_due_round.delay("2026-11-14")
    current = CollectionRound.objects.get(period_start=date(2026, 11, 1))
    assert current.status == CollectionRound.Status.OPEN
    assert CollectionRound.objects.get(period_start=date(2026, 9, 1)).status == CollectionRound.Status.CLOSED
    assert Submission.objects.filter(round=current).count() == 1
    assert (
        Notice.objects.filter(recipient=secretary.user, kind="round_open", url__contains=f"/{current.pk}/").count() == 1
    )


def test_a_draft_made_by_hand_waits_for_the_department_until_its_first_day(district, village_a):
    draft, _ = round_create(
        district, period_start=date(2027, 1, 1), period_end=date(2027, 2, 28), deadline=date(2027, 1, 15), title="草稿"
    )
    open_due_round.delay("2026-12-20")  # the job's own period is November–December: the draft stays a draft
    draft.refresh_from_db()
    assert draft.status == CollectionRound.Status.DRAFT
    open_due_round.delay("2027-01-01")  # as scheduled before: published on its first day
    draft.refresh_from_db()
    assert draft.status == CollectionRound.Status.OPEN


def test_an_opening_that_fails_half_way_leaves_no_round_and_the_next_run_does_it_all(village_a, secretary, monkeypatch):
    from demands.services import rounds

    real_notify = rounds.notify

    def broken(*args, **kwargs):
        raise ConnectionError("the process died here")

    monkeypatch.setattr(rounds, "notify", broken)
    with pytest.raises(ConnectionError):
        rounds.open_due_round(date(2026, 11, 1))
    assert not CollectionRound.objects.exists() and not Submission.objects.exists()

    monkeypatch.setattr(rounds, "notify", real_notify)
    open_due_round.delay("2026-11-01")
    collection_round = CollectionRound.objects.get()
    assert collection_round.status == CollectionRound.Status.OPEN
    assert Submission.objects.filter(round=collection_round).count() == 1
    assert Notice.objects.filter(recipient=secretary.user, kind="round_open").count() == 1


def test_the_job_retries_when_the_database_is_unreachable_and_then_opens_the_round(village_a, monkeypatch):
    from django.db import OperationalError

    from demands import tasks_lists

    calls = []
    real = tasks_lists.open_rounds

    def flaky(day):
        calls.append(day)
        if len(calls) == 1:
            raise OperationalError("could not connect to server: Connection refused")
        return real(day)

    monkeypatch.setattr(tasks_lists, "open_rounds", flaky)
    result = open_due_round.apply(args=["2026-11-01"], throw=False)  # retries run at once when applied
    assert result.successful(), result.traceback
    assert len(calls) == 2
    assert CollectionRound.objects.get().status == CollectionRound.Status.OPEN
