import pytest

from demands.models import DemandEvent, DemandItem, Submission
from demands.services.lists import ListError, submission_submit
from tests.demands.factories import DemandItemFactory
from tests.demands.factories import submission_of as sub


def form_data(action, rows, total_initial=0):
    data = {"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": str(total_initial), "action": action}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{index}-{key}"] = value
    return data


def test_my_list_takes_the_secretary_to_their_village_for_the_open_round(open_round, secretary, client_for):
    response = client_for(secretary.user).get("/demands/my-list/")
    assert response.status_code == 302
    assert response.url == f"/demands/submissions/{sub(open_round, secretary.village).pk}/"


def test_secretary_adds_two_items_and_submits_them_in_one_post(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    rows = [
        {"category": category.pk, "title": "修复村道", "urgency": "high", "estimated_funds": "120000"},
        {"category": category.pk, "title": "安装路灯", "urgency": "low", "contact_phone": "13800001111"},
    ]
    response = client_for(secretary.user).post(f"/demands/submissions/{submission.pk}/", form_data("submit", rows))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and not submission.on_behalf
    items = DemandItem.objects.filter(submission=submission)
    assert set(items.values_list("title", "status")) == {("安装路灯", "submitted"), ("修复村道", "submitted")}
    assert all(item.submitted_at for item in items)
    assert DemandEvent.objects.filter(item__in=items, action="submit", to_status="submitted").count() == 2


def test_save_draft_keeps_items_as_draft(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    rows = [{"category": category.pk, "title": "修复村道", "urgency": "low"}]
    client_for(secretary.user).post(f"/demands/submissions/{submission.pk}/", form_data("save", rows))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT
    assert DemandItem.objects.get(submission=submission).status == DemandItem.Status.DRAFT


def test_a_bad_row_shows_a_chinese_error_and_saves_nothing(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    rows = [{"category": category.pk, "title": "", "urgency": "low", "contact_phone": "abc"}]
    response = client_for(secretary.user).post(f"/demands/submissions/{submission.pk}/", form_data("submit", rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "第1条：联系电话应为11位手机号" in html and "第1条：需求名称不能为空" in html
    assert not DemandItem.objects.exists()


def test_nil_return_counts_as_submitted(open_round, secretary, client_for):
    submission = sub(open_round, secretary.village)
    client_for(secretary.user).post(f"/demands/submissions/{submission.pk}/", form_data("nil", []))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.is_nil


def test_submitting_nothing_asks_for_a_nil_return_instead(open_round, secretary):
    with pytest.raises(ListError, match="本轮无新增需求"):
        submission_submit(sub(open_round, secretary.village), secretary.user)


def test_a_submitted_list_cannot_be_changed(open_round, secretary, category):
    submission = sub(open_round, secretary.village)
    submission_submit(submission, secretary.user, nil=True)
    with pytest.raises(ListError, match="已报送"):
        submission_submit(submission, secretary.user, nil=True)


def test_township_b_cannot_see_or_submit_for_township_a_by_url(open_round, village_a, township_b_user, client_for):
    submission = sub(open_round, village_a)
    client = client_for(township_b_user)
    assert client.get(f"/demands/submissions/{submission.pk}/").status_code == 404
    assert client.post(f"/demands/submissions/{submission.pk}/", form_data("nil", [])).status_code == 404
    assert client.post(f"/demands/submissions/{submission.pk}/return/", {"reason": "x"}).status_code == 404
    assert client.post(f"/demands/submissions/{submission.pk}/accept/").status_code == 404
    assert (
        client.get(f"/demands/rounds/{open_round.pk}/template.xlsx?township={village_a.township_id}").status_code == 404
    )
    assert (
        client.get(f"/demands/rounds/{open_round.pk}/export.xlsx?township={village_a.township_id}").status_code == 404
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_secretary_b_cannot_open_village_a_submission(open_round, village_a, secretary_b_user, client_for):
    assert client_for(secretary_b_user).get(f"/demands/submissions/{sub(open_round, village_a).pk}/").status_code == 404


def test_township_staff_submit_on_behalf_of_a_village_without_a_secretary(
    open_round, village_a2, township_a_user, category, client_for
):
    submission = sub(open_round, village_a2)
    rows = [{"category": category.pk, "title": "村委会屋顶漏雨", "urgency": "normal"}]
    client_for(township_a_user).post(f"/demands/submissions/{submission.pk}/", form_data("submit", rows))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.on_behalf
    assert DemandEvent.objects.get(item__submission=submission).note == "乡镇代报"


def test_township_staff_do_not_fill_for_a_village_whose_secretary_has_an_account(
    open_round, secretary, township_a_user, client_for
):
    submission = sub(open_round, secretary.village)
    client_for(township_a_user).post(f"/demands/submissions/{submission.pk}/", form_data("nil", []))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_township_returns_a_list_with_a_reason_and_its_items_go_back_to_draft(
    open_round, secretary, township_a_user, category, client_for
):
    submission = sub(open_round, secretary.village)
    DemandItemFactory(
        round=open_round,
        village=secretary.village,
        submission=submission,
        category=category,
        status=DemandItem.Status.DRAFT,
    )
    submission_submit(submission, secretary.user)
    response = client_for(township_a_user).post(
        f"/demands/submissions/{submission.pk}/return/", {"reason": "请补充预计资金"}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.return_reason) == (Submission.Status.RETURNED, "请补充预计资金")
    assert DemandItem.objects.get(submission=submission).status == DemandItem.Status.DRAFT
    assert secretary.user.notices.filter(kind="submission_returned").exists()
    submission_submit(submission, secretary.user)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_returning_without_a_reason_is_refused(open_round, secretary, township_a_user, client_for):
    submission = sub(open_round, secretary.village)
    submission_submit(submission, secretary.user, nil=True)
    client_for(township_a_user).post(f"/demands/submissions/{submission.pk}/return/", {"reason": "  "})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_secretary_cannot_accept_their_own_list(open_round, secretary, client_for):
    submission = sub(open_round, secretary.village)
    submission_submit(submission, secretary.user, nil=True)
    assert client_for(secretary.user).post(f"/demands/submissions/{submission.pk}/accept/").status_code == 403


def test_closed_round_refuses_submission(open_round, secretary):
    open_round.status = "closed"
    open_round.save()
    with pytest.raises(ListError, match="已截止"):
        submission_submit(sub(open_round, secretary.village), secretary.user, nil=True)


def test_department_creates_and_opens_a_round_from_the_template(district, village_a, org_user, client_for):
    client = client_for(org_user)
    form = client.get("/demands/rounds/new/").context["form"]
    data = {key: form.initial[key] for key in ("title", "period_start", "period_end", "deadline", "notice_text")}
    assert "{截止日期}" not in data["notice_text"]
    response = client.post("/demands/rounds/new/", {**data, "action": "open"})
    assert response.status_code == 302
    from demands.models import CollectionRound

    collection_round = CollectionRound.objects.get()
    assert collection_round.status == "open" and collection_round.submissions.count() == 1
    again = client.post("/demands/rounds/new/", {**data, "action": "open"})
    assert again.status_code == 302 and CollectionRound.objects.count() == 1


def test_an_added_row_has_a_delete_box_and_does_not_force_the_browser_to_fill_it(secretary, client_for):
    html = client_for(secretary.user).get("/demands/lists/row/?index=3").content.decode()
    assert 'name="items-3-title"' in html and 'name="items-3-DELETE"' in html
    assert " required" not in html


def test_a_blank_added_row_is_skipped_when_submitting(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    rows = [{"category": category.pk, "title": "修复村道", "urgency": "low"}, {"urgency": "low"}]
    response = client_for(secretary.user).post(f"/demands/submissions/{submission.pk}/", form_data("submit", rows))
    assert response.status_code == 302
    assert list(DemandItem.objects.values_list("title", "status")) == [("修复村道", "submitted")]


def test_items_are_numbered_in_the_order_they_were_entered(open_round, village_a, category):
    from demands.models import number_items

    submission = sub(open_round, village_a)
    first, second, third = (
        DemandItemFactory(submission=submission, round=open_round, village=village_a, category=category, title=t)
        for t in ("修路", "修桥", "建棚")
    )
    numbered = number_items(submission.demands.in_list_order())
    assert [(item.number, item.title) for item in numbered] == [(1, "修路"), (2, "修桥"), (3, "建棚")]
    assert [item.pk for item in DemandItem.objects.filter(submission=submission)] != [first.pk, second.pk, third.pk]
