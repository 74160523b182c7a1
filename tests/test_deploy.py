"""deploy/ (issue 15, point 6): the nginx site runs as written, in front of a real gunicorn, and
shields it from slow clients; the systemd units start what the README says, beat on one unit only.

The nginx test runs Debian's nginx (make test installs nginx-light with Chromium) as an ordinary
process on free ports of 127.0.0.1, with a throwaway self-signed certificate, and stops it by its id."""

import configparser
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "server did not start"
            time.sleep(0.1)


def site_for_test(tmp_path, *, http_port, https_port, upstream_port, static_root):
    """The site as shipped, with only its host-specific values replaced."""
    site = (DEPLOY / "nginx-fsp.conf").read_text(encoding="utf-8")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{upstream_port};",
        "/etc/ssl/fsp/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/ssl/fsp/privkey.pem": str(tmp_path / "key.pem"),
        "/srv/fsp/var/staticfiles/": f"{static_root}/",
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx-fsp.conf no longer contains {old!r}"
        site = site.replace(old, new)
    return site


@pytest.fixture
def nginx_bin():
    if not os.path.exists(NGINX):
        pytest.fail("此测试需要 nginx：apt-get install -y nginx-light（make test 会自动安装）")
    return NGINX


@pytest.fixture
def gunicorn_one_thread(tmp_path):
    """The project's gunicorn with one worker and one thread: alone, one slow client would block it."""
    port = free_port()
    env = {
        **os.environ,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "deploy-test-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_PROXY_SSL_HEADER": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def test_the_nginx_site_serves_the_app_static_files_and_holds_slow_clients(nginx_bin, gunicorn_one_thread, tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    # nginx's workers drop to an unprivileged user: the static folder must be readable by them.
    static_root = Path(tempfile.mkdtemp(prefix="fsp-static-"))
    static_root.chmod(0o755)
    (static_root / "css").mkdir(mode=0o755)
    (static_root / "css" / "site.abc123.css").write_text("body{}")
    http_port, https_port = free_port(), free_port()
    site = site_for_test(
        tmp_path, http_port=http_port, https_port=https_port, upstream_port=gunicorn_one_thread, static_root=static_root
    )
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nworker_processes 1;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  fastcgi_temp_path {tmp_path}/f; uwsgi_temp_path {tmp_path}/u; scgi_temp_path {tmp_path}/s;\n"
        f"  include /etc/nginx/mime.types;\n{site}\n}}\n"
    )
    conf = ["-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([nginx_bin, "-t", *conf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([nginx_bin, "-g", "daemon off;", *conf], stderr=subprocess.DEVNULL)
    slow = []
    try:
        wait_for_port(https_port, nginx)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE

        def get(path, headers=""):
            raw = socket.create_connection(("127.0.0.1", https_port), timeout=10)
            with context.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n".encode())
                answer = b""
                while chunk := tls.recv(65536):
                    answer += chunk
            return answer.decode("utf-8", "replace")

        # Plain HTTP is sent to HTTPS.
        with socket.create_connection(("127.0.0.1", http_port), timeout=5) as plain:
            plain.sendall(b"GET /demands/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            assert re.match(r"HTTP/1.1 301", plain.recv(4096).decode())

        static = get("/static/css/site.abc123.css")
        assert static.startswith("HTTP/1.1 200") and "immutable" in static and static.endswith("body{}")
        assert get("/media/activities/photo.jpg").startswith("HTTP/1.1 404")  # never straight from disk

        # Slow clients: each sends half a request body and stops. nginx holds them; the one-thread
        # gunicorn behind it still answers the next client at once.
        for _ in range(5):
            raw = socket.create_connection(("127.0.0.1", https_port), timeout=10)
            tls = context.wrap_socket(raw, server_hostname="localhost")
            tls.sendall(  # a same-origin login, so Django reads the body (the CSRF token) and waits on it
                b"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\nOrigin: https://localhost\r\n"
                b"Cookie: csrftoken=abcdefghijklmnopqrstuvwxyzABCDEF\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername="
            )
            slow.append(tls)
        time.sleep(0.5)
        started = time.monotonic()
        login_page = get("/accounts/login/")
        assert login_page.startswith("HTTP/1.1 200"), login_page[:300]
        assert "登录" in login_page
        assert time.monotonic() - started < 5
    finally:
        for client in slow:
            client.close()
        nginx.terminate()
        nginx.wait(10)
        shutil.rmtree(static_root, ignore_errors=True)


def units():
    parsed = {}
    for path in DEPLOY.glob("*.service"):
        unit = configparser.ConfigParser(interpolation=None, strict=False)
        unit.optionxform = str
        unit.read(path, encoding="utf-8")
        parsed[path.name] = unit
    return parsed


def test_the_systemd_units_start_web_worker_one_beat_and_the_nightly_backup():
    found = units()
    commands = {name: unit["Service"]["ExecStart"] for name, unit in found.items()}
    assert "gunicorn -c config/gunicorn.conf.py config.wsgi" in commands["fsp-web.service"]
    assert "celery -A config worker" in commands["fsp-worker.service"]
    assert [name for name, command in commands.items() if " beat" in command] == ["fsp-beat.service"]
    assert "manage.py backup" in commands["fsp-backup.service"]
    for name, unit in found.items():
        assert unit["Service"]["EnvironmentFile"] == "/etc/fsp/fsp.env", name
        assert unit["Service"]["User"] == "fsp", name
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(DEPLOY / "fsp-backup.timer", encoding="utf-8")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"


def test_the_example_environment_names_only_settings_the_readme_describes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "fsp.env.example").read_text(encoding="utf-8"), re.M)
    assert "DATABASE_URL" in names and "MEDIA_ROOT" in names
    for name in names:
        assert f"`{name}`" in readme, f"{name} is not in the README's settings table"
