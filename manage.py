#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # manage.py is the developer's tool: without DEBUG in the environment it runs in development
    # mode, so `manage.py makemigrations --check` works on a fresh clone. What serves production
    # (gunicorn through config/wsgi.py, the Celery worker and beat) never reads this line and
    # still refuses to start without SECRET_KEY; production sets DEBUG=0 for manage.py too.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
