"""Flattened variants of the real samples read to the same cells as the original, or to honest gaps:
never a different number, never a cell silently left out. The variants are what archives, crawlers and
"copy text" do to a page: all lines joined, table separators stripped, lines hard-wrapped at a width."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import NianbaoError
from nianbao.importer import read_any
from nianbao.model import formats
from nianbao.rules import gap_cells

from conftest import SAMPLES

NAMES = ("jiaozuo-jyj-2021.txt", "shanghai-szfbgt-2019.txt", "huaian-szf-2024.txt")
ORIGINALS = {}


def original(name):
    if name not in ORIGINALS:
        ORIGINALS[name] = read_any(SAMPLES / name)
    return ORIGINALS[name]


def wrap(text: str, width: int) -> str:
    return "\n".join(line[i:i + width] for line in text.split("\n") for i in range(0, max(len(line), 1), width))


VARIANTS = {
    "join": lambda t, w: t.replace("\n", ""),
    "join with spaces": lambda t, w: t.replace("\n", " "),
    "strip tabs": lambda t, w: t.replace("\t", ""),
    "tabs as spaces": lambda t, w: t.replace("\t", " "),
    "join and strip": lambda t, w: t.replace("\n", "").replace("\t", ""),
    "wrap": wrap,
    "strip and wrap": lambda t, w: wrap(t.replace("\t", ""), w),
}


def same_or_gaps(before, after) -> tuple[int, int]:
    """(cells equal, cells now gaps); fails on a different number or a cell lost without a gap."""
    unread = {(c.table, c.row, c.column) for _, cells in gap_cells(after) for c in cells}
    equal = gaps = 0
    fmt = before.format
    for t in formats.TABLES:
        for row, cells in getattr(before, t.key).items():
            for n, (x, y) in enumerate(zip(cells, getattr(after, t.key)[row])):
                if x == y:
                    equal += 1
                    continue
                assert y is None, (t.name, row, n, x, y)  # never a different number
                column = (fmt.columns(t)[n].key if t is not formats.TABLE2
                          else fmt.table2_rows[row].columns[n].key)
                assert (t.number, row, column) in unread, (t.name, row, column, x)  # a gap says so
                gaps += 1
    return equal, gaps


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), variant=st.sampled_from(sorted(VARIANTS)), width=st.integers(12, 240))
def test_flattened_variants_read_the_same_or_honest_gaps(tmp_path_factory, name, variant, width):
    text = VARIANTS[variant]((SAMPLES / name).read_text(encoding="utf-8"), width)
    path = tmp_path_factory.mktemp("flat") / name
    path.write_text(text, encoding="utf-8")
    try:
        report = read_any(path)
    except NianbaoError as error:  # refusing is honest too, but only where nothing could be read
        pytest.fail(f"{variant} {width}: refused: {error}")
    same_or_gaps(original(name), report)


@pytest.mark.parametrize("name, variant, most", [
    ("jiaozuo-jyj-2021.txt", "join with spaces", 0),  # separators kept: nothing is lost, every cell reads
    ("jiaozuo-jyj-2021.txt", "join", 0),
    ("jiaozuo-jyj-2021.txt", "strip tabs", 3),  # 「(七) 总计000000 0」: a blank first cell, then run together
    ("shanghai-szfbgt-2019.txt", "join with spaces", 27),  # a row's trailing blank cell runs into the next label
    ("huaian-szf-2024.txt", "wrap", 0),  # PDF text hard-wrapped: unwrapped, columns and all
])
def test_how_much_of_each_variant_reads(tmp_path, name, variant, most):
    path = tmp_path / name
    path.write_text(VARIANTS[variant]((SAMPLES / name).read_text(encoding="utf-8"), 37), encoding="utf-8")
    equal, gaps = same_or_gaps(original(name), read_any(path))
    assert gaps <= most and equal + gaps > 150
