import io
import os
from datetime import date

import pytest
from django.urls import reverse
from PIL import Image

from teams.models import ActivityPhoto, TeamActivity, TeamMembership
from tests.factories import SecretaryFactory, UserFactory, VillageFactory
from tests.teams.factories import ActivityFactory, MembershipFactory


def png_bytes(width=40, height=30, noise=False):
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width=40, height=30):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(name, content, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(team, **extra):
    data = {
        "team": team.pk,
        "kind": "义诊服务",
        "date": "2026-03-10",
        "title": "六渡村义诊",
        "place": "村委会",
        "people_reached": "45",
        "funds_secured": "0",
        "projects_built": "0",
        "produce_kg": "0",
        "produce_yuan": "0",
    }
    data.update(extra)
    return data


def test_a_member_logs_an_activity_with_photos_which_are_resized(client_for, secretary_user, secretary, team, settings):
    settings.TEAM_PHOTO_MAX_EDGE = 800
    photos = [upload("大.png", png_bytes(2400, 1200)), upload("small.jpg", jpeg_bytes(), "image/jpeg")]

    response = client_for(secretary_user).post(reverse("teams:activity_create"), form_data(team, photos=photos))

    activity = TeamActivity.objects.get()
    assert response.status_code == 302 and response.url == reverse("teams:activity_detail", args=[activity.pk])
    assert list(activity.participants.all()) == [secretary]  # defaults to the person logging it
    assert activity.created_by == secretary_user
    sizes = sorted((p.width, p.height) for p in activity.photos.all())
    assert sizes == [(40, 30), (800, 400)]
    with Image.open(activity.photos.get(width=800).image.path) as stored:
        assert stored.format == "PNG" and stored.size == (800, 400)


def test_a_text_file_renamed_jpg_is_refused_with_a_clear_message_and_the_form_is_kept(client_for, secretary_user, team):
    fake = upload("照片.jpg", "这不是图片".encode() * 50, "image/jpeg")

    response = client_for(secretary_user).post(
        reverse("teams:activity_create"), form_data(team, title="保留的标题", photos=[fake])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "文件“照片.jpg”不是有效的图片" in page
    assert 'value="保留的标题"' in page and 'value="45"' in page
    assert not TeamActivity.objects.exists()


def test_an_oversize_photo_is_refused(client_for, secretary_user, team, settings):
    settings.TEAM_PHOTO_MAX_MB = 1
    big = png_bytes(800, 800, noise=True)
    assert len(big) > 1024 * 1024

    response = client_for(secretary_user).post(
        reverse("teams:activity_create"), form_data(team, photos=[upload("big.png", big)])
    )

    assert "超过 1 MB 的上限" in response.content.decode()
    assert not TeamActivity.objects.exists()


def test_a_gif_is_refused_even_though_it_is_an_image(client_for, secretary_user, team):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")

    response = client_for(secretary_user).post(
        reverse("teams:activity_create"), form_data(team, photos=[upload("a.gif", buffer.getvalue(), "image/gif")])
    )

    assert "只接受 JPEG、PNG、WebP" in response.content.decode()


def test_no_more_than_nine_photos(client_for, secretary_user, team):
    photos = [upload(f"{i}.png", png_bytes()) for i in range(10)]

    response = client_for(secretary_user).post(reverse("teams:activity_create"), form_data(team, photos=photos))

    assert "最多上传 9 张照片" in response.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_a_secretary_cannot_log_for_a_team_they_are_not_in(client_for, secretary_user, team, other_team):
    response = client_for(secretary_user).post(reverse("teams:activity_create"), form_data(other_team))

    assert response.status_code == 200 and not TeamActivity.objects.exists()
    assert "选择一个有效的选项" in response.content.decode()


def test_participants_must_be_members_of_the_team(client_for, org_user, team, secretary_b, other_team):
    response = client_for(org_user).post(
        reverse("teams:activity_create"), form_data(team, participants=[secretary_b.pk])
    )

    assert "李红梅 不是红色先锋的队员" in response.content.decode()


@pytest.fixture
def teammate(team, township_a, batch):
    person = SecretaryFactory(
        name="赵立新",
        village=VillageFactory(township=township_a, name="七渡村"),
        batch=batch,
        user=UserFactory(username="mate"),
    )
    from secretaries.models import StaffProfile

    StaffProfile.objects.create(user=person.user, role="secretary")
    MembershipFactory(team=team, secretary=person)
    return person


def test_a_secretary_edits_only_their_own_activities(client_for, secretary_user, teammate, team):
    theirs = ActivityFactory(team=team, created_by=teammate.user)
    theirs.participants.add(teammate)
    client = client_for(secretary_user)

    refused = client.post(reverse("teams:activity_edit", args=[theirs.pk]), form_data(team, title="改掉"))
    deleted = client.post(reverse("teams:activity_delete", args=[theirs.pk]))

    assert refused.status_code == 403 and deleted.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title != "改掉"

    theirs.participants.add(team.memberships.get(secretary__name="王建国").secretary)
    allowed = client.post(reverse("teams:activity_edit", args=[theirs.pk]), form_data(team, title="一起参加的活动"))
    assert allowed.status_code == 302
    theirs.refresh_from_db()
    assert theirs.title == "一起参加的活动"


def test_a_captain_edits_their_teams_activities_but_not_another_teams(
    client_for, teammate, team, other_team, secretary_b_user
):
    ours = ActivityFactory(team=other_team)
    theirs = ActivityFactory(team=team, created_by=teammate.user)
    client = client_for(secretary_b_user)  # captain of 致富先锋

    assert (
        client.post(reverse("teams:activity_edit", args=[ours.pk]), form_data(other_team, title="队长改")).status_code
        == 302
    )
    assert (
        client.post(reverse("teams:activity_edit", args=[theirs.pk]), form_data(team, title="越权")).status_code == 403
    )
    assert client.post(reverse("teams:activity_delete", args=[ours.pk])).status_code == 302
    assert not TeamActivity.objects.filter(pk=ours.pk).exists()


def test_township_staff_and_station_managers_cannot_log_activities(
    client_for, township_a_user, station_manager_user, team
):
    for user in (township_a_user, station_manager_user):
        assert client_for(user).post(reverse("teams:activity_create"), form_data(team)).status_code == 403
    assert not TeamActivity.objects.exists()


def test_a_photo_can_be_removed_by_whoever_may_edit_the_activity(
    client_for, secretary_user, team, secretary, django_capture_on_commit_callbacks
):
    client = client_for(secretary_user)
    client.post(reverse("teams:activity_create"), form_data(team, photos=[upload("a.png", png_bytes())]))
    photo = ActivityPhoto.objects.get()
    path = photo.image.path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("teams:photo_delete", args=[photo.pk]))

    assert response.status_code == 302 and not ActivityPhoto.objects.exists()
    assert not os.path.exists(path)


def test_a_former_member_can_no_longer_log_for_the_team(client_for, secretary_user, team):
    TeamMembership.objects.filter(team=team).update(left=date(2026, 1, 1))

    assert client_for(secretary_user).get(reverse("teams:activity_create")).status_code == 403


def truncated_jpeg():
    """The first half of a JPEG: Pillow's verify() accepts it, only decoding finds it broken."""
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (20, 120, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()[: len(buffer.getvalue()) // 2]


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_truncated_jpeg_is_refused_by_the_form_with_its_name(client_for, secretary_user, team, media_root):
    photos = [upload("good.png", png_bytes()), upload("半张.jpg", truncated_jpeg(), "image/jpeg")]

    response = client_for(secretary_user).post(reverse("teams:activity_create"), form_data(team, photos=photos))

    assert response.status_code == 200
    assert "文件“半张.jpg”不是有效的图片" in response.content.decode()
    assert not TeamActivity.objects.exists() and files_under(media_root) == []


def test_files_written_before_a_photo_fails_are_removed_with_the_rolled_back_activity(
    rf, secretary_user, team, media_root
):
    from django.core.exceptions import ValidationError

    from teams.forms import ActivityForm
    from teams.models import PioneerTeam
    from teams.services import activity_save

    form = ActivityForm(form_data(team), teams=PioneerTeam.objects.all(), district_id=team.district_id)
    assert form.is_valid(), form.errors
    photos = [
        upload("first.png", png_bytes()),
        upload("second.jpg", jpeg_bytes(), "image/jpeg"),
        upload("broken.jpg", truncated_jpeg(), "image/jpeg"),
    ]

    with pytest.raises(ValidationError, match="broken.jpg"):
        activity_save(form, user=secretary_user, photos=photos)

    assert not TeamActivity.objects.exists() and not ActivityPhoto.objects.exists()
    assert files_under(media_root) == []  # the two good photos were written, then removed


def test_a_saved_activity_keeps_exactly_its_photo_files(client_for, secretary_user, team, media_root):
    photos = [upload("a.png", png_bytes()), upload("b.jpg", jpeg_bytes(), "image/jpeg")]

    client_for(secretary_user).post(reverse("teams:activity_create"), form_data(team, photos=photos))

    stored = sorted(p.image.name for p in ActivityPhoto.objects.all())
    assert len(stored) == 2 and files_under(media_root) == stored


def test_nine_photos_already_there_refuse_a_tenth_on_edit(client_for, secretary_user, team, secretary, media_root):
    client = client_for(secretary_user)
    client.post(
        reverse("teams:activity_create"), form_data(team, photos=[upload(f"{i}.png", png_bytes()) for i in range(9)])
    )
    activity = TeamActivity.objects.get()
    before = files_under(media_root)

    response = client.post(
        reverse("teams:activity_edit", args=[activity.pk]), form_data(team, photos=[upload("10.png", png_bytes())])
    )

    assert response.status_code == 200 and "最多 9 张照片，已有 9 张" in response.content.decode()
    assert activity.photos.count() == 9 and files_under(media_root) == before


def test_an_empty_file_and_a_webp_disguised_nothing_else_pass(client_for, secretary_user, team):
    webp = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(webp, format="WEBP")
    client = client_for(secretary_user)

    empty = client.post(reverse("teams:activity_create"), form_data(team, photos=[upload("空.png", b"")]))
    good = client.post(reverse("teams:activity_create"), form_data(team, photos=[upload("photo.png", webp.getvalue())]))

    assert "空文件" in empty.content.decode() or "提交的文件为空" in empty.content.decode()
    assert good.status_code == 302
    assert ActivityPhoto.objects.get().image.name.endswith(".webp")  # stored by content, not by name


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("date", "2026-02-30", "输入一个有效的日期"),
        ("date", "2999-01-01", "活动日期不能晚于今天"),
        ("people_reached", "-3", "确保该值大于或等于0"),
        ("funds_secured", "-1", "不能为负数"),
        ("kind", "打麻将", "选择一个有效的选项"),
        ("team", "abc", "选择一个有效的选项"),
        ("village", "999999", "选择一个有效的选项"),
    ],
)
def test_bad_form_input_gets_a_chinese_message_and_saves_nothing(
    client_for, secretary_user, team, field, value, message
):
    data = form_data(team)
    data[field] = value
    response = client_for(secretary_user).post(reverse("teams:activity_create"), data)

    assert response.status_code == 200 and message in response.content.decode()
    assert not TeamActivity.objects.exists()


def test_outcome_figures_left_empty_count_as_zero(client_for, secretary_user, team):
    data = form_data(team, people_reached="", funds_secured="", projects_built="", produce_kg="", produce_yuan="")

    response = client_for(secretary_user).post(reverse("teams:activity_create"), data)

    activity = TeamActivity.objects.get()
    assert response.status_code == 302
    assert (activity.people_reached, activity.funds_secured, activity.projects_built, activity.produce_kg) == (
        0,
        0,
        0,
        0,
    )
