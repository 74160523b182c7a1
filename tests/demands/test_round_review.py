"""The township's review page of a round: every village on one page, 批量接收, 退回 with a reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.scoping import scope_for
from demands.models import DemandEvent, DemandItem, Submission
from demands.selectors_lists import review_board
from demands.services.lists import submission_submit
from demands.services.rounds import ensure_submissions
from notices.models import Notice
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory, DemandItemFactory
from tests.factories import VillageFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def open_round(district, village_a, village_a2, village_b):
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    return collection_round


def sub(collection_round, village):
    return Submission.objects.get(round=collection_round, village=village)


def submitted(collection_round, village, by, titles=("修复村道", "安装路灯")):
    """The village's list with `titles` as items (entered in that order), submitted by `by`."""
    submission = sub(collection_round, village)
    category = DemandCategoryFactory(name="基础设施建设")
    for title in titles:
        DemandItemFactory(
            round=collection_round,
            village=village,
            submission=submission,
            category=category,
            title=title,
            status=DemandItem.Status.DRAFT,
        )
    return submission_submit(submission, by, nil=not titles)


def review_url(collection_round, township=None):
    url = f"/demands/rounds/{collection_round.pk}/review/"
    return f"{url}?township={township.pk}" if township else url


def test_township_staff_see_each_of_their_villages_with_its_state_and_numbered_items(
    open_round, secretary, township_a_user, village_a2, client_for
):
    submitted(open_round, secretary.village, secretary.user, titles=("修复村道", "安装路灯", "建冷库"))
    html = client_for(township_a_user).get(review_url(open_round)).content.decode()
    assert "六渡村" in html and "西庄村" in html and "黑龙关村" not in html
    assert html.index("第1条</span> <strong>修复村道") < html.index("第2条</span> <strong>安装路灯")
    assert "第3条</span> <strong>建冷库" in html
    assert "待审 <strong>1</strong>" in html and "未报送 1" in html
    assert f'name="submission" value="{sub(open_round, secretary.village).pk}"' in html  # its 批量接收 box


def test_the_department_picks_a_township_and_sees_how_many_wait(
    open_round, secretary, township_a, township_b, org_user, client_for
):
    submitted(open_round, secretary.village, secretary.user)
    client = client_for(org_user)
    picker = client.get(review_url(open_round)).content.decode()
    assert f"?township={township_a.pk}" in picker and "待审 1" in picker and "佛子庄乡" in picker
    board = client.get(review_url(open_round, township_b)).content.decode()
    assert "黑龙关村" in board and "六渡村" not in board


def test_another_townships_page_answers_404(open_round, township_a, township_b_user, client_for):
    assert client_for(township_b_user).get(review_url(open_round, township_a)).status_code == 404


def test_batch_accept_accepts_every_ticked_list(open_round, secretary, village_a2, township_a_user, client_for):
    lists = [
        submitted(open_round, secretary.village, secretary.user),
        submitted(open_round, village_a2, township_a_user),
    ]
    response = client_for(township_a_user).post(
        f"/demands/rounds/{open_round.pk}/review/accept/", {"submission": [s.pk for s in lists]}, **HTMX
    )
    assert response.status_code == 200
    assert "已接收2个村的清单：六渡村、西庄村。" in response.content.decode()
    assert set(Submission.objects.filter(pk__in=[s.pk for s in lists]).values_list("status", flat=True)) == {"accepted"}


def test_batch_accept_writes_the_same_records_as_accepting_one_by_one(
    open_round, secretary, village_a2, township_a_user, client_for
):
    one = submitted(open_round, secretary.village, secretary.user)
    other = submitted(open_round, village_a2, township_a_user)
    client = client_for(township_a_user)

    def records():
        return DemandEvent.objects.count(), Notice.objects.count()

    before = records()
    client.post(f"/demands/submissions/{one.pk}/accept/")
    after_one = records()
    client.post(f"/demands/rounds/{open_round.pk}/review/accept/", {"submission": [other.pk]})
    after_batch = records()
    assert after_one[0] - before[0] == after_batch[0] - after_one[0]  # demand events
    assert after_one[1] - before[1] == after_batch[1] - after_one[1]  # notices

    def last_history(submission):
        record = submission.history.order_by("-history_id").first()
        return record.history_type, record.status, record.history_user_id, record.accepted_at is not None

    assert last_history(one) == last_history(other) == ("~", "accepted", township_a_user.pk, True)


def test_a_batch_with_one_foreign_list_answers_404_and_accepts_none(
    open_round, secretary, secretary_b, township_a_user, client_for
):
    own = submitted(open_round, secretary.village, secretary.user)
    foreign = submitted(open_round, secretary_b.village, secretary_b.user)
    response = client_for(township_a_user).post(
        f"/demands/rounds/{open_round.pk}/review/accept/", {"submission": [own.pk, foreign.pk]}
    )
    assert response.status_code == 404
    assert list(Submission.objects.filter(pk__in=[own.pk, foreign.pk]).values_list("status", flat=True)) == [
        "submitted",
        "submitted",
    ]


def test_a_batch_with_one_list_that_cannot_be_accepted_accepts_none(
    open_round, secretary, village_a2, township_a_user, client_for
):
    ready = submitted(open_round, secretary.village, secretary.user)
    draft = sub(open_round, village_a2)
    response = client_for(township_a_user).post(
        f"/demands/rounds/{open_round.pk}/review/accept/", {"submission": [ready.pk, draft.pk]}, **HTMX
    )
    html = response.content.decode()
    assert "未接收任何清单：只有已报送的清单可以接收（西庄村：草稿）" in html
    ready.refresh_from_db()
    assert ready.status == Submission.Status.SUBMITTED


