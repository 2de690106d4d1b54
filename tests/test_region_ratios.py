"""The overview's figures (R39): ratios through the declaration's roles, their spread, outliers only
with ≥ 30 agencies, year-over-year jumps on a large base only."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from nianbao import synth
from nianbao.model import formats
from nianbao.region import ratios


def reports(n: int, year: int = 2022, seed: int = 4):
    return [a.reports[year] for a in synth.synthesize(n, year, seed=seed)]


def test_percentiles_are_numpys_linear_ones():
    values = [0.1, 0.5, 0.2, 0.9, 0.35, 0.6, 0.05]
    for q in (5, 25, 50, 75, 95):
        assert abs(ratios.percentile(values, q) - np.percentile(values, q)) < 1e-12


def test_an_extreme_agency_is_flagged_only_with_thirty_peers():
    many = reports(40)
    odd = many[0]
    odd.table3[odd.format.row_key(formats.CARRIED_OUT)][-1] = 10 ** 6  # 结转率 far above everyone's
    values = {str(i): ratios.ratios(r) for i, r in enumerate(many)}
    spread = ratios.spreads(values)["carried"]
    assert spread.compared and spread.outside(values["0"]["carried"]) == "high"
    assert [k for k, v in values.items() if spread.outside(v["carried"])][:1] == ["0"]
    few = {k: v for k, v in list(values.items())[:ratios.MIN_PEERS - 1]}
    assert ratios.spreads(few)["carried"].outside(values["0"]["carried"]) == ""  # 29 agencies: no flags


def test_a_blank_cell_or_a_zero_base_gives_no_ratio():
    report = reports(1)[0]
    fmt = report.format
    report.table3[fmt.row_key(formats.RESULTS_TOTAL)][-1] = 0
    assert ratios.ratios(report)["disclosed"] is None
    report.table3[fmt.row_key(formats.RESULTS_TOTAL)][-1] = 5
    report.table3[fmt.row_keys(formats.DISCLOSED)[0]][-1] = None
    assert ratios.ratios(report)["disclosed"] is None


def test_jumps_need_a_large_base():
    this, last = reports(2)
    fmt = this.format
    new = fmt.row_key(formats.NEW)
    label = fmt.table3_row(new).label
    last.table3[new][-1], this.table3[new][-1] = 10, 60  # 6×: a jump
    assert label in [j.figure for j in ratios.jumps(this, last)]
    last.table3[new][-1], this.table3[new][-1] = 1, 6  # 6×, but 1 → 6 is no news
    assert label not in [j.figure for j in ratios.jumps(this, last)]
    last.table3[new][-1], this.table3[new][-1] = 0, 25  # 0 → non-zero on a large base
    assert [j.kind for j in ratios.jumps(this, last) if j.figure == label] == ["0 → 非零"]
    last.table3[new][-1], this.table3[new][-1] = 30, 35
    assert label not in [j.figure for j in ratios.jumps(this, last)]


def test_a_format_with_other_labels_needs_no_code_change():
    """The rows and columns are found by role: relabel them all and the ratios stay the same."""
    report = reports(1)[0]
    fmt = report.format
    relabelled = replace(fmt, table3_rows=tuple(replace(r, label=f"甲{r.label}", group=f"乙{r.group}")
                                                for r in fmt.table3_rows),
                         table4_columns=tuple(replace(c, label=f"丙{c.label}") for c in fmt.table4_columns))
    before = ratios.ratios(report)
    report.format = relabelled
    assert ratios.ratios(report) == before
    assert "甲" in ratios.formula(relabelled, "carried") and "丙" in ratios.formula(relabelled, "review")
