import pytest

from demands.models import DemandItem, Submission
from demands.services.rounds import ensure_submissions
from tests.browser import login
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory


@pytest.mark.browser
def test_secretary_submits_a_two_item_list_on_a_phone(live_server, phone_page, transactional_db, district, secretary):
    DemandCategoryFactory(name="基础设施建设")
    DemandCategoryFactory(name="农产品销售")
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    page = phone_page
    login(page, live_server, secretary.user.username)
    page.goto(f"{live_server.url}/demands/my-list/")
    page.wait_for_selector("#id_items-0-title")
    # Categories and urgency are buttons (issue 12): one tap on the label.
    page.click("#row-items-0 label:text-is('基础设施建设')")
    page.fill("#id_items-0-title", "修复进村道路")
    page.click("#row-items-0 label:text-is('紧急')")
    page.click("#add-row")
    page.wait_for_selector("#id_items-1-title")
    page.click("#row-items-1 label:text-is('农产品销售')")
    page.fill("#id_items-1-title", "磨盘柿销路对接")
    page.fill("#id_items-1-estimated_funds", "20000")
    page.click("#add-row")  # a third row, added by mistake and left blank, must not block submitting
    page.wait_for_selector("#id_items-2-title")
    # A row is deleted with a 删除此条 button (with undo), not the formset's tiny checkbox (issue 12).
    assert page.is_visible("#row-items-2 .delete-row")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.click("#submit-list")
    # 提交清单 first autosaves (so an offline submit can be queued), then posts the form.
    page.wait_for_selector("#submission-status:text('已报送')")
    submission = Submission.objects.get(round=collection_round, village=secretary.village)
    assert submission.status == Submission.Status.SUBMITTED
    assert set(DemandItem.objects.filter(submission=submission).values_list("title", "status")) == {
        ("修复进村道路", "submitted"),
        ("磨盘柿销路对接", "submitted"),
    }
