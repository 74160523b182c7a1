"""Demand categories per district (issue 16 point 8): the shared catalogue plus a district's own
(a practice's, created by its preset). A district is offered the shared ones and its own, its own
shadowing a shared one of the same name; another district's category is refused or not found."""

import json

import pytest
from django.db import IntegrityError, transaction

from demands.models import DemandCategory, DemandItem, ResourceCategory
from demands.sheets import list_specs
from secretaries.models import Expertise
from teams.presets import JINING_CATEGORIES, apply_preset
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory
from tests.demands.factories import submission_of as sub
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(db):
    """Another district with a category of its own."""
    district = DistrictFactory(name="梁山县")
    return DemandCategoryFactory(name="黄河滩区治理", district=district)


@pytest.fixture
def own(district):
    return DemandCategoryFactory(name="民生保障", district=district)


def offered(district):
    return list(DemandCategory.objects.offered(district.pk).values_list("name", flat=True))


def test_a_district_is_offered_the_shared_categories_and_its_own_never_anothers(district, category, own, elsewhere):
    assert offered(district) == ["民生保障", "基础设施建设"]  # its own first
    assert offered(elsewhere.district) == ["黄河滩区治理", "基础设施建设"]


def test_a_districts_own_category_shadows_a_shared_one_of_the_same_name(district, category):
    mine = DemandCategoryFactory(name="基础设施建设", district=district)

    assert list(DemandCategory.objects.offered(district.pk)) == [mine]
    assert list(DemandCategory.objects.offered(DistrictFactory(name="门头沟区").pk)) == [category]


def test_a_name_is_unique_among_the_shared_ones_and_within_a_district(district, category, own, elsewhere):
    DemandCategoryFactory(name="民生保障", district=elsewhere.district)  # the same name in another district
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandCategory.objects.create(name="基础设施建设")
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandCategory.objects.create(name="民生保障", district=district)


# Presets ---------------------------------------------------------------------------------------


def test_jinings_preset_creates_its_seven_areas_mapped_onto_the_shared_catalogue(district, township_a):
    ResourceCategory.objects.create(name="医疗义诊")
    Expertise.objects.create(name="医疗")

    applied = apply_preset(district, "jining")

    own = DemandCategory.objects.filter(district=district)
    assert [c.name for c in own] == [name for name, _r, _e in JINING_CATEGORIES]
    assert len(applied.categories) == 7 and "需求类别 7 个" in str(applied)
    livelihood = own.get(name="民生保障")
    assert [r.name for r in livelihood.resource_categories.all()] == ["医疗义诊"]
    assert [e.name for e in livelihood.expertise.all()] == ["医疗"]
    assert apply_preset(district, "jining").categories == []


@pytest.mark.parametrize(("preset", "names"), [("shiquan", ["项目", "资金", "技术", "销售"]), ("fangshan", [])])
def test_shiquan_has_the_liaison_offices_four_and_fangshan_keeps_the_shared_ones(district, township_a, preset, names):
    apply_preset(district, preset)

    assert list(DemandCategory.objects.filter(district=district).values_list("name", flat=True)) == names


def test_gangchas_categories_are_its_five_work_teams_fields(district, village_a):
    apply_preset(district, "gangcha")

    assert set(DemandCategory.objects.filter(district=district).values_list("name", flat=True)) == {
        "生态文明",
        "产业促进",
        "社会保障",
        "社会治理",
        "文化宣传",
    }


def test_the_preset_page_lists_the_districts_own_categories(client_for, org_user, district, township_a):
    response = client_for(org_user).post("/teams/presets/", {"preset": "jining"}, follow=True)
    assert "需求类别 7 个" in response.content.decode()

    page = client_for(org_user).get("/teams/presets/").content.decode()
    assert "本区自有需求类别" in page and "民生保障" in page and "文化传承" in page
    assert page.count("已应用</span>") == 1


# The list form, the paste parser and the importer ----------------------------------------------


