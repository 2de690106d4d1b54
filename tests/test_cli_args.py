"""Counts and times on the command line: a positive number (or 'all' where offered), else exit 2
with the argument named, in Chinese and English."""
from __future__ import annotations

import pytest

from nianbao.cli import build_parser


@pytest.mark.parametrize("argv", [
    ["batch", "--year", "2021", "--jobs", "0"], ["batch", "--year", "2021", "--jobs", "two"],
    ["batch", "--year", "2021", "--timeout", "-5"], ["audit", "outputs/2021", "--reexecute", "0"],
    ["audit", "outputs/2021", "--reexecute", "some"], ["audit", "outputs/2021", "--jobs", "-1"],
])
def test_a_count_that_is_not_positive_is_bad_usage(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and argv[-2] in err and "应为正数" in err and "expected a positive number" in err


def test_good_counts_parse_to_numbers_or_all():
    parser = build_parser()
    assert parser.parse_args(["batch", "--year", "2021", "--jobs", "3", "--timeout", "2.5"]).jobs == 3
    assert parser.parse_args(["batch", "--year", "2021", "--timeout", "2.5"]).timeout == 2.5
    assert parser.parse_args(["audit", "outputs/2021", "--reexecute", "all"]).reexecute == "all"
    assert parser.parse_args(["audit", "outputs/2021", "--reexecute", "4", "--jobs", "2"]).reexecute == 4
