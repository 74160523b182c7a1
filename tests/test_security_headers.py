"""The Content-Security-Policy and Permissions-Policy headers on every answer (the browser walk in
tests/dashboard/test_csp_browser.py checks that the pages keep to the policy)."""

import base64
import hashlib
import re

import pytest
from django.conf import settings

from config.views import server_error
from dashboard import charts


def directives(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/sw.js", "/offline/", "/healthz"])
def test_every_answer_carries_the_policy_with_no_inline_or_eval_script(client_for, org_user, url):
    response = client_for(org_user).get(url)
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["style-src-attr"] == "'unsafe-inline'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'" and policy["base-uri"] == "'self'"
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text)]
        found += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+=", text)]
    # json_script's <script type="application/json"> is data, not script; it is written by a filter.
    assert found == []


def test_the_500_page_allows_its_one_inline_style_by_hash(rf):
    response = server_error(rf.get("/"))
    html = response.content.decode()
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert response._csp_update == {"style-src-elem": [f"'sha256-{digest}'"]}


def test_charts_carry_no_inline_style_and_the_static_stylesheet_is_current():
    svg = charts.bar("标题", ["甲", "乙"], [("数量", [1, 2])])
    assert "<style" not in svg and "<script" not in svg and 'class="pygal-chart"' in svg
    current = (settings.BASE_DIR / "static" / charts.STYLESHEET_PATH).read_text(encoding="utf-8")
    assert current == charts.stylesheet(), "static/css/charts.css 已过期：运行 python manage.py chart_stylesheet"
