"""Issue 14 point 15: anonymous /healthz answers only ok or fail; which check failed and its error
text are for the org department's logins (and superusers)."""

import pytest


@pytest.mark.django_db
def test_anonymous_healthz_says_only_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_anonymous_healthz_says_only_fail_with_no_error_text(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "fail"}


@pytest.mark.django_db
def test_a_login_that_is_not_the_department_gets_no_details(client_for, township_a_user, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client_for(township_a_user).get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "fail"}


@pytest.mark.django_db
def test_the_department_sees_which_check_failed(client_for, org_user, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    body = client_for(org_user).get("/healthz").json()
    assert body["status"] == "fail"
    assert body["broker"]["ok"] is False and body["broker"]["detail"]
    assert body["database"] == {"ok": True, "detail": "ok"}
