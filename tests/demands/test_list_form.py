"""The list form's server side: autosave (scope, state, one draft per row), pasting several items,
the checks, and input kept through an expired session. Issue 12."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError

from demands.models import DemandItem, Submission
from demands.paste import parse_pasted_items
from demands.services.lists import submission_submit
from secretaries.validators import validate_contact_phone, validate_funds, validate_mobile
from tests.demands.factories import DemandItemFactory
from tests.demands.factories import submission_of as sub
from tests.factories import TEST_PASSWORD


def autosave(client, submission, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(f"/demands/submissions/{submission.pk}/autosave/", body, content_type="application/json")


def row(key, category=None, **fields):
    return {"client_key": key, "category": category.pk if category else "", "urgency": "low", **fields}


# Autosave --------------------------------------------------------------------------------------


def test_an_autosave_sent_twice_is_one_draft(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    client = client_for(secretary.user)
    first = autosave(client, submission, {"rows": [row("k1", category, title="修村道")]})
    assert first.status_code == 200 and first.json()["ok"]
    autosave(client, submission, {"rows": [row("k1", category, title="修村道（2公里）")]})
    draft = DemandItem.objects.get(submission=submission)
    assert (draft.title, draft.status, draft.client_key) == ("修村道（2公里）", "draft", "k1")
    assert first.json()["ids"] == {"k1": draft.pk}


def test_an_incomplete_row_is_kept_on_the_submission_and_shown_again(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    client = client_for(secretary.user)
    response = autosave(
        client,
        submission,
        {"rows": [row("k1", category, title="修村道"), row("k2", detail="还没想好名称")], "contact": {}},
    )
    assert response.json()["errors"]["k2"]["title"] == ["需求名称不能为空"]
    assert DemandItem.objects.filter(submission=submission).count() == 1
    page = client.get(f"/demands/submissions/{submission.pk}/").content.decode()
    assert "修村道" in page and "还没想好名称" in page


def test_a_deleted_row_loses_its_draft(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    client = client_for(secretary.user)
    autosave(client, submission, {"rows": [row("k1", category, title="修村道")]})
    autosave(client, submission, {"rows": [], "deleted": ["k1"]})
    assert not DemandItem.objects.filter(submission=submission).exists()


def test_saving_the_form_after_an_autosave_updates_the_same_draft(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    client = client_for(secretary.user)
    autosave(client, submission, {"rows": [row("k1", category, title="修村道")]})
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-client_key": "k1",
        "items-0-category": category.pk,
        "items-0-title": "修村道",
        "items-0-urgency": "high",
        "action": "submit",
    }
    assert client.post(f"/demands/submissions/{submission.pk}/", data).status_code == 302
    assert list(DemandItem.objects.filter(submission=submission).values_list("urgency", "status")) == [
        ("high", "submitted")
    ]


def test_autosave_of_another_village_or_township_answers_404(
    open_round, village_a, village_b, secretary, secretary_b_user, township_b_user, category, client_for
):
    for user in (secretary_b_user, township_b_user):
        response = autosave(client_for(user), sub(open_round, village_a), {"rows": [row("k1", category, title="x")]})
        assert response.status_code == 404 and "不在您的填报范围内" in response.json()["error"]
    assert not DemandItem.objects.exists()


@pytest.mark.parametrize("status", [Submission.Status.SUBMITTED, Submission.Status.ACCEPTED])
def test_a_submitted_or_accepted_list_cannot_be_changed_by_autosave(
    open_round, secretary, category, client_for, status
):
    submission = sub(open_round, secretary.village)
    DemandItemFactory(
        submission=submission, round=open_round, village=secretary.village, category=category, status="draft"
    )
    submission_submit(submission, secretary.user)
    Submission.objects.filter(pk=submission.pk).update(status=status)
    response = autosave(client_for(secretary.user), submission, {"rows": [row("k9", category, title="偷偷加一条")]})
    assert response.status_code == 409 and "不能再修改" in response.json()["error"]
    assert not DemandItem.objects.filter(title="偷偷加一条").exists()


@pytest.mark.parametrize(
    "body", ["{not json", json.dumps([1, 2]), json.dumps({"rows": [{"title": "没有 key"}]}), json.dumps({"rows": "x"})]
)
def test_autosave_of_bad_json_answers_400_in_chinese(open_round, secretary, client_for, body):
    response = autosave(client_for(secretary.user), sub(open_round, secretary.village), body)
    assert response.status_code == 400 and "数据格式不正确" in response.json()["error"]


def test_autosave_keeps_csrf(open_round, secretary, category):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary.user)
    response = autosave(client, sub(open_round, secretary.village), {"rows": [row("k1", category, title="x")]})
    assert response.status_code == 403 and not DemandItem.objects.exists()


def test_the_default_contact_is_the_secretarys_own_and_fills_items_without_one(
    open_round, secretary, category, client_for
):
    submission = sub(open_round, secretary.village)
    client = client_for(secretary.user)
    page = client.get(f"/demands/submissions/{submission.pk}/").content.decode()
    assert 'value="王建国"' in page and f'value="{secretary.phone}"' in page
    contact = {"contact_name": "王建国", "contact_phone": secretary.phone}
    autosave(
        client,
        submission,
        {
            "contact": contact,
            "rows": [
                row("k1", category, title="修村道"),
                row("k2", category, title="建冷库", contact_name="李会计", contact_phone="010-61340000"),
            ],
        },
    )
    contacts = dict(DemandItem.objects.values_list("title", "contact_phone"))
    assert contacts == {"修村道": secretary.phone, "建冷库": "010-61340000"}


# Pasting ---------------------------------------------------------------------------------------

CATEGORIES = [(1, "基础设施建设"), (2, "农产品销售"), (3, "人才培训")]


def test_paste_reads_excel_tabs_and_skips_blank_lines_and_the_header():
    text = "需求名称\t类别\t具体内容\n修复进村道路\t基础设施建设\t村口至主路\t20万\t2026/9/30\n\n\n电商培训\t人才培训\n"
    result = parse_pasted_items(text, CATEGORIES)
    assert [(r.line, r.title, r.category_id, r.estimated_funds, r.wanted_by) for r in result.rows] == [
        (2, "修复进村道路", 1, "200000", "2026-09-30"),
        (5, "电商培训", 3, "", ""),
    ]
    assert result.problems == []


@pytest.mark.parametrize(
    "line",
    [
        "磨盘柿销路,农产品销售,找电商",
        "磨盘柿销路，农产品销售，找电商",
        "磨盘柿销路、农产品销售、找电商",
        "磨盘柿销路  农产品\u3000找电商",
    ],
)
def test_paste_splits_commas_chinese_commas_dun_hao_and_runs_of_spaces(line):
    (pasted,) = parse_pasted_items(line, CATEGORIES).rows
    assert (pasted.title, pasted.category_id, pasted.detail) == ("磨盘柿销路", 2, "找电商")


def test_paste_refuses_too_many_columns_and_notes_too_few():
    result = parse_pasted_items("只有名称\n一，二，三，四，五，六，七", CATEGORIES)
    (only,) = result.rows
    assert only.title == "只有名称" and only.notes == ["未填类别，请选择"]
    assert result.problems == [
        "第2行：有7列，最多5列（需求名称、类别、具体内容、预计资金（元）、期望完成时间）；请检查分隔符，或把多出的内容并入具体内容"
    ]


def test_paste_leaves_an_unknown_category_a_bad_amount_or_date_empty_with_a_note():
    (pasted,) = parse_pasted_items("修桥\t桥梁\t\t很多钱\t明年", CATEGORIES).rows
    assert (pasted.category_id, pasted.estimated_funds, pasted.wanted_by) == (None, "", "")
    assert len(pasted.notes) == 3 and "类别“桥梁”不在类别表中" in pasted.notes[0]


def test_paste_of_nothing_says_how_to_paste():
    assert "每行粘贴一条" in parse_pasted_items("\n  \n", CATEGORIES).problems[0]


def test_paste_endpoint_answers_rows_for_the_form(open_round, secretary, category, client_for):
    response = client_for(secretary.user).post(
        f"/demands/submissions/{sub(open_round, secretary.village).pk}/paste/",
        json.dumps({"text": "修村道，基础设施"}),
        content_type="application/json",
    )
    assert response.json()["rows"][0]["category_id"] == category.pk


# Checks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "010-61340000", "0898-12345678", ""])
def test_a_contact_may_be_a_mobile_or_a_landline_with_its_area_code(phone):
    validate_contact_phone(phone)


@pytest.mark.parametrize("phone", ["1381111222", "138123456789", "61340000", "abc", "23812345678"])
def test_a_ten_digit_mobile_or_a_landline_without_area_code_is_refused(phone):
    with pytest.raises(ValidationError, match="11位手机号"):
        validate_contact_phone(phone)


def test_a_secretarys_own_phone_must_be_a_mobile():
    with pytest.raises(ValidationError):
        validate_mobile("010-61340000")


@pytest.mark.parametrize("amount,message", [(Decimal("-1"), "不能为负数"), (Decimal("100000001"), "超过1亿元")])
def test_funds_are_not_negative_and_not_beyond_a_sane_bound(amount, message):
    with pytest.raises(ValidationError, match=message):
        validate_funds(amount)
    validate_funds(Decimal("100000000"))


def test_a_past_wanted_by_date_is_saved_only_once_confirmed(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    past = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-category": category.pk,
        "items-0-title": "修村道",
        "items-0-urgency": "low",
        "items-0-wanted_by": past,
        "items-0-contact_phone": "1381111222",
        "action": "save",
    }
    client = client_for(secretary.user)
    page = client.post(f"/demands/submissions/{submission.pk}/", data).content.decode()
    assert "早于今天" in page and "确认日期无误" in page and "第1条：联系电话应为11位手机号" in page
    assert not DemandItem.objects.exists()
    data |= {"items-0-confirm_past": "on", "items-0-contact_phone": "13811112222"}
    assert client.post(f"/demands/submissions/{submission.pk}/", data).status_code == 302
    assert DemandItem.objects.get().wanted_by.isoformat() == past


# Expired session -------------------------------------------------------------------------------


def test_a_post_after_the_session_expired_is_kept_through_the_login(open_round, secretary, category, client_for):
    submission = sub(open_round, secretary.village)
    client = client_for(secretary.user)
    client.get(f"/demands/submissions/{submission.pk}/")  # the form was open when the session expired
    Session.objects.all().delete()
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-category": category.pk,
        "items-0-title": "冷库建设",
        "items-0-urgency": "low",
        "action": "submit",
    }
    response = client.post(f"/demands/submissions/{submission.pk}/", data, follow=True)
    assert "登录已超时，请重新登录，您填写的内容已保留" in response.content.decode()
    assert not DemandItem.objects.exists()
    response = client.post(
        "/accounts/login/",
        {"username": "sec_a", "password": TEST_PASSWORD, "next": f"/demands/submissions/{submission.pk}/"},
        follow=True,
    )
    html = response.content.decode()
    assert 'value="冷库建设"' in html
    assert not DemandItem.objects.exists()  # kept, shown, not submitted behind the user's back
    assert 'value="冷库建设"' not in client.get(f"/demands/submissions/{submission.pk}/").content.decode()


def test_a_browser_never_logged_in_here_has_nothing_kept_and_writes_no_session(open_round, secretary, category, client):
    submission = sub(open_round, secretary.village)
    client.get("/accounts/login/")  # a CSRF cookie, as a script flooding the form would fetch
    for title in ("甲", "乙", "丙"):
        response = client.post(f"/demands/submissions/{submission.pk}/", {"items-0-title": title}, follow=True)
        html = response.content.decode()
        assert "登录已超时，请重新登录" in html and "您填写的内容已保留" not in html
    assert not Session.objects.exists()
    assert not DemandItem.objects.exists()


def test_an_autosave_after_the_session_expired_answers_401_json(open_round, secretary, category, client_for):
    client = client_for(secretary.user)
    Session.objects.all().delete()
    response = autosave(client, sub(open_round, secretary.village), {"rows": [row("k1", category, title="x")]})
    assert response.status_code == 401 and "登录已超时" in response.json()["error"]
