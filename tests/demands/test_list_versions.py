"""Optimistic concurrency on the village list form (issue 14, point 11): two browsers editing the
same list. Each save carries the list's version; one based on an older version answers 409 with
该记录已被他人修改，请刷新后再改 and saves nothing."""

import json

import pytest
from django.test import Client

from core.concurrency import CONFLICT_MESSAGE
from demands.models import DemandItem, Submission
from demands.services.lists import submission_return, submission_submit
from tests.browser import login, wait_for
from tests.demands.factories import DemandCategoryFactory
from tests.demands.factories import submission_of as sub


def autosave(client, submission, payload):
    body = json.dumps(payload)
    return client.post(f"/demands/submissions/{submission.pk}/autosave/", body, content_type="application/json")


def row(key, category, **fields):
    return {"client_key": key, "category": category.pk, "urgency": "low", **fields}


def browser_of(user):
    client = Client()
    client.force_login(user)
    return client


def page_version(client, submission):
    return client.get(f"/demands/submissions/{submission.pk}/").context["list_version"]


def test_a_second_browser_saving_on_an_old_version_gets_409_and_saves_nothing(open_round, secretary, category):
    submission = sub(open_round, secretary.village)
    first, second = browser_of(secretary.user), browser_of(secretary.user)
    opened = page_version(first, submission)
    assert page_version(second, submission) == opened

    saved = autosave(first, submission, {"rows": [row("a1", category, title="修村道")], "version": opened})
    assert saved.status_code == 200 and saved.json()["version"] == opened + 1

    refused = autosave(second, submission, {"rows": [row("b1", category, title="建水窖")], "version": opened})
    assert refused.status_code == 409
    assert refused.json() == {"ok": False, "error": CONFLICT_MESSAGE, "conflict": True, "version": opened + 1}
    assert list(DemandItem.objects.filter(submission=submission).values_list("title", flat=True)) == ["修村道"]
    assert [r["title"] for r in Submission.objects.get(pk=submission.pk).form_state["rows"]] == ["修村道"]

    # Reloaded, the second browser works on the list as saved and may save again.
    again = page_version(second, submission)
    assert again == opened + 1
    assert autosave(second, submission, {"rows": [row("b1", category, title="建水窖")], "version": again}).json()["ok"]
    assert DemandItem.objects.filter(submission=submission, title="建水窖").exists()


def test_one_browsers_autosaves_in_a_row_each_carry_the_version_answered_before(open_round, secretary, category):
    submission = sub(open_round, secretary.village)
    client = browser_of(secretary.user)
    version = page_version(client, submission)
    for title in ("修", "修村", "修村道"):
        response = autosave(client, submission, {"rows": [row("a1", category, title=title)], "version": version})
        assert response.status_code == 200
        version = response.json()["version"]
    assert DemandItem.objects.get(submission=submission).title == "修村道"


def test_the_form_posted_on_an_old_version_is_refused_with_the_input_shown_again(open_round, secretary, category):
    submission = sub(open_round, secretary.village)
    first, second = browser_of(secretary.user), browser_of(secretary.user)
    opened = page_version(second, submission)
    autosave(first, submission, {"rows": [row("a1", category, title="修村道")], "version": opened})
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-client_key": "b1",
        "items-0-category": category.pk,
        "items-0-title": "建水窖（第二个浏览器）",
        "items-0-urgency": "high",
        "list_version": str(opened),
        "action": "submit",
    }

    response = second.post(f"/demands/submissions/{submission.pk}/", data)

    page = response.content.decode()
    assert response.status_code == 200 and CONFLICT_MESSAGE in page and "建水窖（第二个浏览器）" in page
    submission.refresh_from_db()
    assert submission.status != Submission.Status.SUBMITTED
    assert list(DemandItem.objects.filter(submission=submission).values_list("title", flat=True)) == ["修村道"]


