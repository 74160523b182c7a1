"""One real-browser walk of the loop across three logins: the org department accepts and
dispatches, the assignee resolves on a phone, the village's secretary rates."""

import pytest

from demands.models import DemandItem
from tests.browser import PHONE, login
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory


@pytest.mark.browser
def test_accept_dispatch_resolve_rate_across_three_logins(
    live_server, transactional_db, browser, org_user, secretary_user, secretary_b, secretary_b_user, village_a
):
    item = DemandItemFactory(village=village_a, category=DemandCategoryFactory(name="人居环境"), title="垃圾分类站建设")

    org = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(org, live_server, org_user.username)
    org.goto(f"{live_server.url}/demands/queue/?tab=to_accept")
    org.click("text=垃圾分类站建设")
    org.click("#form-accept button[type=submit]")
    org.wait_for_selector("text=已接单：垃圾分类站建设")
    org.click("#to-candidates")
    org.click(f"button[data-candidate='secretary:{secretary_b.pk}']")
    org.wait_for_selector("#item-assignee")
    assert "李红梅" in org.inner_text("#item-assignee")

    phone = browser.new_context(locale="zh-CN", **PHONE).new_page()
    login(phone, live_server, secretary_b_user.username)
    phone.goto(f"{live_server.url}/demands/queue/?tab=mine")
    phone.click("text=垃圾分类站建设")
    phone.fill("#id_progress-note", "已联系环卫公司")
    phone.click("#form-progress button[type=submit]")
    phone.wait_for_selector("text=已填报进展：垃圾分类站建设")
    phone.fill("#id_resolve-resolution", "建成分类站 2 座")
    phone.fill("#id_resolve-funds_secured", "30000")
    phone.click("#form-resolve button[type=submit]")
    phone.wait_for_selector("text=已办结：垃圾分类站建设")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    village = browser.new_context(locale="zh-CN", **PHONE).new_page()
    login(village, live_server, secretary_user.username)
    village.goto(f"{live_server.url}/demands/queue/?tab=to_rate")
    village.click("text=垃圾分类站建设")
    village.click("#form-rate label:has-text('非常满意')")  # score buttons, large enough for a thumb
    assert village.is_checked("#form-rate input[name='rate-rating'][value='5']")
    village.fill("#id_rate-comment", "群众很满意")
    village.click("#form-rate button[type=submit]")
    village.wait_for_selector("text=已评价：垃圾分类站建设")
    assert "已评价" in village.inner_text("#item-status")
    timeline = village.inner_text("#timeline")
    for step in ["接单", "派单", "进展", "办结", "评价"]:
        assert step in timeline

    item.refresh_from_db()
    assert (item.status, item.rating, item.assignee_secretary_id) == (DemandItem.Status.RATED, 5, secretary_b.pk)
    for page in (org, phone, village):
        page.context.close()
