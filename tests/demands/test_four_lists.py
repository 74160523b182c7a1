"""Jining's 四张清单 (issue 16 point 8): a district with the Jining preset finds its four lists in the
menu (需求, 资源, 共建, 督导) and on one page, with the supervision of how each secretary made and
completed the lists of the round (and its .xlsx); the co-building and overdue lists are the
existing pages."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from demands.models import DemandItem, Submission, SupervisionFlag
from demands.selectors_lists import four_lists_counts, lists_by_secretary
from teams.presets import apply_preset
from tests.demands.factories import CollectionRoundFactory, DemandItemFactory, ResourceItemFactory
from tests.demands.factories import submission_of as sub
from tests.factories import DistrictFactory, TownshipFactory

pytestmark = pytest.mark.django_db
S = DemandItem.Status


@pytest.fixture
def lists(open_round, secretary, secretary_b, category):
    """secretary (village_a): a submitted list of 3 (one dispatched and flagged overdue, one
    resolved, one waiting) and 2 resources of their own; secretary_b (village_b): no list yet."""
    submission = sub(open_round, secretary.village)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    made = {}
    for status in (S.DISPATCHED, S.RESOLVED, S.SUBMITTED):
        made[status] = DemandItemFactory(
            village=secretary.village, round=open_round, submission=submission, category=category, status=status
        )
    SupervisionFlag.objects.create(item=made[S.DISPATCHED], reason="overdue", state_key="2026-11-10")
    for _ in range(2):
        ResourceItemFactory(secretary=secretary)
    return made


def test_the_menu_names_the_four_lists_for_a_district_with_the_jining_preset(
    client_for, org_user, district, township_a
):
    client = client_for(org_user)
    before = client.get("/demands/resources/").content.decode()
    assert "三张清单" in before and "四张清单总览" not in before

    apply_preset(district, "jining")

    page = client.get("/demands/resources/").content.decode()
    assert "四张清单" in page and "四张清单总览" in page
    assert page.count("共建清单") >= 2 and page.count("督导清单") >= 2  # under 四张清单 and 需求办理


def test_another_district_keeps_its_three_lists(client_for, org_user, district, township_a):
    other = DistrictFactory(name="梁山县")
    TownshipFactory(district=other, name="大路口乡")
    apply_preset(other, "jining")

    page = client_for(org_user).get("/demands/resources/").content.decode()

    assert "三张清单" in page and "四张清单总览" not in page


def test_the_four_lists_page_counts_each_list_and_each_secretarys_lists(
    client_for, org_user, lists, open_round, secretary, secretary_b
):
    page = client_for(org_user).get("/demands/four-lists/").content.decode()

    assert "需求清单" in page and "资源清单" in page and "共建清单" in page and "督导清单" in page
    assert "3 条" in page  # demands of the round
    assert "2 项" in page  # resources
    assert f"/demands/cobuild/?round={open_round.pk}" in page


def test_the_secretary_rows_say_who_made_and_completed_their_lists(org_user, lists, open_round, secretary):
    counts = four_lists_counts(org_user, open_round)
    rows = {row.secretary.name: row for row in lists_by_secretary(org_user, open_round)}

    assert (counts.demands, counts.resources, counts.cobuild, counts.supervision) == (3, 2, 2, 1)
    mine = rows[secretary.name]
    assert (mine.list_status, mine.demands, mine.cobuild, mine.done, mine.flagged, mine.resources) == (
        "已报送",
        3,
        2,
        1,
        1,
        2,
    )
    assert mine.done_rate == 33.3 and mine.behind
    other = next(row for name, row in rows.items() if name != secretary.name)
    assert (other.list_status, other.demands, other.behind) == ("未报送", 0, True)


def test_the_supervision_by_secretary_exports_to_xlsx(client_for, org_user, lists, open_round, secretary):
    response = client_for(org_user).get(f"/demands/four-lists/supervision.xlsx?round={open_round.pk}")

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    rows = list(sheet.active.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "乡镇", "村", "第一书记", "派出单位", "需求清单")
    assert any(row[3] == secretary.name and row[5] == "已报送" and row[6] == 3 for row in rows[1:])


def test_a_township_sees_its_own_secretaries_and_another_districts_round_answers_404(
    client_for, township_b_user, township_a, lists, open_round, secretary, secretary_b
):
    client = client_for(township_b_user)
    page = client.get("/demands/four-lists/").content.decode()
    assert secretary_b.name in page and secretary.name not in page

    assert client.get(f"/demands/four-lists/?township={township_a.pk}").status_code == 404
    foreign = CollectionRoundFactory(district=DistrictFactory(name="梁山县"))
    assert client.get(f"/demands/four-lists/?round={foreign.pk}").status_code == 404
    assert client.get(f"/demands/four-lists/supervision.xlsx?round={foreign.pk}").status_code == 404


def test_a_secretary_and_an_outsider_are_refused(client_for, secretary_user, outsider_user):
    assert client_for(secretary_user).get("/demands/four-lists/").status_code == 403
    assert client_for(outsider_user).get("/demands/four-lists/").status_code in (302, 403)


def test_every_district_reaches_the_secretaries_supervision_from_the_supervision_list(
    client_for, org_user, station_manager_user
):
    assert "/demands/four-lists/" in client_for(org_user).get("/demands/supervision/").content.decode()
    page = client_for(station_manager_user).get("/demands/supervision/").content.decode()
    assert "/demands/four-lists/" not in page  # the overview is the department's and the townships'


def test_without_a_chosen_round_the_page_shows_the_newest_that_is_not_a_draft(client_for, org_user, open_round):
    from datetime import timedelta

    from demands.models import CollectionRound

    CollectionRoundFactory(
        district=open_round.district,
        title="下一轮（草稿）",
        status=CollectionRound.Status.DRAFT,
        period_start=open_round.period_start + timedelta(days=61),
        period_end=open_round.period_end + timedelta(days=61),
    )
    response = client_for(org_user).get("/demands/four-lists/")
    assert response.context["round"] == open_round
