"""Writes and /healthz when Redis fails (PostgreSQL + Redis pass). Each test starts its own
redis-server on a free port and stops or freezes only that process, never the machine's Redis."""

import logging
import os
import signal
import time

import pytest
from celery import Celery

from core.tasks import enqueue
from dashboard import caching
from demands.models import DemandItem, Submission
from demands.services.rounds import ensure_submissions
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory
from tests.own_redis import free_port  # own_redis, the fixture, is registered in conftest


@pytest.fixture
def draft(district, village_a, secretary):
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    submission = Submission.objects.get(round=collection_round, village=secretary.village)
    category = DemandCategoryFactory(name="基础设施建设")
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "action": "save",
        "items-0-category": category.pk,
        "items-0-title": "修复村道",
        "items-0-urgency": "low",
    }
    return submission, data


@pytest.mark.services
@pytest.mark.parametrize("fault", ["stop", "freeze"])
def test_a_draft_save_succeeds_while_the_cache_redis_is_down(
    own_redis, draft, secretary, client_for, django_capture_on_commit_callbacks, caplog, fault
):
    submission, data = draft
    client = client_for(secretary.user)
    caching.current_version()  # the cache works, on our Redis
    getattr(own_redis, fault)()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(f"/demands/submissions/{submission.pk}/", data)
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert DemandItem.objects.get(submission=submission).title == "修复村道"
    assert "缓存不可用" in caplog.text
    assert elapsed < 2  # one timeout at most, then the cache is left alone for a while


@pytest.mark.services
@pytest.mark.parametrize("fault", ["stop", "freeze"])
def test_the_dashboard_answers_from_the_database_while_the_cache_redis_is_down(
    own_redis, village_a, org_user, client_for, caplog, fault
):
    client = client_for(org_user)
    assert client.get("/").status_code == 200  # computed and cached on our Redis
    getattr(own_redis, fault)()
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        first = client.get("/")
        second = client.get("/")
        elapsed = time.monotonic() - started
    assert first.status_code == second.status_code == 200
    assert village_a.township.name in first.content.decode()
    assert "缓存不可用" in caplog.text
    assert elapsed < 5  # one timeout, then the cache is left alone for a while


@pytest.mark.services
def test_a_version_bump_missed_while_the_cache_was_down_is_made_when_it_is_back(own_redis):
    before = caching.current_version()
    own_redis.freeze()
    caching.bump_version()  # times out: the write would go on, the bump is owed
    assert caching._bump_owed
    os.kill(own_redis.process.pid, signal.SIGCONT)
    assert caching.current_version() is None  # still within the pause: nothing counts as current
    caching._cache_paused_until = 0.0  # the pause is over
    assert caching.current_version() == before + 1
    assert not caching._bump_owed


@pytest.mark.services
def test_healthz_answers_503_within_a_second_when_redis_is_frozen(
    db, own_redis, client, client_for, org_user, settings
):
    settings.CELERY_BROKER_URL = own_redis.url
    assert client.get("/healthz").status_code == 200
    own_redis.freeze()
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}  # the details are for the department
    details = client_for(org_user).get("/healthz").json()
    assert details["broker"]["ok"] is False and details["cache"]["ok"] is False


@pytest.mark.services
def test_healthz_answers_503_within_a_second_when_redis_is_stopped(
    db, own_redis, client, client_for, org_user, settings
):
    settings.CELERY_BROKER_URL = own_redis.url
    own_redis.stop()
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}
    details = client_for(org_user).get("/healthz").json()
    assert details["database"]["ok"] is True and details["cache"]["ok"] is False


def test_a_task_that_cannot_be_queued_is_logged_and_the_caller_goes_on(caplog):
    """With the project's broker settings (timeouts, publish retries) and a broker that is not
    there, queuing fails fast and enqueue() returns None instead of raising."""
    app = Celery("stopped-broker")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_write_url = (
        f"redis://127.0.0.1:{free_port()}/0"  # CELERY_BROKER_URL in the env wins over broker_url
    )
    app.conf.task_always_eager = False

    @app.task(name="tests.nothing")
    def nothing():
        return None

    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        assert enqueue(nothing) is None
    assert time.monotonic() - started < 2
    assert "tests.nothing" in caplog.text and "消息代理不可用" in caplog.text
