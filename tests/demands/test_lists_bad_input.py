"""URL guessing across townships and districts, malformed ids and posts, and bad task arguments:
each answers 404/403 or a clear Chinese message, never a 500, and nothing is written."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from demands.models import CollectionRound, DemandItem, Submission
from demands.services.rounds import RoundError, ensure_submissions
from demands.tasks import open_due_round, send_round_reminders
from tests.demands.factories import CollectionRoundFactory, DemandItemFactory
from tests.demands.factories import submission_of as sub
from tests.factories import DistrictFactory, TownshipFactory, VillageFactory


def test_another_districts_round_answers_404_everywhere(open_round, township_a, people, client_for):
    other = DistrictFactory(name="门头沟区")
    foreign_village = VillageFactory(township=TownshipFactory(district=other, name="斋堂镇"), name="爨底下村")
    foreign_round = CollectionRoundFactory(district=other)
    ensure_submissions(foreign_round)
    foreign_sub = sub(foreign_round, foreign_village)
    urls = [
        f"/demands/rounds/{foreign_round.pk}/",
        f"/demands/rounds/{foreign_round.pk}/completeness/",
        f"/demands/rounds/{foreign_round.pk}/template.xlsx?township={township_a.pk}",
        f"/demands/rounds/{foreign_round.pk}/export.xlsx",
        f"/demands/rounds/{foreign_round.pk}/upload/",
        f"/demands/submissions/{foreign_sub.pk}/",
    ]
    for role in ["org", "township_a"]:
        client = client_for(people[role])
        for url in urls:
            assert client.get(url).status_code == 404, (role, url)
        assert client.post(f"/demands/submissions/{foreign_sub.pk}/return/", {"reason": "x"}).status_code == 404
        assert client.post(f"/demands/rounds/{foreign_round.pk}/close/").status_code in (403, 404)
    assert sub(foreign_round, foreign_village).status == Submission.Status.DRAFT
    assert CollectionRound.objects.get(pk=foreign_round.pk).status == CollectionRound.Status.OPEN


def test_township_b_upload_naming_township_a_lands_nowhere(open_round, township_a, township_b_user, client_for):
    client = client_for(township_b_user)
    template = client.get(f"/demands/rounds/{open_round.pk}/template.xlsx").content
    book = load_workbook(io.BytesIO(template))
    book["需求清单"].append(["西庄村", "基础设施建设", "越界代报", "", "一般"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("a.xlsx", buffer.getvalue())
    response = client.post(f"/demands/rounds/{open_round.pk}/upload/", {"file": upload, "township": township_a.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "“西庄村”不是可选的本乡镇的村（社区）" in html
    client.post(f"/demands/rounds/{open_round.pk}/upload/confirm/")
    assert not DemandItem.objects.exists()
    assert not Submission.objects.exclude(status="draft").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/demands/rounds/abc/",
        "/demands/rounds/-1/",
        "/demands/rounds/1.5/completeness/",
        "/demands/rounds/99999999999999999999/",
        "/demands/submissions/abc/",
        "/demands/resources/abc/edit/",
        "/demands/projects/%20/edit/",
        "/demands/rounds/99999/template.xlsx?township=1",
        "/demands/rounds/99999/export.xlsx",
        "/demands/rounds/99999/upload/",
    ],
)
def test_malformed_or_unknown_ids_answer_404(open_round, org_user, client_for, url):
    assert client_for(org_user).get(url).status_code == 404


def test_malformed_query_parameters_are_ignored_or_refused_without_a_500(open_round, org_user, client_for):
    client = client_for(org_user)
    pk = open_round.pk
    assert client.get(f"/demands/rounds/{pk}/completeness/?township=abc&page=xyz").status_code == 200
    assert client.get(f"/demands/rounds/{pk}/export.xlsx?township=abc").status_code == 404
    assert client.get(f"/demands/rounds/{pk}/template.xlsx?township=-3").status_code == 404
    assert client.get("/demands/resources/?category=1;drop&page=-1&q=" + "长" * 500).status_code == 200
    assert client.get("/demands/projects/?status=nonsense&page=0").status_code == 200
    assert client.get("/demands/lists/row/?index=50").status_code == 400


@pytest.mark.parametrize("delete", [True, False])
def test_a_tampered_list_form_cannot_touch_another_villages_item(
    open_round, village_b, secretary, category, client_for, delete
):
    foreign = DemandItemFactory(
        round=open_round,
        village=village_b,
        submission=sub(open_round, village_b),
        category=category,
        title="B村草稿",
        status=DemandItem.Status.DRAFT,
    )
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-id": str(foreign.pk),
        "items-0-category": str(category.pk),
        "items-0-title": "被改了",
        "items-0-urgency": "low",
        "action": "submit",
    }
    if delete:
        data["items-0-DELETE"] = "on"
    response = client_for(secretary.user).post(f"/demands/submissions/{sub(open_round, secretary.village).pk}/", data)
    assert response.status_code in (200, 302)
    foreign.refresh_from_db()
    assert (foreign.title, foreign.village_id, foreign.status) == ("B村草稿", village_b.pk, "draft")
    assert sub(open_round, secretary.village).status == Submission.Status.DRAFT
    assert DemandItem.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"action": "submit"},  # no management form
        {"items-TOTAL_FORMS": "abc", "items-INITIAL_FORMS": "0", "action": "save"},
        {"items-TOTAL_FORMS": "100000", "items-INITIAL_FORMS": "0", "action": "save"},
        {"items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0", "action": "delete-everything"},
    ],
)
def test_a_malformed_list_post_gets_a_message_and_changes_nothing(open_round, secretary, client_for, data):
    submission = sub(open_round, secretary.village)
    response = client_for(secretary.user).post(f"/demands/submissions/{submission.pk}/", data)
    assert response.status_code in (200, 302)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT and not DemandItem.objects.exists()


def test_round_form_refuses_a_deadline_outside_the_period(district, village_a, org_user, client_for):
    response = client_for(org_user).post(
        "/demands/rounds/new/",
        {
            "title": "第八批",
            "period_start": "2027-01-01",
            "period_end": "2026-12-01",
            "deadline": "2027-03-01",
            "notice_text": "x",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "周期结束日期必须晚于开始日期" in html
    assert not CollectionRound.objects.exists()


@pytest.mark.parametrize("day", ["23/11/2026", "2026-02-30", "", 20261124, ["2026-11-24"], True])
def test_open_due_round_refuses_a_bad_day_with_a_clear_error(db, day):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        open_due_round.delay(day)
    assert not CollectionRound.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"round_id": "abc"}, "round_id 应为整数"),
        ({"round_id": True}, "round_id 应为整数"),
        ({"round_id": 1.0}, "round_id 应为整数"),
        ({"round_id": 999999}, "征集轮次 999999 不存在"),
        ({"day": "下周一"}, "YYYY-MM-DD"),
    ],
)
def test_send_round_reminders_refuses_bad_arguments_with_a_clear_error(db, kwargs, message):
    with pytest.raises(ValueError, match=message):
        send_round_reminders.delay(**kwargs)


def test_a_bad_round_month_setting_stops_beat_with_a_clear_error(village_a, settings):
    settings.ROUND_OPEN_MONTHS = [0]
    with pytest.raises(RoundError, match="ROUND_OPEN_MONTHS"):
        open_due_round.delay(date(2026, 11, 1).isoformat())
    assert not CollectionRound.objects.exists()
