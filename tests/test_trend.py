"""Year over year: the figures per year (both formats) and the chart drawn from them."""
from __future__ import annotations

import re

from nianbao.model import sources
from nianbao.analyst import trend

from conftest import FIXTURES

Y2020 = FIXTURES / "data" / "2020" / "demo-qu.yaml"  # 2019 试行 format
Y2021 = FIXTURES / "data" / "2021" / "demo-qu.yaml"


def test_figures_read_the_same_categories_from_both_formats():
    old, new = trend.figures(sources.load_report(Y2020)), trend.figures(sources.load_report(Y2021))
    assert (old.year, old.applications, old.review, old.litigation) == (2020, 13, 1, 1)
    assert (new.year, new.applications, new.review, new.litigation) == (2021, 19, 2, 1)
    assert list(old.results) == list(new.results) == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert old.results == {"予以公开": 6, "部分公开": 1, "不予公开": 0, "无法提供": 4, "不予处理": 1, "其他处理": 0}
    assert new.results["其他处理"] == 1  # 2021: the three sub-rows summed


def test_chart_shows_every_year_present_in_order():
    reports = [sources.load_report(Y2021), sources.load_report(Y2020)]
    html = trend.trend_html(reports)
    assert html.count("<svg") == 1 and "逐年对比 2020–2021" in html
    assert re.findall(r"<title>(\d{4}) 本年新收: (\d+)</title>", html) == [("2020", "13"), ("2021", "19")]
    assert "<title>2021 行政复议: 2</title>" in html and "<title>2020 予以公开: 6（50%）</title>" in html


def test_blank_cells_draw_no_bar_and_one_year_draws_no_chart():
    draft = sources.load_report(Y2021)
    draft.year, draft.table3["本年新收"] = 2022, [None] * 7
    html = trend.trend_html([sources.load_report(Y2021), draft])
    assert "2022 本年新收" not in html and "<td>—</td>" in html
    assert "<svg" not in trend.trend_html([draft]) and "没有可对比的往年" in trend.trend_html([draft])
