"""The round upload's confirm writes the rows its preview checked (issue 13, point 5): kept beside
the stored file, written after the upload's tables are loaded again and every village, category,
secretary and lead the rows name is found as the preview found it; else refused, nothing written."""

from datetime import date

import pytest

import demands.excel
from audit.models import AuditEntry
from core.plans import STALE_MESSAGE
from demands.models import DemandCategory, DemandEvent, DemandItem
from demands.services.rounds import ensure_submissions
from tests.demands.factories import CollectionRoundFactory
from tests.demands.test_upload_jobs import demand_rows, nothing_written, open_round, township_workbook

__all__ = ["open_round"]  # the fixture, shared with the upload-job tests

pytestmark = pytest.mark.django_db


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


def test_the_confirm_writes_the_kept_rows_without_reading_the_file_again(
    import_dir, open_round, township_a_user, client_for, monkeypatch
):
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    assert client.post(url, {"file": township_workbook(demand_rows(30))}).context["result"].ok
    assert len(list(import_dir.glob("*.plan.json"))) == 1

    def read_again(*args, **kwargs):
        raise AssertionError("the confirm read the file again")

    monkeypatch.setattr(demands.excel, "read_upload", read_again)
    response = client.post(f"{url}confirm/", follow=True)
    assert "导入成功：需求清单30条。" in response.content.decode()
    items = DemandItem.objects.filter(round=open_round)
    assert items.count() == 30 and not items.exclude(status="submitted").exists()
    assert set(items.values_list("village__name", flat=True)) == {"东庄村", "南庄村", "北庄村"}
    assert DemandEvent.objects.filter(item__in=items, action="submit", note="乡镇代报").count() == 30
    seventh = items.get(title="需求7")  # as read and checked by the preview: 4.5 万元, 2027年3月, 一般
    assert (seventh.estimated_funds, seventh.wanted_by.isoformat(), seventh.urgency) == (45000, "2027-03-31", "low")
    assert not any(import_dir.iterdir())


def test_a_category_retired_since_the_preview_refuses_the_confirm_and_writes_nothing(
    import_dir, open_round, township_a_user, client_for
):
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    assert client.post(url, {"file": township_workbook(demand_rows(5))}).context["result"].ok
    DemandCategory.objects.filter(name="基础设施建设").update(active=False)
    html = client.post(f"{url}confirm/").content.decode()
    assert STALE_MESSAGE in html and "基础设施建设" in html  # and the rows' own messages
    assert nothing_written(open_round)


def test_a_round_uploads_audit_entry_reads_the_same_from_the_page_and_from_a_background_job(
    import_dir, open_round, district, township_a_user, client_for, settings, django_capture_on_commit_callbacks
):
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    client.post(url, {"file": township_workbook(demand_rows(3))})
    client.post(f"{url}confirm/")

    later = CollectionRoundFactory(district=district, period_start=date(2027, 1, 1), period_end=date(2027, 2, 28))
    ensure_submissions(later)
    settings.IMPORT_ASYNC_ROWS = 2  # the same rows for the next round, through a background job
    url = f"/demands/rounds/{later.pk}/upload/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": township_workbook(demand_rows(3))})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}confirm/")

    page, background = AuditEntry.objects.filter(action="import").order_by("pk")
    assert page.detail == background.detail == "十渡镇需求清单.xlsx：十渡镇：需求清单3条"
    assert (page.result, background.result, background.extra.get("background")) == ("success", "success", True)
    assert DemandItem.objects.filter(round=later).count() == 3
