"""In real headless Chromium: log in, search a secretary, open the page (desktop and phone)."""

import pytest

from tests.browser import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_township_staff_log_in_search_a_secretary_and_open_the_page(live_server, page, township_a_user, secretary):
    login(page, live_server, township_a_user.username)
    assert "乡镇工作台" in page.content()
    page.click("#nav-people")
    page.click("a.dropdown-item:text-is('第一书记')")
    page.fill("input[name=q]", secretary.name[:2])
    page.click("button:has-text('查询')")
    page.click(f"a:has-text('{secretary.name}')")
    page.wait_for_load_state()
    assert f"/secretaries/{secretary.pk}/" in page.url
    body = page.inner_text("main")
    assert secretary.village.name in body
    # Township staff call their own villages' secretaries: the number in full, a tel: link.
    assert page.get_attribute(f"a[href='tel:{secretary.phone}']", "href") == f"tel:{secretary.phone}"
    assert secretary.id_number not in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_list_fits_a_phone_screen(live_server, phone_page, org_user, secretary):
    login(phone_page, live_server, org_user.username)
    phone_page.goto(f"{live_server.url}/secretaries/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling of the page itself
    assert phone_page.is_visible(f"a:has-text('{secretary.name}')")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_answered_in_chinese_in_the_browser(live_server, page, township_a_user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", township_a_user.username)
    page.fill("#id_password", "Wrong-password-1")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("main")
