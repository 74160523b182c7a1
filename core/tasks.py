"""Queue Celery work without letting the broker decide whether a user's write succeeds.

A task is queued after the transaction that wrote its data commits (`transaction.on_commit`).
When the broker is down or frozen, publishing fails after its short timeouts (settings: the
broker's connect and socket timeouts, the publish retry policy); the write has already committed,
so the failure is logged instead of turning the answer into a 500. Work that must not be lost this
way has a sweep that finds it from the data (notices: notices.tasks.sweep_unsent_notices)."""

import logging
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs):
    """`task.delay(*args, **kwargs)`; a broker error is logged and None returned. `task` is a
    Celery task or a signature."""
    try:
        return task.delay(*args, **kwargs)
    except BrokerError:
        logger.exception("无法把任务 %s 放入队列（消息代理不可用），已跳过", getattr(task, "name", task))
        return None


def enqueue_on_commit(task, *args, **kwargs):
    """Queue the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs))
