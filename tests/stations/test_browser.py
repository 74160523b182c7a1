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
