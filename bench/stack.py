"""The production stack on this machine, for bench/load_test.py and bench/faults.py: the project's
own PostgreSQL cluster (initdb in a temporary folder, a spare port) and own redis-server (a spare
port), migrated and seeded with `manage.py seed_demo`; gunicorn with config/gunicorn.conf.py, a
Celery worker and beat; e-mail to a local SMTP sink that counts what arrives (tests/smtp_sink.py).
Never the machine's shared PostgreSQL or Redis; 127.0.0.1 only. Every process is started here in
its own session and stopped here by its id (the group of that id: gunicorn's and Celery's children).

Also a tiny HTTP client (`Browser`: cookies, the CSRF token, one keep-alive connection)."""

import contextlib
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
PASSWORD = "Fangshan-2026"  # seed_demo's demo logins


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_STARTED = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - _STARTED:6.0f} s] {message}", flush=True)


class OwnRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None
        self.start()

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url(), socket_connect_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.thaw()
            self.process.kill()
            self.process.wait(10)


class OwnPostgres:
    """A throwaway cluster: initdb in a temporary folder (as the `postgres` system user when run as
    root, since PostgreSQL refuses root), trust auth, 127.0.0.1 and a spare port only."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            sys.exit("需要 PostgreSQL 服务器程序（/usr/lib/postgresql/*/bin）")
        self.bin = Path(bins[-1])
        self.dir = Path(tempfile.mkdtemp(prefix="fsp-bench-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, program, *args, check=True):
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def createdb(self, name):
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Stack:
    """The services of README "Production" on the own PostgreSQL and Redis."""

    def __init__(self, *, smtp_port=None, extra_env=None):
        self.pg = OwnPostgres()
        self.redis = OwnRedis()
        self.var = Path(tempfile.mkdtemp(prefix="fsp-bench-var-"))
        self.web_port = free_port()
        self.processes = {}
        self.pg.createdb("fsp")
        self.env = dict(os.environ)
        for name in list(self.env):
            if name.startswith(("DJANGO_", "CELERY_", "DATABASE_", "CACHE_", "EMAIL_")):
                del self.env[name]
        self.env.update(
            {
                "DEBUG": "0",
                "SECRET_KEY": "bench-only-" + "x" * 50,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "0",
                "SESSION_COOKIE_SECURE": "0",
                "CSRF_COOKIE_SECURE": "0",
                "SECURE_HSTS_SECONDS": "0",
                "STATIC_MANIFEST": "0",
                "WHITENOISE_USE_FINDERS": "1",
                "DATABASE_URL": self.pg.url("fsp"),
                "CELERY_BROKER_URL": self.redis.url(0),
                "CACHE_URL": self.redis.url(1),
                "VAR_DIR": str(self.var),
                "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
                "GUNICORN_ACCESS_LOG": "",
                "LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "config.settings",
            }
        )
        if smtp_port:
            self.env.update(
                {
                    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(smtp_port),
                    "EMAIL_TIMEOUT": "5",
                }
            )
        self.env.update(extra_env or {})

    def manage(self, *args):
        started = time.monotonic()
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - started

    def prepare(self):
        log(f"PostgreSQL 127.0.0.1:{self.pg.port}, Redis 127.0.0.1:{self.redis.port}: migrate")
        took = self.manage("migrate", "--noinput")
        log(f"migrate {took:.0f} s; seed_demo")
        took = self.manage("seed_demo")
        log(f"seed_demo {took:.0f} s")

    def _spawn(self, name, args):
        logfile = open(self.var / f"{name}.log", "a")  # noqa: SIM115  (closed in stop)
        self.processes[name] = (
            subprocess.Popen(
                args, cwd=ROOT, env=self.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
            ),
            logfile,
        )
        return self.processes[name][0]

    def start_web(self):
        self._spawn("web", [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"])
        self.wait_http("/healthz", timeout=60)

    def start_worker(self, concurrency=2):
        process = self._spawn(
            "worker",
            [PYTHON, "-m", "celery", "-A", "config", "worker", f"--concurrency={concurrency}", "--loglevel=WARNING",
             "-n", f"bench-{self.web_port}@%h"],
        )  # fmt: skip
        from config.celery import app  # configured from this process's environment (set by the script)

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(timeout=1, destination=[f"bench-{self.web_port}@{socket.gethostname()}"]):
                return process
        raise RuntimeError("Celery worker did not answer within 60 s")

    def start_beat(self):
        return self._spawn(
            "beat",
            [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
             "-s", str(self.var / "celerybeat-schedule")],
        )  # fmt: skip

    def kill(self, name, sig=signal.SIGKILL):
        """Signal the whole group of a process started here (gunicorn's or Celery's children too)."""
        process, logfile = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        logfile.close()

    def pool_children(self, name):
        process = self.processes[name][0]
        path = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def wait_http(self, path, timeout=30, status=200):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Browser(self.web_port, timeout=2).get(path)[0] == status:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{path} did not answer {status} within {timeout} s")

    def use_django(self):
        """Configure Django in this process on the stack's database and broker (for setting up and
        counting: the users' traffic goes through HTTP)."""
        os.environ.update({k: v for k, v in self.env.items() if k not in ("GUNICORN_BIND",)})
        import django

        django.setup()

    def close(self):
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)
        self.redis.stop()
        self.pg.destroy()
        shutil.rmtree(self.var, ignore_errors=True)


class Browser:
    """One user: cookies, the CSRF token, a keep-alive connection to 127.0.0.1."""

    def __init__(self, port, timeout=15):
        self.port, self.timeout = port, timeout
        self.cookies = {}
        self.conn = None

    def request(self, method, path, form=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
            except Exception:
                self.conn.close()
                self.conn = None
                raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content.decode("utf-8", "replace"), response.headers

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        form = dict(form) if isinstance(form, dict) else list(form)
        token = self.cookies.get("csrftoken", "")
        if isinstance(form, dict):
            form["csrfmiddlewaretoken"] = token
        else:
            form.append(("csrfmiddlewaretoken", token))
        return self.request("POST", path, form)

    def login(self, username):
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": PASSWORD})

    def close(self):
        if self.conn is not None:
            self.conn.close()


class FormReader(HTMLParser):
    """The fields of the first <form method=post> whose action matches, as a browser would send them."""

    def __init__(self, action_pattern):
        super().__init__()
        self.pattern = re.compile(action_pattern)
        self.fields = []
        self.inside = self.done = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (a.get("method") or "").lower() == "post":
            self.inside = bool(self.pattern.search(a.get("action") or ""))
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            name, selected, first = self._select
            self.fields.append((name, selected if selected is not None else (first or "")))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_fields(html, action_pattern=r""):
    reader = FormReader(action_pattern)
    reader.feed(html)
    return reader.fields
