"""The dashboards show the secretary of a missing village through the visibility rule: township
staff call their own villages (a tel: link), and the cached page of one viewer is never served
to a viewer who may see less (secretaries/visibility.py, dashboard/caching.py)."""

import pytest

from secretaries.models import Secretary

pytestmark = pytest.mark.django_db


def tel(number):
    return f'<a href="tel:{number}">{number}</a>'


def test_township_staff_can_call_their_missing_villages_from_the_dashboard(world, client_for, township_b_user):
    missing = Secretary.objects.get(name="钱进")  # 北窖村 returned its list: missing
    client = client_for(township_b_user)
    assert tel(missing.phone) in client.get("/").content.decode()
    assert tel(missing.phone) in client.get("/dashboard/missing/").content.decode()


def test_the_org_department_too_and_the_round_report_file_carries_the_number(
    world, client_for, org_user, township_b_user
):
    from io import BytesIO

    from openpyxl import load_workbook

    missing = Secretary.objects.get(name="钱进")
    assert tel(missing.phone) in client_for(org_user).get("/").content.decode()
    response = client_for(township_b_user).get(f"/dashboard/reports/round/{world.r_cur.pk}/report.xlsx")
    sheet = load_workbook(BytesIO(response.content))["未报送村"]
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [missing.phone]
