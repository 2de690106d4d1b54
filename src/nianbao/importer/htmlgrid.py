"""HTML tables as grids: rowspan and colspan expanded so that every position holds its cell's text.

Used to read published reports (real sites merge header cells freely) and, in tests, to find a
value by its row and column labels in the page nianbao itself renders.
"""
from __future__ import annotations

from html.parser import HTMLParser

SKIP = {"script", "style", "noscript", "template"}


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []  # tables → rows → (text, rowspan, colspan)
        self._stack: list[list] = []  # open tables (nested ones are parsed separately)
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._skip = 0

    @staticmethod
    def _int(value, default=1) -> int:
        try:
            return max(1, min(int(str(value).strip()), 1000))
        except (TypeError, ValueError):
            return default

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self._skip += 1
        elif tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._close_cell()
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._close_cell()
            if not self._stack[-1]:
                self._stack[-1].append([])
            a = dict(attrs)
            self._cell, self._span = [], (self._int(a.get("rowspan")), self._int(a.get("colspan")))
        elif tag in ("br", "p", "div") and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "table" and self._stack:
            self._close_cell()
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _close_cell(self):
        if self._cell is not None and self._stack and self._stack[-1]:
            text = " ".join("".join(self._cell).split())
            self._stack[-1][-1].append((text, *self._span))
        self._cell = None

    def close(self):
        super().close()
        while self._stack:
            self._close_cell()
            self.tables.append(self._stack.pop())


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Place each cell at every grid position it covers."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), text)
            c += colspan
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def html_tables(html: str) -> list[list[list[str]]]:
    """Every table of a page as a grid of cell texts, in document order of their end tags."""
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    return [expand(t) for t in parser.tables]
