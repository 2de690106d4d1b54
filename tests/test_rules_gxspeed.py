"""The shortcuts of rules/gxspeed.py change how long the rules take, never what they find."""
from __future__ import annotations

import contextlib
import json

import pytest

from nianbao import synth
from nianbao.rules import check, gxspeed

from rules_helpers import found


def test_the_installed_gx_has_the_shape_the_shortcuts_were_written_for():
    assert gxspeed.install() is True


def _reports(year: int):
    agencies = synth.synthesize(12, year, violations=0.75, seed=year, previous=True)
    assert {a.planted for a in agencies if a.planted} >= {"R9", "R10", "R16"}
    return [(a.reports[year], a.reports[year - 1]) for a in agencies]


@pytest.mark.parametrize("year", [2020, 2022])
def test_findings_and_records_equal_with_and_without_the_shortcuts(year, monkeypatch):
    reports = _reports(year)
    fast = [check(report, previous) for report, previous in reports]
    monkeypatch.setattr(gxspeed, "validating", contextlib.nullcontext)
    shipped = [check(report, previous) for report, previous in reports]
    assert sum(len(v.findings) for v in fast) > 0
    for a, b in zip(fast, shipped):
        assert found(a) == found(b)
        assert [f.message for f in a.findings] == [f.message for f in b.findings]
        assert json.dumps(a.results, sort_keys=True, default=str) == json.dumps(b.results, sort_keys=True, default=str)


def test_the_caches_end_with_the_validation():
    with gxspeed.validating():
        with gxspeed.validating():
            assert gxspeed._scope.cache == {}
        assert gxspeed._scope.cache is not None
    assert gxspeed._scope.cache is None and gxspeed._scope.records is None