def test_the_list_form_offers_the_own_category_and_refuses_anothers(
    open_round, secretary, category, own, elsewhere, client_for
):
    submission = sub(open_round, secretary.village)
    client = client_for(secretary.user)
    page = client.get(f"/demands/submissions/{submission.pk}/").content.decode()
    assert "民生保障" in page and "黄河滩区治理" not in page

    data = {"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "action": "save"}
    data.update({"items-0-category": own.pk, "items-0-title": "养老驿站", "items-0-urgency": "low"})
    data.update({"items-1-category": elsewhere.pk, "items-1-title": "滩区护坡", "items-1-urgency": "low"})
    response = client.post(f"/demands/submissions/{submission.pk}/", data)

    assert "请选择类别" in response.content.decode()
    assert not DemandItem.objects.filter(submission=submission).exists()
    data.update({"items-TOTAL_FORMS": "1"})
    client.post(f"/demands/submissions/{submission.pk}/", data)
    assert DemandItem.objects.get(submission=submission).category == own


def test_an_autosave_naming_anothers_category_keeps_the_row_with_an_error(
    open_round, secretary, own, elsewhere, client_for
):
    submission = sub(open_round, secretary.village)
    rows = [
        {"client_key": "k1", "category": own.pk, "urgency": "low", "title": "养老驿站"},
        {"client_key": "k2", "category": elsewhere.pk, "urgency": "low", "title": "滩区护坡"},
    ]

    response = client_for(secretary.user).post(
        f"/demands/submissions/{submission.pk}/autosave/", json.dumps({"rows": rows}), content_type="application/json"
    )

    assert set(response.json()["ids"]) == {"k1"} and "category" in response.json()["errors"]["k2"]
    submission.refresh_from_db()
    assert [row["title"] for row in submission.form_state["rows"]] == ["养老驿站", "滩区护坡"]


def test_pasted_text_finds_the_own_category_and_not_anothers(open_round, secretary, own, elsewhere, client_for):
    response = client_for(secretary.user).post(
        f"/demands/submissions/{sub(open_round, secretary.village).pk}/paste/",
        json.dumps({"text": "养老驿站，民生保障\n滩区护坡，黄河滩区治理"}),
        content_type="application/json",
    )

    first, second = response.json()["rows"]
    assert first["category_id"] == own.pk
    assert second["category_id"] is None and "黄河滩区治理" in second["notes"][0]


def test_the_importer_reads_the_districts_categories(township_a, category, own, elsewhere, org_user):
    demand_categories = list_specs(township_a, org_user)[0].columns[1].options

    assert set(demand_categories.values()) == {"基础设施建设", "民生保障"}


# Reading: filters and dashboards -----------------------------------------------------------------


def test_another_districts_category_answers_404_in_the_drill_down_and_the_supervision_filter(
    client_for, org_user, own, elsewhere
):
    client = client_for(org_user)
    assert client.get(f"/dashboard/demands/?category={elsewhere.pk}").status_code == 404
    assert client.get(f"/demands/supervision/?category={elsewhere.pk}").status_code == 404
    assert client.get(f"/dashboard/demands/?category={own.pk}").status_code == 200
    assert client.get(f"/demands/supervision/?category={own.pk}").status_code == 200


def test_the_dashboard_names_the_own_category(client_for, org_user, district, village_a, own):
    DemandItemFactory(village=village_a, category=own, status=DemandItem.Status.SUBMITTED)

    page = client_for(org_user).get(f"/dashboard/demands/?category={own.pk}").content.decode()

    assert "类别：民生保障" in page


# The admin site --------------------------------------------------------------------------------


def test_the_department_adds_its_own_category_in_the_admin_but_changes_no_shared_one(
    client_for, org_user, district, category, elsewhere
):
    from secretaries.services import org_login_grant

    org_login_grant(org_user)
    client = client_for(org_user)

    response = client.post(
        "/admin/demands/demandcategory/add/", {"name": "民生保障", "sort_order": "1", "active": "on"}
    )

    assert response.status_code == 302
    assert DemandCategory.objects.get(name="民生保障").district == district
    mine = DemandCategory.objects.get(name="民生保障")
    assert client.get(f"/admin/demands/demandcategory/{mine.pk}/change/").status_code == 200
    assert client.post(f"/admin/demands/demandcategory/{category.pk}/change/", {"name": "改名"}).status_code == 403
    assert client.get(f"/admin/demands/demandcategory/{elsewhere.pk}/change/").status_code == 302  # not found
    category.refresh_from_db()
    assert category.name == "基础设施建设"

    again = client.post("/admin/demands/demandcategory/add/", {"name": "民生保障", "sort_order": "2", "active": "on"})
    assert again.status_code == 200 and "本区已有同名的需求类别" in again.content.decode()
    assert DemandCategory.objects.filter(name="民生保障", district=district).count() == 1


def test_a_presets_name_the_shared_catalogue_has_is_the_shared_category_not_a_shadow(district, township_a):
    shared = DemandCategoryFactory(name="产业发展")

    apply_preset(district, "jining")

    assert not DemandCategory.objects.filter(district=district, name="产业发展").exists()
    assert shared in DemandCategory.objects.offered(district.pk)
    assert DemandCategory.objects.filter(district=district).count() == 6  # the other six are its own


def test_editing_a_record_keeps_its_category_once_an_own_one_shadows_it(district, category, village_a, org_user):
    from demands.forms_lists import DemandItemForm, ProjectForm
    from tests.demands.factories import ProjectItemFactory

    project = ProjectItemFactory(category=category)
    project.villages.add(village_a)
    item = DemandItemFactory(village=village_a, category=category)
    DemandCategoryFactory(name=category.name, district=district)  # added later in the admin

    assert category in ProjectForm(instance=project, user=org_user).fields["category"].queryset
    assert category in DemandItemForm(instance=item, district_id=district.pk).fields["category"].queryset
    assert category not in DemandItemForm(district_id=district.pk).fields["category"].queryset  # a new row: the own one
