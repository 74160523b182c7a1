import re

import pytest

from teams.models import ActivityPhoto, TeamActivity
from tests.browser import login
from tests.teams.test_activities import png_bytes


@pytest.mark.browser
def test_a_member_logs_an_activity_with_a_photo_on_a_phone(
    live_server, phone_page, transactional_db, team, secretary, tmp_path
):
    photo = tmp_path / "义诊现场.png"
    photo.write_bytes(png_bytes(1200, 900))
    page = phone_page
    login(page, live_server, secretary.user.username)

    page.goto(f"{live_server.url}/teams/activities/new/")
    # What every activity needs is in the first screen, and 保存 stays in reach while scrolling.
    assert page.locator("#id_photos").bounding_box()["y"] < 844
    assert not page.locator("#id_funds_secured").is_visible()  # outcomes folded until needed
    save = page.locator("#activity-form button[type=submit]").bounding_box()
    assert save["y"] + save["height"] <= 844
    page.select_option("#id_kind", "义诊服务")
    page.fill("#id_people_reached", "36")
    page.click("#activity-outcomes summary")
    page.fill("#id_funds_secured", "")  # left empty: counted as 0
    page.set_input_files("#id_photos", str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.click("#activity-form button[type=submit]")
    page.wait_for_url(re.compile(r"/teams/activities/\d+/$"))

    activity = TeamActivity.objects.get()
    assert activity.kind == "义诊服务" and activity.people_reached == 36 and activity.funds_secured == 0
    assert list(activity.participants.all()) == [secretary]
    stored = ActivityPhoto.objects.get(activity=activity)
    assert (stored.width, stored.height) == (1200, 900)
    image = page.locator("#activity-photos img")
    image.wait_for()
    assert page.evaluate("document.querySelector('#activity-photos img').naturalWidth") == 1200
