"""The URL walk for people and places: every URL as every role (STYLE.md, pretix)."""

import pytest

from tests.walk import walk

ALL_ROLES_200 = {r: 200 for r in ["org", "township_a", "township_b", "secretary_a", "secretary_b", "station_manager"]}


def cases(secretary, secretary_b, village_a, village_b, township_a, township_b, unit):
    org_only = {"org": 200, "township_a": 403, "township_b": 403, "secretary_a": 403, "secretary_b": 403,
                "station_manager": 403, "outsider": 403}  # fmt: skip
    a_side = {"org": 200, "township_a": 200, "station_manager": 200}
    return [
        ("/secretaries/", {**ALL_ROLES_200, "outsider": 403}),
        ("/secretaries/export.xlsx", {**ALL_ROLES_200, "outsider": 403}),
        ("/secretaries/new/", org_only),
        (f"/secretaries/{secretary.pk}/", {**a_side, "secretary_a": 200}),
        (f"/secretaries/{secretary_b.pk}/", {"org": 200, "township_b": 200, "secretary_b": 200}),
        (
            f"/secretaries/{secretary.pk}/edit/",
            {"org": 200, "township_a": 403, "secretary_a": 403, "station_manager": 403},
        ),
        (f"/secretaries/{secretary_b.pk}/edit/", {"org": 200, "township_b": 403, "secretary_b": 403}),
        ("/secretaries/villages/", {**ALL_ROLES_200, "outsider": 403}),
        ("/secretaries/villages/new/", org_only),
        ("/secretaries/villages/export.xlsx", {**ALL_ROLES_200, "outsider": 403}),
        (f"/secretaries/villages/{village_a.pk}/", {**a_side, "secretary_a": 200}),
        (f"/secretaries/villages/{village_b.pk}/", {"org": 200, "township_b": 200, "secretary_b": 200}),
        (
            f"/secretaries/villages/{village_a.pk}/edit/",
            {"org": 200, "township_a": 403, "secretary_a": 403, "station_manager": 403},
        ),
        (f"/secretaries/villages/{village_b.pk}/edit/", {"org": 200, "township_b": 403, "secretary_b": 403}),
        ("/secretaries/townships/", {**ALL_ROLES_200, "outsider": 403}),
        (f"/secretaries/townships/{township_a.pk}/", {**a_side, "secretary_a": 200}),
        (f"/secretaries/townships/{township_b.pk}/", {"org": 200, "township_b": 200, "secretary_b": 200}),
        ("/secretaries/units/", {**ALL_ROLES_200, "outsider": 403}),
        ("/secretaries/units/new/", org_only),
        ("/secretaries/units/export.xlsx", org_only),
        (f"/secretaries/units/{unit.pk}/edit/", org_only),
        ("/secretaries/import/secretaries/", org_only),
        ("/secretaries/import/villages/", org_only),
        ("/secretaries/import/units/", org_only),
        ("/secretaries/import/nonsense/", {**org_only, "org": 404}),
        ("/secretaries/import/secretaries/template.xlsx", org_only),
        ("/secretaries/99999999/", {}),
        ("/", {**ALL_ROLES_200, "outsider": 403}),
        ("/notices/", {**ALL_ROLES_200, "outsider": 200}),
    ]


@pytest.mark.django_db
def test_every_secretaries_url_answers_each_role_as_expected(
    client_for, people, secretary, secretary_b, village_a, village_b, township_a, township_b, unit
):
    problems = []
    for url, expected in cases(secretary, secretary_b, village_a, village_b, township_a, township_b, unit):
        # A login without a role is refused everywhere before any lookup (403).
        problems += walk(client_for, people, url, {"outsider": 403, **expected})
    assert "\n".join(problems) == ""


@pytest.mark.django_db
def test_import_confirm_is_post_only_and_org_only(client_for, people):
    problems = walk(
        client_for, people, "/secretaries/import/secretaries/confirm/",
        {"org": 302, "township_a": 403, "township_b": 403, "secretary_a": 403, "secretary_b": 403,
         "station_manager": 403, "outsider": 403},
        method="post",
    )  # fmt: skip
    assert problems == []
    assert client_for(people["org"]).get("/secretaries/import/secretaries/confirm/").status_code == 405


@pytest.mark.django_db
def test_admin_list_of_secretaries_is_scoped_to_the_district(client_for, org_user, secretary, secretary_b):
    from secretaries.services import org_login_grant
    from tests.factories import DistrictFactory, SecretaryFactory, TownshipFactory, VillageFactory

    other_district_village = VillageFactory(township=TownshipFactory(district=DistrictFactory(name="门头沟区")))
    foreign = SecretaryFactory(name="外区书记", village=other_district_village)
    org_login_grant(org_user)
    response = client_for(org_user).get("/admin/secretaries/secretary/")
    assert response.status_code == 200
    assert secretary.name in response.content.decode()
    assert foreign.name not in response.content.decode()
    assert client_for(org_user).get(f"/admin/secretaries/secretary/{foreign.pk}/change/").status_code == 302


@pytest.mark.django_db
def test_admin_history_and_staff_profiles_of_another_district_are_out_of_reach(client_for, org_user, secretary):
    from secretaries.models import StaffProfile
    from secretaries.services import org_login_grant
    from tests.factories import DistrictFactory, SecretaryFactory, TownshipFactory, UserFactory, VillageFactory

    other_township = TownshipFactory(district=DistrictFactory(name="门头沟区"), name="斋堂镇")
    foreign = SecretaryFactory(name="外区书记", village=VillageFactory(township=other_township))
    foreign_staff = UserFactory(username="mentougou_staff")
    StaffProfile.objects.create(user=foreign_staff, role="township", township=other_township)
    org_login_grant(org_user)
    client = client_for(org_user)

    assert client.get(f"/admin/secretaries/secretary/{secretary.pk}/history/").status_code == 200
    assert client.get(f"/admin/secretaries/secretary/{foreign.pk}/history/").status_code == 404
    profiles = client.get("/admin/secretaries/staffprofile/").content.decode()
    assert "sec_a" in profiles
    assert "mentougou_staff" not in profiles


def test_a_foreign_township_in_an_export_or_list_filter_answers_404(township_a_user, township_b, client_for):
    client = client_for(township_a_user)
    assert client.get(f"/secretaries/export.xlsx?township={township_b.pk}").status_code == 404
    assert client.get(f"/secretaries/villages/?township={township_b.pk}").status_code == 404


def test_a_foreign_team_in_the_activities_filter_answers_404(org_user, client_for):
    from teams.models import PioneerTeam
    from tests.factories import DistrictFactory

    foreign = PioneerTeam.objects.create(district=DistrictFactory(name="门头沟区"), name="外区先锋队")
    client = client_for(org_user)
    assert client.get(f"/teams/activities/?team={foreign.pk}").status_code == 404
    assert client.get(f"/teams/activities/export.xlsx?team={foreign.pk}").status_code == 404
