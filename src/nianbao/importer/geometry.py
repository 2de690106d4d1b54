"""Where words stand on a PDF page (`pdftotext -bbox-layout`), to place the numbers of a row that
has blank cells.

`-layout` text keeps a row on one line but squeezes the spaces between words line by line, so a row
with blanks («821  35  2  1  859» for seven columns) does not say which columns are empty. The word
boxes do: a number sits under its column's header, whose pieces («商业企业», «社会公益» / «组织»,
«结果» / «维持») line up above it. A row is placed only when every number falls clearly into one
column; otherwise it stays a gap.
"""
from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from ..errors import NianbaoError
from .labels import key

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
CLUSTER = 4.0  # points: header pieces of one column stand within this of each other
HEADER_DEPTH = 160.0  # points above a table's first row where its header may stand


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y(self) -> float:
        return (self.y0 + self.y1) / 2


def pdf_words(path: Path) -> dict[int, list[Word]]:
    """Every word of every page with its box, or {} when pdftotext cannot give them."""
    from .pdf import run_pdftotext

    try:
        done = run_pdftotext(path, "-bbox-layout")
    except NianbaoError:  # too slow: the text alone will do
        return {}
    if done is None or done.returncode != 0:
        return {}
    pages: dict[int, list[Word]] = {}
    for number, page in enumerate(done.stdout.decode("utf-8", "replace").split("<page ")[1:], 1):
        pages[number] = [Word(float(a), float(b), float(c), float(d), html.unescape(t))
                         for a, b, c, d, t in WORD.findall(page)]
    return pages


class Geometry:
    def __init__(self, pages: dict[int, list[Word]], is_number):
        self.pages = pages
        self.is_number = is_number
        self._numbers = {p: [w for w in ws if is_number(w.text)] for p, ws in pages.items()}

    def find_row(self, page: int, labels: list[str], values: list[str]) -> list[Word] | None:
        """The number words of the one printed row holding exactly these numbers in order, told
        apart from rows with the same numbers by its label text (words whose boxes span the numbers'
        line). Numbers of one row share a box height, labels do not, so the row is found from them."""
        numbers = self._numbers.get(page, [])
        hits, labelled = [], []
        for first in numbers:
            if first.text != values[0]:
                continue
            band = (first.y1 - first.y0) / 2
            line = sorted((w for w in numbers if abs(w.y - first.y) <= band), key=lambda w: w.x)
            if [w.text for w in line] != values or line[0] is not first:
                continue
            hits.append(line)
            beside = key("".join(w.text for w in sorted(self.pages[page], key=lambda w: w.x)
                                 if w.y0 <= first.y <= w.y1 and w not in line))
            if labels and all(key(label) in beside for label in labels):
                labelled.append(line)
        for found in (labelled, hits):
            if len(found) == 1:
                return found[0]
        return None

    def columns(self, page: int, top_y: float, column_labels: list[str]) -> list[float] | None:
        """Column centres from the header above a table's first row: each piece of a column label
        («商业企业», «社会公益», «结果», «维持») marks its column; the pieces cluster into one centre per
        column. None unless there are exactly as many clusters as columns."""
        keys = [key(c) for c in column_labels]
        xs = sorted(w.x for w in self.pages.get(page, ())
                    if top_y - HEADER_DEPTH < w.y < top_y and key(w.text) and any(key(w.text) in k for k in keys))
        clusters: list[list[float]] = []
        for x in xs:
            if clusters and x - clusters[-1][-1] <= CLUSTER:
                clusters[-1].append(x)
            else:
                clusters.append([x])
        centres = [statistics.mean(c) for c in clusters]
        return centres if len(centres) == len(column_labels) else None


def place(numbers: list[Word], centres: list[float]) -> list[int] | None:
    """The column of each number, or None if any is not clearly under one column (or two share one)."""
    half = min(b - a for a, b in zip(centres, centres[1:])) / 2 if len(centres) > 1 else float("inf")
    out, last = [], -1
    for word in numbers:
        col = min(range(len(centres)), key=lambda c: abs(centres[c] - word.x))
        if col <= last or abs(centres[col] - word.x) > half * 0.8:
            return None
        out.append(col)
        last = col
    return out
