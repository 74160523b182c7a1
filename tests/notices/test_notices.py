import pytest
from django.core import mail

from notices.models import Notice
from notices.services import notify
from notices.tasks import deliver_notices


@pytest.mark.django_db
def test_a_dedupe_key_makes_a_second_notify_harmless(
    township_a_user, township_b_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify([township_a_user, township_b_user], "征集通知", dedupe_key="round-1-open")
    with django_capture_on_commit_callbacks(execute=True):
        second = notify([township_a_user, township_b_user], "征集通知", dedupe_key="round-1-open")
    assert len(first) == 2
    assert second == []
    assert Notice.objects.count() == 2
    assert len(mail.outbox) == 2  # delivered once each, eagerly in tests


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["1,2", [1, "2"], [True], None])
def test_bad_task_arguments_get_a_clear_error(bad):
    with pytest.raises(ValueError, match="整数列表"):
        deliver_notices.run(bad)


@pytest.mark.django_db
def test_the_inbox_shows_only_my_notices_and_marks_them_read(client_for, township_a_user, township_b_user):
    mine = Notice.objects.create(recipient=township_a_user, title="我的通知", url="/secretaries/")
    theirs = Notice.objects.create(recipient=township_b_user, title="别人的通知")
    client = client_for(township_a_user)
    body = client.get("/notices/").content.decode()
    assert "我的通知" in body and "别人的通知" not in body
    assert client.post(f"/notices/{theirs.pk}/").status_code == 404
    response = client.post(f"/notices/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/secretaries/"
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.django_db
def test_a_notice_link_to_another_site_is_not_followed(client_for, township_a_user):
    notice = Notice.objects.create(recipient=township_a_user, title="x", url="https://evil.example/")
    response = client_for(township_a_user).post(f"/notices/{notice.pk}/")
    assert response["Location"] == "/notices/"
