import pytest
from django.utils import timezone

from stations.models import DutyShift
from tests.browser import login


@pytest.mark.browser
def test_secretary_checks_in_and_out_on_a_phone(live_server, phone_page, transactional_db, secretary, station):
    shift = DutyShift.objects.create(station=station, date=timezone.localdate(), secretary=secretary)
    login(phone_page, live_server, secretary.user.username)

    phone_page.goto(f"{live_server.url}/stations/mine/")
    phone_page.click(f"a[href='/stations/shifts/{shift.pk}/']")
    phone_page.click("#check-in")
    phone_page.wait_for_selector("text=签到成功")
    assert phone_page.locator("#check-in-time").inner_text() != "—"

    phone_page.click("#check-out")
    phone_page.wait_for_selector("text=签退成功")
    # The shift page fits the phone's width without scrolling sideways.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    shift.refresh_from_db()
    assert shift.check_in_at and shift.check_out_at and shift.status == "done"


@pytest.mark.browser
def test_month_view_is_a_list_on_a_phone_and_a_grid_on_a_desktop(
    live_server, phone_page, page, transactional_db, station, station_manager_user, township_a
):
    from datetime import timedelta

    from tests.stations.factories import make_secretary

    today = timezone.localdate()
    first = today.replace(day=1)
    wednesdays = [first + timedelta(days=i) for i in range(28) if (first + timedelta(days=i)).weekday() == 2]
    for day in wednesdays:
        DutyShift.objects.create(
            station=station, date=day, secretary=make_secretary(township_a, name=f"书记{day.day}号")
        )
    url = f"{live_server.url}/stations/{station.pk}/month/"

    login(phone_page, live_server, station_manager_user.username)
    phone_page.goto(url)
    assert phone_page.locator("#month-list").is_visible()
    assert not phone_page.locator("#month-grid").is_visible()
    assert phone_page.locator("#month-list .list-group-item").count() >= len(wednesdays)
    assert phone_page.locator("#month-list").get_by_text(f"书记{wednesdays[0].day}号").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    login(page, live_server, station_manager_user.username)
    page.goto(url)
    assert page.locator("#month-grid").is_visible()
    assert not page.locator("#month-list").is_visible()
