import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_ok(client_for, org_user):
    response = client_for(org_user).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client_for, org_user, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client_for(org_user).get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True
