"""The demand list form on a phone, in real Chromium: the tap budget, offline typing, an expired
session, finding an error, opening without network. Issue 12, points 1–6."""

import datetime

import pytest
from django.contrib.sessions.models import Session

from demands.models import DemandItem, Submission, number_items
from demands.services.rounds import ensure_submissions
from tests.browser import login, wait_for
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory
from tests.factories import TEST_PASSWORD

CATEGORIES = ["基础设施建设", "产业发展", "农产品销售", "人才培训", "医疗卫生"]
TAP_BUDGET = 60


class Counted:
    """The page, counting what a person would do: taps (clicks, checks) and typed fields (fills)."""

    def __init__(self, page):
        self.page = page
        self.taps = self.typed = self.loads = 0
        page.on("load", lambda _: setattr(self, "loads", self.loads + 1))

    def click(self, selector):
        self.taps += 1
        self.page.click(selector)

    def fill(self, selector, value):
        self.typed += 1
        self.page.fill(selector, value)

    @property
    def total(self):
        return self.taps + self.typed


@pytest.fixture
def list_round(transactional_db, district, village_a):
    for name in CATEGORIES:
        DemandCategoryFactory(name=name)
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    return collection_round


def submission_of(collection_round, village):
    return Submission.objects.get(round=collection_round, village=village)


def category_label(index, choice):
    return f"label[for=id_items-{index}-category_{choice}]"


def type_item(counted, index, number):
    """One item as a secretary enters it: a category tap, a title, a line of detail."""
    counted.click(category_label(index, number % len(CATEGORIES)))
    counted.fill(f"#id_items-{index}-title", f"需求{number + 1}：修缮第{number + 1}组水渠")
    counted.fill(f"#id_items-{index}-detail", f"第{number + 1}组约{100 + number}米")


def checked_label(page, index, field):
    return page.evaluate(
        f"(document.querySelector('input[name=\"items-{index}-{field}\"]:checked') || {{}}).labels?.[0].textContent"
    )


def wait_saved(page):
    wait_for(page, "document.getElementById('save-state').textContent.startsWith('已保存')")


@pytest.mark.browser
def test_a_ten_item_list_takes_at_most_sixty_taps_and_typed_fields(live_server, phone_page, list_round, secretary):
    counted = Counted(phone_page)
    phone_page.goto(f"{live_server.url}/accounts/login/")
    counted.fill("#id_username", secretary.user.username)
    counted.fill("#id_password", TEST_PASSWORD)
    counted.click("button[type=submit]")
    phone_page.wait_for_load_state("networkidle")
    phone_page.goto(f"{live_server.url}/demands/my-list/")
    phone_page.wait_for_selector("#id_items-0-title")
    # The contact is the secretary's own, set once for the list.
    assert phone_page.input_value("#id_list-contact_name") == "王建国"
    assert phone_page.input_value("#id_list-contact_phone") == secretary.phone
    for number in range(10):
        if number:
            counted.click("#add-row")
        type_item(counted, number, number)
    for index in (0, 3, 7):
        counted.fill(f"#id_items-{index}-estimated_funds", "20000")
    counted.click("#submit-list")
    phone_page.wait_for_selector("#submission-status:text('已报送')")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    print(f"10 items: {counted.taps} taps + {counted.typed} typed fields = {counted.total}; {counted.loads} page loads")
    assert counted.total <= TAP_BUDGET
    submission = submission_of(list_round, secretary.village)
    items = number_items(submission.demands.in_list_order())
    assert [item.title for item in items] == [f"需求{n}：修缮第{n}组水渠" for n in range(1, 11)]
    assert {(item.contact_name, item.contact_phone) for item in items} == {("王建国", secretary.phone)}
    assert all(item.status == DemandItem.Status.SUBMITTED for item in items)
    assert phone_page.inner_text("li.list-group-item >> nth=0").startswith("第1条 需求1")


@pytest.mark.browser
def test_offline_in_the_middle_of_typing_loses_nothing_and_submits_once(live_server, phone_page, list_round, secretary):
    page = phone_page
    login(page, live_server, secretary.user.username)
    page.goto(f"{live_server.url}/demands/my-list/")
    page.wait_for_selector("#id_items-0-title")
    page.click(category_label(0, 0))
    page.fill("#id_items-0-title", "修复进村道路")
    wait_saved(page)
    page.context.set_offline(True)
    page.click("#add-row")
    page.click(category_label(1, 1))
    page.fill("#id_items-1-title", "磨盘柿销路对接")
    page.wait_for_selector("#save-state:text('未联网，已暂存在本机')")
    page.click("#submit-list")
    page.wait_for_selector("#save-state:text('联网后将自动报送一次')")
    submission = submission_of(list_round, secretary.village)
    assert submission.status == Submission.Status.DRAFT
    # The local copy holds the offline typing, per user and list.
    stored = page.evaluate(f"localStorage.getItem('fsp:list:{secretary.user.pk}:{submission.pk}')")
    assert "磨盘柿销路对接" in stored
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#submission-status:text('已报送')")
    assert "需求清单已报送" in page.inner_text("main")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert set(submission.demands.values_list("title", "status")) == {
        ("修复进村道路", "submitted"),
        ("磨盘柿销路对接", "submitted"),
    }
    assert submission.history.filter(status=Submission.Status.SUBMITTED).count() == 1
    assert page.evaluate(f"localStorage.getItem('fsp:list:{secretary.user.pk}:{submission.pk}')") is None


