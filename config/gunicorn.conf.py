"""gunicorn's settings file: `gunicorn -c config/gunicorn.conf.py config.wsgi --bind ... --workers 4`
(README, Production)."""

import gc


def post_worker_init(worker):
    """Everything a worker loads at start (Django, the apps, their templates) lives as long as the
    worker: moved out of the garbage collector's way, a full collection during a request scans only
    that request's objects. The department's dashboard at province scale builds a few hundred
    thousand objects; without this a collection could add 50–200 ms to a page (bench/)."""
    gc.freeze()
