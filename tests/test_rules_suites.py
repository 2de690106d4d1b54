"""The GX suites under expectations/: generated from the declaration, committed, loaded whole."""
from __future__ import annotations

import json
import shutil

import pytest

from nianbao.model import formats
from nianbao.rules import catalog, suites
from nianbao.rules.suites import SuiteError, load_suite

from conftest import ROOT

COMMITTED = ROOT / "expectations"


@pytest.mark.parametrize("name", suites.SUITE_NAMES)
def test_committed_suite_equals_what_the_declaration_generates(name):
    generated = suites.build_suites()[name]
    assert (COMMITTED / f"{name}.json").read_text(encoding="utf-8") == suites.suite_text(generated), \
        "run: python -m nianbao.rules.suites"


@pytest.mark.parametrize("name", suites.SUITE_NAMES)
def test_loaded_suite_has_every_expectation_of_its_file(name):
    data = json.loads((COMMITTED / f"{name}.json").read_text(encoding="utf-8"))
    assert load_suite(name, COMMITTED).count == len(data["expectations"]) > 0


def test_an_unknown_expectation_type_is_refused_not_dropped(tmp_path):
    data = json.loads((COMMITTED / "format-2021.json").read_text(encoding="utf-8"))
    data["expectations"][0]["type"] = "expect_something_nobody_registered"
    (tmp_path / "format-2021.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SuiteError, match=f"{len(data['expectations'])} 条期望，GX 只载入了 {len(data['expectations']) - 1} 条"):
        load_suite("format-2021", tmp_path)


def test_a_missing_suite_file_says_how_to_make_it(tmp_path):
    with pytest.raises(SuiteError, match="python -m nianbao.rules.suites"):
        load_suite("format-2021", tmp_path)


def test_the_suites_cover_the_required_rules_with_the_reference_severities():
    covered = {}
    for name, suite in suites.build_suites().items():
        for expectation in suite.expectations:
            meta = expectation.meta
            for rule in meta.get("rules") or [meta["rule"]]:
                covered.setdefault(rule, set()).add(str(getattr(expectation.severity, "value", expectation.severity)))
    required = {f"R{n}" for n in (1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 25, 27, 28, 29)}
    assert required <= set(covered) <= set(catalog.RULES)
    # An error rule may have warning parts ("hard / warn"); a warning rule never raises an error.
    for rule, severities in covered.items():
        level = catalog.RULES[rule].severity
        assert severities == {"warning"} if level == catalog.WARNING else "critical" in severities, rule


def test_every_column_a_suite_names_exists_in_its_frames():
    from nianbao.rules import frames

    for version, fmt in formats.FORMATS.items():
        columns = {frames.CELLS: set(frames.COMMON + frames.CELL_COLUMNS + frames.CLAIM_COLUMNS + frames.STRUCTURE_COLUMNS),
                   frames.LINES: set(frames.COMMON) | set(frames.line_columns(fmt))}
        for expectation in suites.build_suite(fmt).expectations:
            kw = expectation.configuration.kwargs
            named = set(kw.get("column_list") or []) | {kw[k] for k in ("column", "column_A", "column_B") if k in kw}
            assert named <= columns[expectation.meta["frame"]], (version, named - columns[expectation.meta["frame"]])
    cross = set(frames.COMMON) | set(frames.cross_year_columns())
    for expectation in suites.build_cross_year_suite().expectations:
        kw = expectation.configuration.kwargs
        assert set(kw.get("column_list") or [kw.get("column_A"), kw.get("column_B")]) <= cross


def test_regenerating_writes_the_same_files(tmp_path):
    shutil.copytree(COMMITTED, tmp_path / "expectations")
    written = suites.write_suites(tmp_path / "expectations")
    assert sorted(p.name for p in written) == sorted(f"{n}.json" for n in suites.SUITE_NAMES)
    for path in written:
        assert path.read_text(encoding="utf-8") == (COMMITTED / path.name).read_text(encoding="utf-8")