def test_a_page_opened_before_the_list_was_submitted_and_returned_is_out_of_date(
    open_round, secretary, category, township_a_user
):
    submission = sub(open_round, secretary.village)
    client = browser_of(secretary.user)
    opened = page_version(client, submission)
    saved = autosave(client, submission, {"rows": [row("a1", category, title="修村道")], "version": opened})
    submission_submit(submission, secretary.user)
    submission_return(submission, township_a_user, "请补充具体位置")

    stale = autosave(
        client, submission, {"rows": [row("a1", category, title="修村道")], "version": saved.json()["version"]}
    )

    assert stale.status_code == 409 and stale.json()["error"] == CONFLICT_MESSAGE


@pytest.mark.parametrize("version", ["3", -1, 1.5, True])
def test_a_version_that_is_not_a_whole_number_answers_400_in_chinese(open_round, secretary, category, version):
    submission = sub(open_round, secretary.village)
    response = autosave(browser_of(secretary.user), submission, {"rows": [], "version": version})
    assert response.status_code == 400 and "版本号" in response.json()["error"]


@pytest.mark.browser
def test_two_browsers_on_one_list_the_second_is_told_and_keeps_its_copy(
    live_server, browser, transactional_db, district, secretary, open_round
):
    DemandCategoryFactory(name="基础设施建设")
    pages = []
    for _ in range(2):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, live_server, secretary.user.username)
        page.goto(f"{live_server.url}/demands/my-list/")
        page.wait_for_selector("#id_items-0-title")
        pages.append(page)
    first, second = pages

    first.click("#row-items-0 label:text-is('基础设施建设')")
    first.fill("#id_items-0-title", "修复进村道路")
    wait_for(first, "document.getElementById('save-state').textContent.startsWith('已保存')")

    second.click("#row-items-0 label:text-is('基础设施建设')")
    second.fill("#id_items-0-title", "新建蓄水池")
    wait_for(second, "!document.getElementById('conflict-copy').classList.contains('d-none')")
    assert CONFLICT_MESSAGE in second.text_content("#save-state")
    assert "新建蓄水池" in second.input_value("#conflict-rows")
    assert second.input_value("#id_items-0-title") == "新建蓄水池"  # the form keeps what was typed
    submission = Submission.objects.get(round=open_round, village=secretary.village)
    assert list(submission.demands.values_list("title", flat=True)) == ["修复进村道路"]

    # 报送清单 on the out-of-date page sends nothing.
    second.click("#submit-list")
    second.wait_for_timeout(500)
    assert Submission.objects.get(pk=submission.pk).status != Submission.Status.SUBMITTED

    # Reloaded: the list as the first browser saved it, and this browser's copy still there to copy.
    second.reload()
    second.wait_for_selector("#id_items-0-title")
    assert second.input_value("#id_items-0-title") == "修复进村道路"
    assert "新建蓄水池" in second.input_value("#conflict-rows")
    assert second.is_visible("#conflict-copy")
    second.click("#conflict-dismiss")
    second.reload()
    second.wait_for_selector("#id_items-0-title")
    assert not second.is_visible("#conflict-copy")
    for page in pages:
        page.context.close()


def test_rows_kept_through_an_expired_session_keep_the_version_they_were_based_on(open_round, secretary, category):
    from django.contrib.sessions.models import Session

    from tests.factories import TEST_PASSWORD

    submission = sub(open_round, secretary.village)
    client = browser_of(secretary.user)
    opened = page_version(client, submission)
    autosave(browser_of(secretary.user), submission, {"rows": [row("a1", category, title="修村道")], "version": opened})
    Session.objects.all().delete()
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-category": category.pk,
        "items-0-title": "冷库建设",
        "items-0-urgency": "low",
        "list_version": str(opened),
        "action": "save",
    }
    client.post(f"/demands/submissions/{submission.pk}/", data)
    response = client.post(
        "/accounts/login/",
        {"username": "sec_a", "password": TEST_PASSWORD, "next": f"/demands/submissions/{submission.pk}/"},
        follow=True,
    )

    assert 'value="冷库建设"' in response.content.decode()
    assert response.context["list_version"] == str(opened)  # its next save is checked against it
