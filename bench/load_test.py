"""Load test (issue 15 point 8): N users (default 50) through the realistic mix against the
production stack, 127.0.0.1 only, bounded in time and in requests; prints requests, errors, p50/p95.

By default it starts the stack itself (bench/stack.py: its own PostgreSQL cluster and redis-server
on spare ports, migrated and seeded with seed_demo; gunicorn with config/gunicorn.conf.py, one
Celery worker, one beat) and removes it afterwards. Each user logs in with a demo login and then,
with a pause of about --think seconds between clicks, does what its role does:
- the department (zuzhibu) and township staff: home dashboard, the loop's queue, an item page,
  notices;
- a first secretary: home, the village's list (我的清单) and a draft save of it, notices.
An error is a 5xx, a refused connection or a timeout, or an answer other than the page's (4xx, a
redirect to the login page).

    .venv/bin/python bench/load_test.py                 # 50 users, 60 s
    .venv/bin/python bench/load_test.py --users 20 --duration 30 --max-requests 5000
"""

import argparse
import os
import random
import re
import statistics
import threading
import time
from collections import defaultdict

from stack import Browser, Stack, form_fields, log

ITEM_LINK = re.compile(r'href="(/demands/items/\d+/)"')


class Results:
    def __init__(self, max_requests, users):
        self.users = users
        self.lock = threading.Lock()
        self.times = defaultdict(list)  # kind -> [ms]
        self.steady = []  # ms of the requests made after the last login (no password hashing going on)
        self.logins_done = 0
        self.errors = defaultdict(list)  # kind -> [what]
        self.count = 0
        self.max_requests = max_requests

    def budget_left(self):
        with self.lock:
            return self.count < self.max_requests

    def record(self, kind, ms, error=None):
        with self.lock:
            self.count += 1
            self.times[kind].append(ms)
            if kind == "login":
                self.logins_done += 1
            elif self.logins_done == self.users:
                self.steady.append(ms)
            if error:
                self.errors[kind].append(error)


def timed(results, kind, call, ok=(200,)):
    started = time.monotonic()
    try:
        status, body, headers = call()
    except OSError as exc:
        results.record(kind, (time.monotonic() - started) * 1000, type(exc).__name__)
        return None, "", {}
    ms = (time.monotonic() - started) * 1000
    location = headers.get("Location", "") if headers else ""
    bad = status not in ok or "/accounts/login/" in location
    results.record(kind, ms, f"{status} {location}".strip() if bad else None)
    return status, body, headers


class User(threading.Thread):
    def __init__(self, username, role, port, results, deadline, think, ramp):
        super().__init__(daemon=True)
        self.ramp = ramp
        self.username, self.role, self.results, self.deadline, self.think = username, role, results, deadline, think
        self.browser = Browser(port)
        self.items = []

    def pause(self):
        time.sleep(random.uniform(0.5, 1.5) * self.think)

    def run(self):
        time.sleep(random.uniform(0, self.ramp))  # users arrive over the first seconds
        status, _, _ = timed(self.results, "login", lambda: self.browser.login(self.username), ok=(302,))
        if status != 302:
            return
        steps = self.secretary_steps if self.role == "secretary" else self.staff_steps
        while time.monotonic() < self.deadline and self.results.budget_left():
            random.choice(steps)()
            self.pause()
        self.browser.close()

    def get(self, kind, path, ok=(200,)):
        return timed(self.results, kind, lambda: self.browser.get(path), ok)

    # --- the department and township staff -----------------------------------------------------
    def home(self):
        self.get("home", "/")

    def notices(self):
        self.get("notices", "/notices/")

    def queue(self):
        _, body, _ = self.get("queue", "/demands/queue/")
        self.items = ITEM_LINK.findall(body or "") or self.items

    def item(self):
        if not self.items:
            return self.queue()
        self.get("item", random.choice(self.items))

    @property
    def staff_steps(self):
        return [self.home, self.queue, self.item, self.item, self.notices]

    # --- a first secretary -----------------------------------------------------------------------
    def my_list(self):
        status, body, headers = self.get("my_list", "/demands/my-list/", ok=(200, 302))
        if status == 302:
            path = headers["Location"]
            status, body, _ = self.get("my_list", path)
        else:
            path = "/demands/my-list/"
        return path, body if status == 200 else None

    def draft_save(self):
        path, body = self.my_list()
        fields = form_fields(body or "", r"^$|/demands/submissions/")
        if not body or not any(name.endswith("TOTAL_FORMS") for name, _ in fields):
            return  # no list open for editing (already submitted): nothing to save
        self.pause()
        timed(self.results, "draft_save", lambda: self.browser.post(path, [*fields, ("action", "save")]), ok=(302,))

    @property
    def secretary_steps(self):
        return [self.home, self.my_list, self.draft_save, self.notices]


