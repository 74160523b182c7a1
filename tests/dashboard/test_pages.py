"""The dashboards as pages: figures shown, filters applied, bad input answered in Chinese."""

import re

import pytest

pytestmark = pytest.mark.django_db


def month_query(world, **extra):
    params = {"period": "month", "month": f"{world.M:%Y-%m}", **extra}
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


def figure(html, key):
    """The value and change shown on a headline card."""
    block = re.search(rf'data-figure="{key}".*?figure-value">([^<]*)<.*?figure-delta">([^<]*)<', html, re.S)
    assert block, f"no card {key}"
    return block.group(1).strip(), block.group(2).strip()


def test_org_dashboard_shows_the_headline_figures_with_their_change(world, client_for, org_user):
    response = client_for(org_user).get("/" + month_query(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "区委组织部工作台" in html
    assert figure(html, "secretaries_on_post") == ("4", "+1")
    assert figure(html, "villages_covered") == ("4", "+1")
    assert figure(html, "teams") == ("2", "+1")
    assert figure(html, "activities") == ("3", "+2")
    assert figure(html, "people_reached") == ("100", "+90")
    assert figure(html, "funds_secured") == ("1.5", "+1.3")  # 万元
    assert figure(html, "projects_built") == ("1", "+1")
    assert figure(html, "produce_kg") == ("300", "+300")
    assert figure(html, "shifts_done") == ("2", "持平")
    assert figure(html, "absence_rate") == ("33.3", "+33.3 个百分点")
    assert "拟开展 1 · 在建 1 · 已完成 2" in html
    # The round, the loop, the needs, the teams and the stations are all there.
    assert "本轮需求清单征集" in html and "东庄村" in html and "北窖村" in html
    assert 'id="supervision-count">3<' in html
    assert "需要招募资源" in html and "医疗卫生" in html
    assert "红色先锋" in html and "佛子庄乡乡村振兴服务站" in html
    # Nothing from the other district.
    assert "燕山区" not in html and "星城" not in html and "外区" not in html


def test_every_chart_is_an_accessible_svg_with_its_numbers_table(world, client_for, org_user):
    html = client_for(org_user).get("/" + month_query(world)).content.decode()
    charts = re.findall(r'<figure class="chart[^"]*" id="chart-([\w-]+)">(.*?)</figure>', html, re.S)
    assert len(charts) == 10
    for key, svg in charts:
        assert svg.lstrip().startswith("<svg"), key
        assert 'role="img"' in svg and "<title>" in svg and "<desc>" in svg, key
        assert "<script" not in svg, key
    assert "http://" not in re.sub(r'xmlns(:\w+)?="http://[^"]+"|<!--.*?-->', "", html)  # no CDN, no external refs


def test_the_completeness_chart_describes_its_numbers_in_text(world, client_for, org_user):
    html = client_for(org_user).get("/" + month_query(world)).content.decode()
    desc = re.search(r'id="chart-completeness">.*?<desc>(.*?)</desc>', html, re.S).group(1)
    assert "佛子庄乡：按时报送 1个村，逾期报送 0个村，未报送 1个村" in desc


def test_org_can_narrow_the_dashboard_to_one_township(world, client_for, org_user, township_a):
    html = client_for(org_user).get("/" + month_query(world, township=township_a.pk)).content.decode()
    assert "区委组织部工作台 · 十渡镇" in html
    assert figure(html, "activities") == ("1", "持平")
    assert "东庄村" in html and "北窖村" not in html


def test_township_dashboard_is_scoped_to_its_township(world, client_for, township_a_user):
    html = client_for(township_a_user).get("/" + month_query(world)).content.decode()
    assert "十渡镇工作台" in html
    assert figure(html, "secretaries_on_post") == ("2", "持平")
    assert figure(html, "people_reached") == ("30", "+20")
    # Township B's villages, secretaries and station never appear.
    for foreign in ["佛子庄乡", "黑龙关村", "北窖村", "李红梅", "钱进", "卫生室设备更新", "校舍维修"]:
        assert foreign not in html, foreign


def test_a_bad_filter_value_gets_a_chinese_message_not_an_error(world, client_for, org_user):
    response = client_for(org_user).get("/?period=decade&month=2026-13&round=abc")
    assert response.status_code == 200
    html = response.content.decode()
    assert "统计周期“decade”无效" in html
    assert "月份“2026-13”格式不对" in html
    assert "轮次参数无效" in html


def test_a_round_of_another_district_falls_back_to_the_current_round(world, client_for, org_user):
    html = client_for(org_user).get(f"/?round={world.other_round.pk}").content.decode()
    assert "没有这个轮次" in html and "外区轮次" not in html


def test_another_townships_id_in_the_filter_answers_404(world, client_for, township_a_user, township_b):
    assert client_for(township_a_user).get(f"/?township={township_b.pk}").status_code == 404
    assert client_for(township_a_user).get("/?township=x").status_code == 404


def test_period_filter_compares_quarters_and_years(world, client_for, org_user):
    html = client_for(org_user).get(f"/?period=year&month={world.M:%Y-%m}").content.decode()
    assert f"{world.M.year}年，与{world.M.year - 1}年比较" in html


def test_dashboard_without_any_round_still_answers(client_for, org_user):
    html = client_for(org_user).get("/").content.decode()
    assert "尚无已发布的征集轮次" in html


@pytest.mark.django_db
@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-13-01", "abc"])
def test_an_impossible_week_gets_a_message_not_an_error(world, client_for, org_user, week):
    response = client_for(org_user).get("/dashboard/shifts/", {"week": week})
    assert response.status_code == 200
    assert "日期格式应为" in response.content.decode()
