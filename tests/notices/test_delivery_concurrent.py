"""Two deliveries of the same notices at the same moment on PostgreSQL (a task the broker
redelivered next to the sweep's): no notice is claimed by both, and each email goes out once."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from notices import delivery
from notices.models import Notice
from notices.tasks import deliver_notices

NOTICES = 120


def run_together(target, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.fixture
def pending(township_a_user):
    Notice.objects.bulk_create(
        Notice(recipient=township_a_user, title=f"通知{n}", email_pending=True) for n in range(NOTICES)
    )
    return sorted(Notice.objects.values_list("pk", flat=True))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_claims_at_once_never_take_the_same_notice(pending):
    assert connection.vendor == "postgresql"
    for _ in range(5):
        Notice.objects.update(delivering_until=None)
        first, second = run_together(lambda: delivery.claim(pending))
        assert not set(first) & set(second)
        assert sorted(first + second) == pending


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_send_each_email_once(pending):
    assert connection.vendor == "postgresql"
    sent = run_together(lambda: deliver_notices.run(pending))
    assert sum(sent) == NOTICES
    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == NOTICES == len(set(subjects))
    assert not Notice.objects.filter(email_pending=True).exists()
