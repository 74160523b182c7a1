"""A notice's email goes out through a real Celery worker on Redis (PostgreSQL + Redis pass)."""

import pytest
from django.db import transaction

from notices.models import Notice
from notices.services import notify
from tests.celery_worker import wait_for


@pytest.mark.services
def test_a_notice_is_delivered_by_a_real_worker(celery_worker_process, township_a_user):
    with transaction.atomic():
        created = notify([township_a_user], "测试通知", body="由真实的 Celery worker 发送", dedupe_key="it-1")
    assert len(created) == 1
    delivered = wait_for(lambda: Notice.objects.filter(pk=created[0].pk, emailed_at__isnull=False).exists())
    assert delivered
