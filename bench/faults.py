"""The outages of issue 15, against the project's own stack (bench/stack.py: its own PostgreSQL
cluster and redis-server on spare ports, never the machine's), printing what was lost or doubled.

1. worker SIGKILLed (the whole worker) after 41 of 158 e-mails of a round's opening, restarted;
2. only its pool child SIGKILLed (the out-of-memory killer), the main process lives on;
   (both to a local SMTP sink that counts what arrives, tests/smtp_sink.py; after the kill the
   dead delivery's lease and the sweep's 5-minute delay are made to pass by moving the notices'
   clock, then beat's sweep job is sent as beat would; everything else is real)
3. Redis stopped 30 s while secretaries save drafts and notices are written;
4. Redis frozen (SIGSTOP) 20 s, with /healthz and a page probed every 0.2 s;
5. PostgreSQL stopped 10 s during writes.
Draft saves go through HTTP (gunicorn with config/gunicorn.conf.py); each carries a unique marker,
so an acknowledged save that is missing afterwards counts as lost.

    .venv/bin/python bench/faults.py            # all, about 8 minutes
    .venv/bin/python bench/faults.py --only 1 3
"""

import argparse
import os
import signal
import sys
import threading
import time
from datetime import timedelta
from itertools import count

from stack import ROOT, Browser, Stack, form_fields, log

sys.path.insert(0, str(ROOT))
from tests.smtp_sink import SmtpSink  # noqa: E402

ROUND_NOTICES = 158
KILL_AFTER = 41
_markers = count(1)


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q / 100))] if values else 0


# --- notices through a worker kill ---------------------------------------------------------------


def round_opening(tag):
    """158 people notified in one transaction, as a round's opening does: one delivery task."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from notices.services import notify

    User = get_user_model()
    users = [
        User.objects.create(username=f"{tag}{i:03}", email=f"{tag}{i:03}@example.cn") for i in range(ROUND_NOTICES)
    ]
    with transaction.atomic():
        notices = notify(users, f"{tag}：2027年第1期需求清单征集已开启")
    return {u.email for u in users}, [n.pk for n in notices]


def lease_and_sweep_delay_pass(ids):
    from django.utils import timezone

    from notices import delivery
    from notices.models import Notice

    past = timezone.now() - delivery.SWEEP_AFTER - timedelta(seconds=1)
    Notice.objects.filter(pk__in=ids, delivering_until__isnull=False).update(delivering_until=past)
    Notice.objects.filter(pk__in=ids).update(created_at=past)


def pending(ids):
    from notices.models import Notice

    return Notice.objects.filter(pk__in=ids, email_pending=True).count()


def count_arrivals(sink, emails):
    per = sink.per_recipient()
    lost = sum(1 for e in emails if per[e] == 0)
    doubled = sum(1 for e in emails if per[e] > 1)
    return sum(per[e] for e in emails), lost, doubled


def wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def worker_kill(stack, sink, *, child):
    from notices.tasks import sweep_unsent_notices

    tag = "child" if child else "worker"
    emails, ids = round_opening(f"kill{tag}")
    base = sink.count()
    if not wait(lambda: sink.count() - base >= KILL_AFTER, 60):
        return print(f"  {tag}: the delivery did not start")
    if child:
        for pid in stack.pool_children("worker"):
            os.kill(pid, signal.SIGKILL)
    else:
        stack.kill("worker")
    at_kill = sink.count() - base
    time.sleep(3)  # what the redelivered task (child kill) sends meanwhile
    marked_unsent = pending(ids)
    arrived_before = sink.count() - base
    if not child:
        stack.start_worker(concurrency=1)
    lease_and_sweep_delay_pass(ids)
    sweep_unsent_notices.delay()
    wait(lambda: pending(ids) == 0, 120)
    time.sleep(2)
    arrived, lost, doubled = count_arrivals(sink, emails)
    print(
        f"  {'pool child' if child else 'worker'} SIGKILL after {at_kill} e-mails: {arrived_before} arrived before "
        f"the sweep, {marked_unsent} still marked unsent (none marked sent unsent); after the sweep: "
        f"{arrived} of {ROUND_NOTICES} arrived, lost {lost}, doubled {doubled}"
    )


# --- writers and probes ----------------------------------------------------------------------------


class Writer(threading.Thread):
    """A secretary saving their village's draft list every `pause` seconds, each save with a new
    marker in the first item's title. Records (started, status, ms, marker) per save."""

    def __init__(self, stack, username, pause=0.5):
        super().__init__(daemon=True)
        self.browser = Browser(stack.web_port, timeout=10)
        self.username, self.pause = username, pause
        self.stopped = threading.Event()
        self.saves = []
        self.path = None

    def prepare(self):
        self.browser.login(self.username)
        status, _, headers = self.browser.get("/demands/my-list/")
        self.path = headers.get("Location") if status == 302 else "/demands/my-list/"

    def run(self):
        while not self.stopped.is_set():
            started = time.monotonic()
            marker = f"压测{next(_markers)}"
            try:
                status, body, _ = self.browser.get(self.path)
                fields = form_fields(body, r"^$|/demands/submissions/") if status == 200 else []
                titles = [i for i, (name, value) in enumerate(fields) if name.endswith("-title") and value]
                if not titles:
                    status, marker = status if status != 200 else 0, None
                else:
                    fields[titles[0]] = (fields[titles[0]][0], marker)
                    status, _, _ = self.browser.post(self.path, [*fields, ("action", "save")])
            except OSError as exc:
                status = type(exc).__name__
            self.saves.append((started, status, (time.monotonic() - started) * 1000, marker))
            self.stopped.wait(self.pause)


