"""How well the importer reads the real samples, cell by cell against their hand values
(tests/fixtures/samples/hand-values.yaml): right, left as an honest gap, inferred (--assume-row-sums,
and right), wrong. Wrong must be 0: a cell the importer is not sure of is a gap, never a guess.
Run by hand: python benchmarks/import_accuracy.py
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import yaml

from nianbao.importer import read_any
from nianbao.model import formats
from nianbao.model.sources import IMPORTED_HEAD, INFERRED_NOTE, Money, import_notes
from nianbao.rules import gap_cells

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "samples"


def shown(value) -> object:
    return str(value) if isinstance(value, Money) else value


def score(report, hand: dict) -> dict[str, int]:
    unread = {(c.table, c.row, c.column) for _, cells in gap_cells(report) for c in cells}
    inferred_rows = {row for note in import_notes(report) if note.startswith(INFERRED_NOTE)
                     for row in note.split("：", 2)[-1].split("。")[0].split("；")}
    out = dict(cells=0, right=0, gaps=0, inferred=0, wrong=0)
    fmt = report.format
    for t in formats.TABLES:
        for row, cells in (hand.get(t.key) or {}).items():
            got = getattr(report, t.key).get(row, [None] * len(cells))
            columns = fmt.columns(t) if t is not formats.TABLE2 else fmt.table2_rows[row].columns
            label = fmt.table3_row_label(row) if t is formats.TABLE3 else next(
                (g.label for g in fmt.table4_groups if g.key == row), row)
            inferred = any(r.startswith(label + " ") for r in inferred_rows)
            for n, want in enumerate(cells):
                out["cells"] += 1
                value = shown(got[n])
                if value == want:
                    out["inferred" if inferred else "right"] += 1
                elif value is None and (t.number, row, columns[n].key) in unread:
                    out["gaps"] += 1
                else:
                    out["wrong"] += 1
    return out


def main() -> int:
    hands = yaml.safe_load((SAMPLES / "hand-values.yaml").read_text(encoding="utf-8"))
    print("| sample | form | cells | right | gaps | inferred | wrong | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    wrong = 0
    for name, hand in hands.items():
        hand = hands[hand["same_as"]] if "same_as" in hand else hand
        for assume in (False, True):
            start = time.perf_counter()
            report = read_any(SAMPLES / name, assume_row_sums=assume)
            seconds = time.perf_counter() - start
            s = score(report, hand)
            if assume and not s["inferred"]:
                continue  # nothing to infer: the same as without
            wrong += s["wrong"]
            head = report.source.splitlines()[0].removeprefix(IMPORTED_HEAD).removeprefix(name)
            form = re.split(r"\s*/\s+", head[1:-1])[-1]  # the English half of 「（kind）」
            print(f"| {name}{' --assume-row-sums' if assume else ''} | {form} | {s['cells']} | {s['right']} | "
                  f"{s['gaps']} | {s['inferred']} | {s['wrong']} | {seconds:.1f} |")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
