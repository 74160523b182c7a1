"""The admin's export page (django-import-export) in a real Chromium under the
Content-Security-Policy: no violation, and its 全选 box works (static/js/export_fields.js instead
of the package's inline onchange, which the CSP refuses)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from secretaries.services import org_login_grant
from tests.browser import login, wait_for
from tests.dashboard.test_csp_browser import LISTEN

FIELDS = '.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)'


@pytest.mark.browser
def test_the_admin_export_page_runs_with_no_csp_violation_and_its_select_all_box_works(
    live_server, browser, transactional_db, org_user, secretary
):
    org_login_grant(org_user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15000)
    context.add_init_script(LISTEN)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    login(page, live_server, org_user.username)

    page.goto(f"{live_server.url}/admin/secretaries/secretary/export/")
    page.wait_for_load_state("networkidle")
    boxes = page.locator(FIELDS)
    assert boxes.count() > 5
    assert page.evaluate(f"[...document.querySelectorAll('{FIELDS}')].every((box) => box.checked)")

    page.click("#select-all-toggle")
    wait_for(page, f"[...document.querySelectorAll('{FIELDS}')].every((box) => !box.checked)")
    page.click("label[for=select-all-toggle]")  # the label works too (the box has its id now)
    wait_for(page, f"[...document.querySelectorAll('{FIELDS}')].every((box) => box.checked)")

    # Export one field only: clear all, tick the first (姓名), send.
    page.click("#select-all-toggle")
    boxes.first.check()
    with page.expect_download() as download:
        page.click("input[type=submit]")
    # The download's file has no .xlsx name, which openpyxl asks of a path: read it as bytes.
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    assert [cell.value for cell in sheet[1]] == ["姓名"] and sheet.cell(2, 1).value == secretary.name

    assert page.evaluate("window.__csp") == [] and errors == []
    context.close()