class Probe(threading.Thread):
    def __init__(self, stack, path, every=0.2, login=None):
        super().__init__(daemon=True)
        self.browser = Browser(stack.web_port, timeout=10)
        if login:
            self.browser.login(login)
        self.path, self.every = path, every
        self.stopped = threading.Event()
        self.answers = []  # (started, status, ms)

    def run(self):
        while not self.stopped.is_set():
            started = time.monotonic()
            try:
                status = self.browser.get(self.path)[0]
            except OSError as exc:
                status = type(exc).__name__
            self.answers.append((started, status, (time.monotonic() - started) * 1000))
            self.stopped.wait(self.every)


def during(records, start, end):
    return [r for r in records if start <= r[0] < end]


def describe_saves(writers, start, end):
    saves = [s for w in writers for s in during(w.saves, start, end) if s[3] or s[1] != 0]  # 0: nothing to edit
    ok = sum(1 for s in saves if s[1] == 302)
    failed = [s for s in saves if s[1] != 302]
    times = [s[2] for s in saves]
    kinds = sorted({str(s[1]) for s in failed})
    return (
        f"{ok} of {len(saves)} draft saves succeeded"
        + (f" (failed: {', '.join(kinds)})" if failed else "")
        + f", p95 {percentile(times, 95):.0f} ms, slowest {max(times, default=0):.0f} ms"
    )


def lost_saves(writers):
    """Acknowledged saves whose marker is not stored (only each writer's last one can remain)."""
    from demands.models import DemandItem

    lost = 0
    for writer in writers:
        acknowledged = [s for s in writer.saves if s[1] == 302 and s[3]]
        if acknowledged and not DemandItem.objects.filter(title=acknowledged[-1][3]).exists():
            lost += 1
    return lost


def with_writers(stack, usernames, outage, *, probes=()):
    writers = [Writer(stack, name) for name in usernames]
    for writer in writers:
        writer.prepare()
    for thread in [*writers, *probes]:
        thread.start()
    time.sleep(3)
    start = time.monotonic()
    outage()
    end = time.monotonic()
    time.sleep(5)
    for thread in [*writers, *probes]:
        thread.stopped.set()
    for thread in [*writers, *probes]:
        thread.join(15)
    return writers, start, end


def notices_during(stack, sink, seconds):
    """Write a notice every 2 s for `seconds` (in this process, as a page's write would)."""
    from django.contrib.auth import get_user_model

    from notices.services import notify

    User = get_user_model()
    ids, emails = [], set()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        user = User.objects.create(username=f"outage{time.time_ns()}", email=f"outage{n}-{time.time_ns()}@example.cn")
        started = time.monotonic()
        ids += [x.pk for x in notify([user], "停机期间的通知")]
        emails.add(user.email)
        n += 1
        time.sleep(max(0, 2 - (time.monotonic() - started)))
    return ids, emails