@pytest.mark.browser
def test_an_expired_session_keeps_the_input_through_the_login(live_server, phone_page, list_round, secretary):
    page = phone_page
    login(page, live_server, secretary.user.username)
    page.goto(f"{live_server.url}/demands/my-list/")
    page.wait_for_selector("#id_items-0-title")
    page.click(category_label(0, 2))
    chosen = checked_label(page, 0, "category")
    page.fill("#id_items-0-title", "冷库建设")
    page.fill("#id_items-0-detail", "存放磨盘柿")
    wait_saved(page)
    Session.objects.all().delete()  # the idle expiry, on the server
    page.fill("#id_items-0-title", "冷库建设（200立方）")
    page.click("#submit-list")
    page.wait_for_url("**/accounts/login/**")
    assert "登录已超时，请重新登录，您填写的内容已保留" in page.inner_text("main")
    page.fill("#id_username", secretary.user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#id_items-0-title")
    assert "/demands/submissions/" in page.url
    assert page.input_value("#id_items-0-title") == "冷库建设（200立方）"
    assert page.input_value("#id_items-0-detail") == "存放磨盘柿"
    assert checked_label(page, 0, "category") == chosen
    page.click("#submit-list")
    page.wait_for_selector("#submission-status:text('已报送')")
    submission = submission_of(list_round, secretary.village)
    assert list(submission.demands.values_list("title", "status")) == [("冷库建设（200立方）", "submitted")]


@pytest.mark.browser
def test_an_error_on_item_seven_scrolls_to_it_and_keeps_the_other_nine(live_server, phone_page, list_round, secretary):
    page = phone_page
    login(page, live_server, secretary.user.username)
    page.goto(f"{live_server.url}/demands/my-list/")
    page.wait_for_selector("#id_items-0-title")
    for number in range(10):
        if number:
            page.click("#add-row")
        page.click(category_label(number, number % len(CATEGORIES)))
        if number != 6:
            page.fill(f"#id_items-{number}-title", f"第{number + 1}项")
    page.click("#submit-list")
    page.wait_for_selector("#error-summary")
    assert "第7条：需求名称不能为空" in page.inner_text("#error-summary")
    title = page.locator("#id_items-6-title")
    assert "is-invalid" in title.get_attribute("class")
    box = title.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert page.evaluate("document.activeElement.id") == "id_items-6-title"
    assert [page.input_value(f"#id_items-{n}-title") for n in range(10) if n != 6] == [
        f"第{n + 1}项" for n in range(10) if n != 6
    ]
    page.fill("#id_items-6-title", "第7项")
    page.click("#submit-list")
    page.wait_for_selector("#submission-status:text('已报送')")
    titles = [i.title for i in submission_of(list_round, secretary.village).demands.in_list_order()]
    assert sorted(titles) == sorted(f"第{n}项" for n in range(1, 11))


@pytest.mark.browser
def test_paste_copy_delete_undo_and_a_past_date_to_confirm(live_server, phone_page, list_round, secretary):
    page = phone_page
    login(page, live_server, secretary.user.username)
    page.goto(f"{live_server.url}/demands/my-list/")
    page.wait_for_selector("#id_items-0-title")
    page.click("#paste-box summary")
    page.fill("#paste-text", "修复进村道路\t基础设施\t村口至主路\t20万\n\n磨盘柿销路，农产品销售\n坏行 a b c d e f g")
    page.click("#paste-parse")
    page.wait_for_selector("#paste-add")
    assert "第4行：有8列" in page.inner_text("#paste-preview")
    page.click("#paste-add")
    assert page.input_value("#id_items-0-title") == "修复进村道路"
    assert page.input_value("#id_items-0-estimated_funds") == "200000"
    assert checked_label(page, 0, "category") == "基础设施建设"
    assert page.input_value("#id_items-1-title") == "磨盘柿销路"
    page.click("#copy-last")
    assert checked_label(page, 2, "category") == "农产品销售" and page.input_value("#id_items-2-title") == ""
    page.fill("#id_items-2-title", "电商培训")
    page.click("#row-items-1 .delete-row")
    assert page.is_hidden("#row-items-1") and "已删除第2条" in page.inner_text("#undo-bar")
    assert page.inner_text("#row-items-2 .row-num") == "2"
    page.click("#undo-delete")
    assert page.is_visible("#row-items-1") and page.inner_text("#row-items-2 .row-num") == "3"
    page.click("#row-items-2 .delete-row")
    past = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    page.fill("#id_items-0-wanted_by", past)
    page.click("#submit-list")
    page.wait_for_selector("#error-summary")
    assert "早于今天" in page.inner_text("#error-summary")
    page.check("#id_items-0-confirm_past")
    page.click("#submit-list")
    page.wait_for_selector("#submission-status:text('已报送')")
    submission = submission_of(list_round, secretary.village)
    assert sorted(submission.demands.values_list("title", flat=True)) == ["修复进村道路", "磨盘柿销路"]
    assert submission.demands.get(title="修复进村道路").wanted_by.isoformat() == past


@pytest.mark.browser
def test_the_list_opens_from_the_home_screen_without_network(live_server, phone_page, list_round, secretary):
    page = phone_page
    login(page, live_server, secretary.user.username)
    page.goto(f"{live_server.url}/demands/my-list/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{live_server.url}/demands/my-list/")  # the home-screen icon's address, now through the worker
    assert page.evaluate("!!navigator.serviceWorker.controller")
    page.click(category_label(0, 0))
    page.fill("#id_items-0-title", "村卫生室改造")
    wait_saved(page)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/demands/my-list/")
    page.wait_for_selector("#id_items-0-title")
    assert page.input_value("#id_items-0-title") == "村卫生室改造"
    assert "未联网" in page.inner_text("#save-state")
    page.goto(f"{live_server.url}/teams/")
    assert "此页面需要联网" in page.inner_text("body")
