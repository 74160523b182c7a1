"""The Django admin covers every model of the project, and every changelist loads (scoped) for
the org department's login."""

import pytest
from django.apps import apps
from django.contrib import admin

from secretaries.services import org_login_grant

PROJECT_APPS = ["secretaries", "teams", "stations", "demands", "notices", "dashboard"]


def project_models():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical") and not model._meta.auto_created:
                yield model


def test_every_model_of_the_project_is_in_the_admin():
    missing = [m.__name__ for m in project_models() if m not in admin.site._registry]
    assert missing == []


@pytest.mark.django_db
def test_every_changelist_and_search_loads_for_the_org_department(client_for, org_user, secretary, station):
    org_login_grant(org_user)
    client = client_for(org_user)
    problems = []
    for model in project_models():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for query in ("", "?q=%E5%8D%81"):
            status = client.get(url + query).status_code
            if status != 200:
                problems.append(f"{url}{query} -> {status}")
    assert problems == []


@pytest.mark.django_db
def test_the_admin_is_closed_to_township_staff(client_for, township_a_user):
    response = client_for(township_a_user).get("/admin/secretaries/secretary/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
