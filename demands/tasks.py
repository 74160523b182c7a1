"""Celery discovers tasks in this module; each half of the app keeps its own tasks module and
names its tasks explicitly as demands.tasks.<name> (the names CELERY_BEAT_SCHEDULE uses)."""

from demands.tasks_lists import *  # noqa: F403
from demands.tasks_loop import *  # noqa: F403