def redis_stop(stack, sink, usernames):
    result = {}

    def outage():
        stack.redis.stop()
        result["ids"], result["emails"] = notices_during(stack, sink, 30)
        stack.redis.start()

    writers, start, end = with_writers(stack, usernames, outage)
    from core.models import OutboxTask

    waiting = OutboxTask.objects.count()
    back = time.monotonic()
    wait(lambda: pending(result["ids"]) == 0, 200)
    arrived, lost, doubled = count_arrivals(sink, result["emails"])
    print(
        f"  Redis stopped {end - start:.0f} s: {describe_saves(writers, start, end)}; lost saves {lost_saves(writers)}"
    )
    print(
        f"    {len(result['ids'])} notices written meanwhile, {waiting} tasks waiting in the outbox when Redis came "
        f"back; {arrived} e-mails arrived within {time.monotonic() - back:.0f} s, lost {lost}, doubled {doubled}"
    )


def redis_freeze(stack, sink, usernames):
    health = Probe(stack, "/healthz")
    page = Probe(stack, "/notices/", login=usernames[0])

    def outage():
        stack.redis.freeze()
        time.sleep(20)
        stack.redis.thaw()

    writers, start, end = with_writers(stack, usernames[1:], outage, probes=[health, page])
    h = during(health.answers, start, end)
    p = during(page.answers, start, end)
    print(
        f"  Redis frozen {end - start:.0f} s: {describe_saves(writers, start, end)}; lost saves {lost_saves(writers)}"
    )
    print(
        f"    /healthz: {len(h)} probes, {sum(1 for a in h if a[1] == 503)} answered 503, slowest "
        f"{max((a[2] for a in h), default=0):.0f} ms; /notices/: {sum(1 for a in p if a[1] == 200)} of {len(p)} "
        f"answered 200, p95 {percentile([a[2] for a in p], 95):.0f} ms"
    )


def postgres_stop(stack, sink, usernames):
    health = Probe(stack, "/healthz")
    page = Probe(stack, "/notices/", login=usernames[0])
    timings = {}

    def outage():
        stack.pg.stop()
        time.sleep(10)
        stack.pg.start()
        timings["up"] = time.monotonic()

    writers, start, end = with_writers(stack, usernames[1:], outage, probes=[health, page])
    from django.db import connection

    connection.close()  # this process's connection died with the server
    h = during(health.answers, start, end)
    after = [s for w in writers for s in w.saves if s[0] >= timings["up"]]
    first_ok = min((s[0] for s in after if s[1] == 302), default=None)
    chinese = page_500_is_chinese(stack, usernames[0])
    print(
        f"  PostgreSQL stopped {end - start:.0f} s: {describe_saves(writers, start, end)}; lost saves {lost_saves(writers)}"
    )
    print(
        f"    /healthz answered 503 to {sum(1 for a in h if a[1] == 503)} of {len(h)} probes, slowest "
        f"{max((a[2] for a in h), default=0):.0f} ms; the 500 page is Chinese: {chinese}; the first save after "
        f"PostgreSQL was back succeeded {'%.1f s later' % (first_ok - timings['up']) if first_ok else 'never'} "
        "(no restart)"
    )


def page_500_is_chinese(stack, username):
    """A logged-in user's page during a second, short PostgreSQL stop: what they see."""
    browser = Browser(stack.web_port)
    browser.login(username)
    stack.pg.stop()
    try:
        status, body, _ = browser.get("/notices/")
    finally:
        stack.pg.start()
    return status == 500 and "服务器错误" in body


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", type=int, default=[1, 2, 3, 4, 5])
    parser.add_argument("--writers", type=int, default=6)
    args = parser.parse_args()

    sink = SmtpSink(delay=0.02)  # a relay taking 20 ms per message
    stack = Stack(smtp_port=sink.port)
    try:
        stack.prepare()
        stack.start_web()
        stack.use_django()
        stack.start_worker(concurrency=1)
        stack.start_beat()
        from load_test import editable_secretaries

        usernames = editable_secretaries(args.writers + 1)
        if 1 in args.only:
            worker_kill(stack, sink, child=False)
        if 2 in args.only:
            worker_kill(stack, sink, child=True)
        if 3 in args.only:
            redis_stop(stack, sink, usernames)
        if 4 in args.only:
            redis_freeze(stack, sink, usernames)
        if 5 in args.only:
            postgres_stop(stack, sink, usernames)
    finally:
        stack.close()
        sink.stop()


if __name__ == "__main__":
    log("faults: starting the stack")
    main()