def test_a_batch_accept_without_a_plain_form_post_redirects_to_the_same_township_page(
    open_round, secretary, township_a, township_a_user, client_for
):
    own = submitted(open_round, secretary.village, secretary.user)
    client = client_for(township_a_user)
    response = client.post(f"/demands/rounds/{open_round.pk}/review/accept/", {"submission": [own.pk]})
    assert response.status_code == 302
    assert response.url == f"{review_url(open_round, township_a)}#village-{own.village_id}"
    assert "已接收1个村的清单：六渡村。" in client.get(response.url).content.decode()


@pytest.mark.parametrize("bad", [["abc"], ["999999"], ["1 OR 1=1"]])
def test_a_bad_list_id_answers_404(open_round, township_a_user, client_for, bad):
    response = client_for(township_a_user).post(f"/demands/rounds/{open_round.pk}/review/accept/", {"submission": bad})
    assert response.status_code == 404


def test_nothing_ticked_asks_to_tick(open_round, township_a_user, client_for):
    response = client_for(township_a_user).post(f"/demands/rounds/{open_round.pk}/review/accept/", {}, **HTMX)
    assert "请先勾选要接收的村。" in response.content.decode()


def test_return_needs_a_reason_said_next_to_the_field(open_round, secretary, township_a_user, client_for):
    own = submitted(open_round, secretary.village, secretary.user)
    response = client_for(township_a_user).post(
        f"/demands/rounds/{open_round.pk}/review/{own.pk}/return/", {"reason": "   "}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="reason-{own.pk}-error">请填写退回原因</div>' in html
    assert "data-focus" in html
    own.refresh_from_db()
    assert own.status == Submission.Status.SUBMITTED


def test_a_too_long_reason_is_refused_and_kept(open_round, secretary, township_a_user, client_for):
    own = submitted(open_round, secretary.village, secretary.user)
    reason = "请补充" + "预算" * 300
    response = client_for(township_a_user).post(
        f"/demands/rounds/{open_round.pk}/review/{own.pk}/return/", {"reason": reason}
    )
    html = response.content.decode()
    assert "退回原因最多 500 字（现有 603 字）" in html and reason in html  # nothing typed is lost
    own.refresh_from_db()
    assert own.status == Submission.Status.SUBMITTED


def test_a_returned_list_shows_its_reason_and_items_without_doubled_punctuation(
    open_round, secretary, township_a_user, client_for
):
    own = submitted(open_round, secretary.village, secretary.user)
    client = client_for(township_a_user)
    response = client.post(
        f"/demands/rounds/{open_round.pk}/review/{own.pk}/return/", {"reason": "请补充预计资金。"}, **HTMX
    )
    board = response.content.decode()
    assert "已退回六渡村的清单" in board
    assert "退回原因：请补充预计资金。" in board and "。。" not in board
    assert "第1条</span> <strong>修复村道" in board and "第2条</span> <strong>安装路灯" in board
    assert f'id="village-{own.village_id}" data-state="returned"' in board
    assert secretary.user.notices.filter(kind="submission_returned").exists()
    assert set(DemandItem.objects.filter(submission=own).values_list("status", flat=True)) == {"draft"}
    # The list's own page, as the reviewer sees it after 退回: the reason once, and the items.
    page = client.get(f"/demands/submissions/{own.pk}/").content.decode()
    assert "退回原因：请补充预计资金。" in page and "。。" not in page
    assert "第1条</span> <strong>修复村道" in page and "第2条</span> <strong>安装路灯" in page


def test_returning_another_townships_list_answers_404(open_round, secretary, township_b_user, client_for):
    own = submitted(open_round, secretary.village, secretary.user)
    response = client_for(township_b_user).post(
        f"/demands/rounds/{open_round.pk}/review/{own.pk}/return/", {"reason": "不行"}
    )
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.status == Submission.Status.SUBMITTED


def test_a_secretary_cannot_open_the_review_page(open_round, secretary, client_for):
    assert client_for(secretary.user).get(review_url(open_round)).status_code == 403


def test_late_and_overdue_villages_are_marked(open_round, secretary, village_a2, township_a_user, client_for):
    open_round.deadline = open_round.period_start  # long past: the lists now in were sent late
    open_round.save()
    submitted(open_round, secretary.village, secretary.user)
    html = client_for(township_a_user).get(review_url(open_round)).content.decode()
    assert html.count("逾期报送") == 1 and html.count("已过截止日期") == 1


def test_the_board_reads_the_same_number_of_queries_for_3_and_15_villages(
    open_round, township_a, secretary, township_a_user
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            review_board(open_round, township_a_user, township_a)
        return len(captured)

    submitted(open_round, secretary.village, secretary.user)
    scope_for(township_a_user)  # the login's scope is read once per request, not per board
    few = queries()
    for number in range(12):
        VillageFactory(township=township_a, name=f"新村{number}")
    ensure_submissions(open_round)
    assert queries() == few == 3


def test_a_plain_form_return_comes_back_to_the_same_township_page_at_the_village(
    open_round, secretary, township_a, township_a_user, client_for
):
    own = submitted(open_round, secretary.village, secretary.user)
    client = client_for(township_a_user)
    response = client.post(f"/demands/rounds/{open_round.pk}/review/{own.pk}/return/", {"reason": "请补充预计资金"})
    assert response.status_code == 302
    assert response.url == f"{review_url(open_round, township_a)}#village-{own.village_id}"
    page = client.get(response.url).content.decode()
    assert "已退回六渡村的清单" in page and "退回原因：请补充预计资金" in page
