"""How long and how much memory the importer takes on the worst text it accepts: six headings, and
table sections full of label-like words and numbers that match no row (every row is searched for,
and fuzzily matched, across all of it). Run by hand: python benchmarks/import_worst_case.py [MB ...]

Before issue 6 this took 185 s for 0.8 MB (quadratic); it should grow linearly, ~4 s per MB, and
stay under the importer's 8 MB cap for text (nianbao.importer.MAX_TEXT_BYTES). A flattened report
whose every row of tables 三 and 四 is 30 digits run together is read first: the search for splits is
bounded (importer.digits), so it takes seconds, not the hours of trying every split.
"""
from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from nianbao.errors import NianbaoError
from nianbao.importer import read_any

HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def worst_case(megabytes: float, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = lambda n: "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(n))  # noqa: E731
    lines = int(megabytes * 2**20 / 3 / 33)  # ~33 bytes a line, three table sections
    body = "\n".join(f"{words(rng.randrange(2, 12))}\t{rng.randrange(100)}\t{words(3)}" for _ in range(lines))
    parts = ["某局2021年政府信息公开工作年度报告"]
    for heading in HEADINGS:
        parts += [heading, body if heading[0] in "二三四" else "文字。"]
    return "\n".join(parts) + "\n"


def run_together(seed: int = 1) -> str:
    """Every row of tables 三 and 四 as 30 digits run together (the search for splits at its bound),
    the row labels from the format declaration."""
    from nianbao.model.formats import FORMAT_2021

    rng = random.Random(seed)
    digits = lambda: "".join(str(rng.randrange(1, 10)) for _ in range(30))  # noqa: E731
    table3 = "".join(f"{r.label}{digits()}" for r in FORMAT_2021.table3_rows)
    parts = ["某局2021年政府信息公开工作年度报告", HEADINGS[0], "文字。", HEADINGS[1], "文字。", HEADINGS[2], table3,
             HEADINGS[3], "总计" + digits(), HEADINGS[4], "文字。", HEADINGS[5], "文字。"]
    return "".join(parts) * 1 + "\n"


def main_run_together() -> None:
    """The flattened report above, read plainly and with --assume-row-sums."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run-together.txt"
        path.write_text(run_together(), encoding="utf-8")
        for assume in (False, True):
            start = time.perf_counter()
            report = read_any(path, assume_row_sums=assume)
            print(f"run-together rows of 30 digits{' --assume-row-sums' if assume else ''}: "
                  f"{time.perf_counter() - start:5.1f} s, {len(report.gaps)} gaps")


def main(sizes: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            path = Path(tmp) / f"worst-{mb}.txt"
            path.write_text(worst_case(mb), encoding="utf-8")
            start = time.perf_counter()
            try:
                read_any(path)
                outcome = "read"
            except NianbaoError as error:
                outcome = str(error).split(" / ")[-1][:60]
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{path.stat().st_size / 2**20:5.1f} MB: {time.perf_counter() - start:6.1f} s, peak RSS {peak:5.0f} MB, {outcome}")


if __name__ == "__main__":
    main_run_together()
    main([float(a) for a in sys.argv[1:]] or [0.25, 1, 4])
