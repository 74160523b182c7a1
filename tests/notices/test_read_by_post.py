"""Issue 14 point 15: a notice is marked read by the inbox's POST, never by a GET."""

import pytest
from django.test import Client

from notices.models import Notice


@pytest.fixture
def notice(township_a_user):
    return Notice.objects.create(recipient=township_a_user, title="征集通知", url="/secretaries/")


def test_a_get_follows_the_link_but_leaves_the_notice_unread(client_for, township_a_user, notice):
    response = client_for(township_a_user).get(f"/notices/{notice.pk}/")

    assert response.status_code == 302 and response["Location"] == "/secretaries/"
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_inbox_opens_a_notice_with_a_post_which_marks_it_read(client_for, township_a_user, notice):
    client = client_for(township_a_user)
    inbox = client.get("/notices/").content.decode()
    assert f'<form method="post" action="/notices/{notice.pk}/">' in inbox
    assert f'href="/notices/{notice.pk}/"' not in inbox

    response = client.post(f"/notices/{notice.pk}/")

    assert response.status_code == 302 and response["Location"] == "/secretaries/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_post_without_the_csrf_token_is_refused(township_a_user, notice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(township_a_user)
    assert client.post(f"/notices/{notice.pk}/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_someone_elses_notice_is_not_found_by_post(client_for, township_b_user, notice):
    assert client_for(township_b_user).post(f"/notices/{notice.pk}/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