def demo_users(count):
    """(username, role) for `count` users: two fifths staff (the department, township logins), three
    fifths secretaries whose village list is open for editing in the open round."""
    from django.contrib.auth import get_user_model

    from core.scoping import ROLE_ORG, ROLE_TOWNSHIP

    User = get_user_model()
    org = list(User.objects.filter(staff_profile__role=ROLE_ORG, is_active=True).values_list("username", flat=True))
    townships = list(
        User.objects.filter(staff_profile__role=ROLE_TOWNSHIP, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    staff = ([(u, "org") for u in org] * 3 + [(u, "township") for u in townships])[: max(1, count * 2 // 5)]
    return staff + [(u, "secretary") for u in editable_secretaries(count - len(staff))]


def editable_secretaries(count):
    """Secretaries of villages whose list in the open round is a draft; lists already submitted are
    sent back by their township (demands.services.lists.submission_return) until there are enough."""
    from demands.models import CollectionRound, Submission
    from demands.services.lists import submission_return
    from secretaries.models import Secretary

    collection_round = CollectionRound.objects.filter(status="open").order_by("-opened_at").first()
    if collection_round is None:
        return []
    names = []
    for submission in Submission.objects.filter(round=collection_round).select_related("village__township"):
        secretary = Secretary.objects.filter(village=submission.village, user__isnull=False).select_related("user")
        secretary = secretary.first()
        if secretary is None:
            continue
        if submission.status == Submission.Status.SUBMITTED:
            staff = submission.village.township.staff.filter(role="township").select_related("user").first()
            if staff is None:
                continue
            submission_return(submission, staff.user, "压力测试：退回修改")
        elif submission.status not in (Submission.Status.DRAFT, Submission.Status.RETURNED):
            continue
        names.append(secretary.user.username)
        if len(names) == count:
            break
    return names


def percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(results, elapsed):
    everything = [ms for times in results.times.values() for ms in times]
    errors = sum(len(e) for e in results.errors.values())
    print(f"\n{'kind':<12}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for kind in sorted(results.times):
        times = results.times[kind]
        print(
            f"{kind:<12}{len(times):>9}{len(results.errors[kind]):>8}{percentile(times, 50):>9.0f}{percentile(times, 95):>9.0f}"
        )
    print(
        f"{'all':<12}{len(everything):>9}{errors:>8}{percentile(everything, 50):>9.0f}{percentile(everything, 95):>9.0f}"
    )
    print(f"{len(everything)} requests in {elapsed:.0f} s ({len(everything) / elapsed:.1f}/s), {errors} errors")
    if len(results.steady) > 1:
        print(
            f"steady state (after the last login): {len(results.steady)} requests, "
            f"p50 {percentile(results.steady, 50):.0f} ms, p95 {percentile(results.steady, 95):.0f} ms"
        )
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    for kind, what in results.errors.items():
        if what:
            print(f"  {kind}: {sorted(set(what))[:5]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (at most 600)")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a user's clicks (s)")
    parser.add_argument("--ramp", type=float, default=20.0, help="users arrive over this many seconds")
    args = parser.parse_args()
    duration = min(args.duration, 600)

    stack = Stack()
    try:
        stack.prepare()
        stack.start_web()
        stack.use_django()
        stack.start_worker()
        stack.start_beat()
        users = demo_users(args.users)
        log(f"{len(users)} users for {duration} s (gunicorn on 127.0.0.1:{stack.web_port})")
        log("load average (1, 5, 15 min) before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        results = Results(args.max_requests, len(users))
        started = time.monotonic()
        threads = [
            User(name, role, stack.web_port, results, started + duration, args.think, args.ramp) for name, role in users
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1, started + duration + 30 - time.monotonic()))
        report(results, time.monotonic() - started)
    finally:
        stack.close()


if __name__ == "__main__":
    main()
