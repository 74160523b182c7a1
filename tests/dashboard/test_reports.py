"""The round report and the monthly work report: printable pages and .xlsx downloads with the
hand-counted totals."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def summary(book):
    return {row[0]: row[1] for row in rows(book["概况"])[1:]}


def test_round_report_xlsx_has_the_right_totals(world, client_for, org_user):
    book = workbook(client_for(org_user).get(f"/dashboard/reports/round/{world.r_cur.pk}/report.xlsx"))
    assert book.sheetnames == ["概况", "报送完整率", "未报送村", "需求类别", "乡镇需求", "闭环漏斗", "典型案例"]
    s = summary(book)
    assert (s["应报送村数"], s["已报送村数"], s["其中按时"], s["其中逾期"], s["未报送村数"], s["无新增需求村数"]) == (
        5,
        3,
        2,
        1,
        2,
        1,
    )
    assert (s["报送率（%）"], s["需求事项数"], s["已接单"], s["已办结"], s["办结率（%）"]) == (60.0, 7, 4, 2, 50.0)
    assert (s["督导（逾期）事项"], s["办结争取资金（元）"]) == (2, 20000)
    completeness = rows(book["报送完整率"])
    assert completeness[0][:3] == ["乡镇", "应报村数", "按时报送"]
    assert completeness[-1] == ["合计", 5, 2, 1, 2, 1, 60.0, 40.0]
    assert sorted(r[1] for r in rows(book["未报送村"])[1:]) == ["东庄村", "北窖村"]
    categories = {r[0]: r[1:] for r in rows(book["需求类别"])[1:]}
    assert categories["产业发展"][:3] == [3, 2, 2]
    assert categories["合计"][:4] == [7, 4, 2, 1]
    townships = {r[0]: r[1:] for r in rows(book["乡镇需求"])[1:]}
    assert townships["十渡镇"][:3] == [4, 3, 2] and townships["佛子庄乡"][:3] == [3, 1, 0]
    funnel = rows(book["闭环漏斗"])[1:]
    assert [r[1] for r in funnel] == [7, 4, 3, 2, 1, 1, 1]
    notable = rows(book["典型案例"])[1:]
    assert notable[0][3] == "村集体产业项目" and notable[0][4] == "引进合作社" and notable[0][6] == 5
    assert len(notable) == 2


def test_a_townships_round_report_xlsx_counts_only_its_villages(world, client_for, township_a_user):
    book = workbook(client_for(township_a_user).get(f"/dashboard/reports/round/{world.r_cur.pk}/report.xlsx"))
    s = summary(book)
    assert (s["范围"], s["应报送村数"], s["已报送村数"], s["需求事项数"]) == ("十渡镇", 3, 2, 4)
    assert [r[0] for r in rows(book["报送完整率"])[1:]] == ["十渡镇", "合计"]
    text = str([rows(sheet) for sheet in book])
    assert "佛子庄乡" not in text and "北窖村" not in text


def test_round_report_page_is_printable_and_states_the_figures(world, client_for, org_user):
    response = client_for(org_user).get(f"/dashboard/reports/round/{world.r_cur.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'media="print"' in html and "data-print" in html  # the 打印 button (static/js/site.js)
    assert (
        "应报送 5 个村（社区），已报送 3 个，其中按时 2 个、逾期 1 个、无新增需求 1 个，未报送 2 个，报送率 60.0%"
        in html
    )
    assert "共收到需求 7 件，已接单 4 件，已办结 2 件（其中已评价 1 件），办结率 50.0%" in html
    assert "村集体产业项目" in html and html.count('<figure class="chart">') == 3


def test_monthly_report_xlsx_has_the_right_totals(world, client_for, org_user):
    book = workbook(client_for(org_user).get(f"/dashboard/reports/monthly/report.xlsx?month={world.M:%Y-%m}"))
    s = summary(book)
    assert (s["志愿服务活动（次）"], s["服务群众（人次）"], s["争取帮扶资金（元）"]) == (3, 100, 15000)
    assert (s["建成产业项目（个）"], s["销售农产品（公斤）"], s["农产品销售额（元）"]) == (1, 300, 1500)
    assert (s["已完成值班"], s["缺勤"], s["缺勤率（%）"]) == (2, 1, 33.3)
    teams = rows(book["先锋队"])
    assert teams[1][:4] == [1, "红色先锋", 2, 50]
    assert teams[-1][1:5] == ["合计", 3, 100, 15000]
    kinds = {r[0]: r[1:] for r in rows(book["活动类型"])[1:]}
    assert kinds["红色党课"] == [1, 30, 10000] and kinds["合计"] == [3, 100, 15000]
    stations = {r[0]: r[1:] for r in rows(book["服务站值班"])[1:]}
    assert stations["十渡镇乡村振兴服务站"][3:6] == [2, 1, 0]
    assert stations["合计"][3:5] == [2, 1]


def test_monthly_report_page_reads_as_a_summary(world, client_for, township_b_user):
    html = client_for(township_b_user).get(f"/dashboard/reports/monthly/?month={world.M:%Y-%m}").content.decode()
    assert "本月开展志愿服务活动 2 次，服务群众 70 人次" in html
    assert "十渡镇" not in html


def test_a_bad_month_in_the_report_gets_a_message(world, client_for, org_user):
    response = client_for(org_user).get("/dashboard/reports/monthly/?month=last-year")
    assert response.status_code == 200
    assert "月份“last-year”格式不对" in response.content.decode()
