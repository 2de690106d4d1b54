"""Finding a table's rows by their labels, and each row's numbers.

A table arrives as lines: rows of cells (text copied from a web page, an HTML grid) or lines of
pdftotext -layout output where cells are words in columns. A row is found by its label, taken from
nianbao.model.formats, in reading order. A label may be broken over several lines and interleaved with
the merged label cells around it (「（三）不予公开」 printed one piece per line beside the rows it
spans), so matching skips pieces of the known header and group labels while it follows a row label.
The row's numbers are the value cells on the lines its label covers.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .cells import is_value
from .document import Line
from .geometry import Geometry, place
from .labels import ABBREVIATED, EXTRA, TYPO, essential, key, similar, variants

GLUED = re.compile(r"^(?P<label>.*[^\s\d０-９.．,，+\-−－])\s*(?P<digits>[0-9０-９][0-9０-９\s.．,，]*)$")
MAX_LABEL_LINES = 8  # a label wrapped over more lines than this is not one label
FUZZY_SCORE = 0.75  # how like its official label a misspelt label must be
MAX_REORDER_CHUNKS = 3000  # a table's pieces looked through again out of order (a table has a few hundred)
MAX_FUZZY_CHUNKS = 120  # unclaimed label pieces between a missing row's neighbours; more is not a table row's gap


@dataclass
class Token:
    x: int  # layout: character column; cells: cell index
    text: str
    glued: bool = False  # the digits were stuck to a label's text


@dataclass
class Chunk:
    line: int
    x: int
    text: str
    key: str


@dataclass
class Region:
    """The lines of one table section, split into label chunks and value tokens."""

    lines: list[Line]
    layout: bool
    geometry: Geometry | None = None  # word boxes of a PDF, to place numbers of rows with blank cells
    chunks: list[Chunk] = field(default_factory=list)
    values: dict[int, list[Token]] = field(default_factory=dict)  # line → value tokens (cells: incl. blanks)
    unclaimed: list[int] = field(default_factory=list)  # lines of numbers no row took

    def __post_init__(self):
        if not self.layout:
            self.lines = merge_cell_runs(pair_label_column(split_rows(self.lines)))
        self._on_line: dict[int, list[int]] = {}  # line → indexes of its chunks (no scan of all chunks per line)
        for i, line in enumerate(self.lines):
            labels, values = split_line(line, self.layout)
            for x, text in labels:
                self._on_line.setdefault(i, []).append(len(self.chunks))
                self.chunks.append(Chunk(i, x, text, key(text)))
            if values:
                self.values[i] = values

    def on_line(self, i: int) -> list[tuple[int, Chunk]]:
        """(index, chunk) of every label chunk on line i."""
        return [(n, self.chunks[n]) for n in self._on_line.get(i, ())]

    def has_values(self, i: int) -> bool:
        return any(t.text.strip() for t in self.values.get(i, ()))

    def text(self) -> str:
        return "\n".join(line.text if line.cells is None else "\t".join(line.cells) for line in self.lines)


def split_rows(lines: list[Line]) -> list[Line]:
    """A line of cells holding a label after numbers is two rows run together (「…\t0\t2.其他…\t0」:
    a line break lost): each label starts a row of its own, so no row takes the next one's numbers."""
    out: list[Line] = []
    for line in lines:
        cells = line.cells
        if cells is None:
            out.append(line)
            continue
        starts = [0] + [i for i in range(1, len(cells)) if cells[i].strip() and not is_value(cells[i])
                        and any(c.strip() and is_value(c) for c in cells[:i])
                        and is_value(next(c for c in reversed(cells[:i]) if c.strip()))]
        for a, b in zip(starts, starts[1:] + [len(cells)]):
            part = cells[a:b]
            out.append(Line("\t".join(part), part, line.page, line.path) if len(starts) > 1 else line)
    return out


MIN_LABEL_COLUMN = 3  # rows of a table's label column printed as a table of its own


def pair_label_column(lines: list[Line]) -> list[Line]:
    """A table whose label column came as a table of its own (a converter's Markdown): k rows of
    cells holding only words, then (blank lines between) k rows holding only numbers, are one table:
    each label row gets its numbers, in order. Any other count is left as it is."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        labels = _run(lines, i, lambda ln: ln.cells is not None and not any(is_value(c) for c in ln.cells if c.strip()))
        j = i + len(labels)
        while j < len(lines) and lines[j].blank:
            j += 1
        numbers = _run(lines, j, lambda ln: ln.cells is not None and all(is_value(c) for c in ln.cells if c.strip()))
        if len(labels) >= MIN_LABEL_COLUMN and len(numbers) == len(labels):
            for a, b in zip(labels, numbers):
                cells = [c for c in a.cells if c.strip()] + b.cells
                out.append(Line("\t".join(cells), cells, a.page, a.path))
            i = j + len(numbers)
            continue
        # Not paired: the whole run goes on as it is (a tail of it is not a label column of its own).
        out += labels or [lines[i]]
        i += len(labels) or 1
    return out


def _run(lines: list[Line], start: int, fits) -> list[Line]:
    end = start
    while end < len(lines) and not lines[end].blank and fits(lines[end]):
        end += 1
    return lines[start:end]


def merge_cell_runs(lines: list[Line]) -> list[Line]:
    """Text copied with one table cell per line: consecutive lines that each hold one number (or
    「/」, 「—」) are one row of cells. Blank cells cannot survive such a copy, so a row with blanks
    comes out short and becomes a gap."""
    out: list[Line] = []
    run: list[Line] = []

    def flush():
        if len(run) >= 2:
            cells = [line.text.strip() for line in run]
            out.append(Line("\t".join(cells), cells, run[0].page, run[0].path))
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        if line.cells is None and line.text.strip() and is_value(line.text):
            run.append(line)
        elif line.blank and run:
            continue
        else:
            flush()
            out.append(line)
    flush()
    return out


def split_line(line: Line, layout: bool) -> tuple[list[tuple[int, str]], list[Token]]:
    """A line's label pieces (x, text) and value tokens."""
    labels: list[tuple[int, str]] = []
    values: list[Token] = []
    if line.cells is not None:
        last = max((i for i, c in enumerate(line.cells) if c.strip() and not is_value(c)), default=-1)
        glued: list[Token] = []
        for i, cell in enumerate(line.cells[: last + 1]):
            if cell.strip() and not is_value(cell):
                label, digits = _unglue(cell.strip())
                labels.append((i, label))
                if i == last and digits:
                    glued = [Token(i, d, True) for d in digits.split()]
        if line.cells[last + 1:] or glued:
            values = glued + [Token(i, c.strip()) for i, c in enumerate(line.cells) if i > last]
        return labels, values
    for match in re.finditer(r"\S+", line.text):
        text, x = match.group(0), match.start()
        if is_value(text):
            values.append(Token(x, text))
            continue
        label, digits = _unglue(text)
        labels.append((x, label))
        if digits:
            values += [Token(x + len(label), d, True) for d in digits.split()]
    return labels, values


def _unglue(text: str) -> tuple[str, str]:
    """A label with digits stuck to its end (「申请数量230 000023」) → the label and the digits."""
    match = GLUED.match(text)
    if match and re.search(r"[\u4e00-\u9fff）)”」』]$", match.group("label")):
        return match.group("label"), match.group("digits").strip()
    return text, ""


# ------------------------------------------------------------------ finding rows by their labels
@dataclass
class RowSpec:
    name: str  # the source key (table-三 row key, table-二 row label, table-四 group key)
    label: str  # official label of the row's own cell
    full: str  # the label as an analyst names it in a gap (group·label)
    size: int  # value cells


@dataclass
class RowMatch:
    spec: RowSpec
    chunks: list[int]
    printed: str
    tolerances: list[str]

    def lines(self, region: Region) -> list[int]:
        return sorted({region.chunks[c].line for c in self.chunks})


class Matcher:
    """Finds rows in reading order; pieces of header and group labels may sit between a label's parts."""

    def __init__(self, region: Region, noise: list[str]):
        self.region = region
        self.chunks = region.chunks
        self.noise = sorted({key(n) for n in noise if key(n)}, key=len, reverse=True)
        # is_noise runs for most chunks of a table: one substring search in all labels at once (keys hold
        # no newline, so none spans two), and a set lookup per label length for the prefixes.
        self._joined = "\n".join(self.noise)
        self._prefixes = {n for n in self.noise if len(n) >= 4}
        self._prefix_lengths = sorted({len(n) for n in self._prefixes})
        self.used: set[int] = set()

    def is_noise(self, k: str) -> bool:
        """k is empty, a piece of a header or group label, or starts with a whole one."""
        return (not k or k in self._joined
                or any(k[:n] in self._prefixes for n in self._prefix_lengths if n <= len(k)))

    def find_all(self, specs: list[RowSpec]) -> dict[str, RowMatch]:
        found: dict[str, RowMatch] = {}
        pos = 0
        for spec in specs:
            match = self.find(spec, pos)
            if match:
                found[spec.name] = match
                self.used.update(match.chunks)
                pos = match.chunks[-1] + 1
        # A table cut into pieces may come in another order (a converter's Markdown puts a piece's rows
        # where its page put them): a label missed in order is looked for, spelt out, anywhere unclaimed.
        for spec in specs if len(self.chunks) <= MAX_REORDER_CHUNKS else ():
            if spec.name not in found:
                match = self.find(spec, 0)
                if match:
                    found[spec.name] = match
                    self.used.update(match.chunks)
        # A label with a typo: the unclaimed text between its neighbours that is most like it.
        for n, spec in enumerate(specs):
            if spec.name in found:
                continue
            before = next((found[s.name].chunks[-1] for s in reversed(specs[:n]) if s.name in found), -1)
            after = next((found[s.name].chunks[0] for s in specs[n + 1:] if s.name in found), len(self.chunks))
            match = self.fuzzy(spec, before + 1, after)
            if match:
                found[spec.name] = match
                self.used.update(match.chunks)
        return found

    def find(self, spec: RowSpec, start: int) -> RowMatch | None:
        alts = variants(spec.label)
        short = essential(spec.label)
        for i in range(start, len(self.chunks)):
            if i in self.used:
                continue
            for target, why in alts:
                hit = self.extend(i, target)
                if hit:
                    chunks, extra = hit
                    return self._match(spec, chunks, [why] if why else [], extra)
            if short:
                hit = self.extend(i, short, whole=True)
                if hit:
                    return self._match(spec, hit[0], [ABBREVIATED], hit[1])
        return None

    def extend(self, i: int, target: str, whole: bool = False):
        """The chunks from i on that spell target (skipping noise), or None."""
        k = self.chunks[i].key
        if not k:
            return None
        if k.startswith(target) and k != target:
            return ([i], True) if not whole or k == target else None
        consumed = 0
        if target.startswith(k):
            consumed = len(k)
        else:  # a piece of a merged label glued in front: 「不予公5.属于三类」
            for cut in range(1, len(k)):
                if len(k) - cut >= 3 and target.startswith(k[cut:]) and self.is_noise(k[:cut]):
                    consumed = len(k) - cut
                    break
            if not consumed:
                return None
        return self._follow(i + 1, target, consumed, [i], self.chunks[i].line)

    def _follow(self, j: int, target: str, pos: int, used: list[int], first_line: int):
        if pos == len(target):
            return used, False
        while j < len(self.chunks) and self.chunks[j].line - first_line <= MAX_LABEL_LINES:
            chunk = self.chunks[j]
            rest = target[pos:]
            if j not in self.used and chunk.key and rest.startswith(chunk.key):
                hit = self._follow(j + 1, target, pos + len(chunk.key), used + [j], first_line)
                if hit:
                    return hit
            if j not in self.used and chunk.key.startswith(rest) and len(rest) >= 2 and chunk.key != rest:
                return used + [j], True
            if j in self.used or self.is_noise(chunk.key):
                j += 1
                continue
            return None
        return None

    def fuzzy(self, spec: RowSpec, start: int, end: int) -> RowMatch | None:
        target = key(spec.label)
        best, best_score = None, 0.0
        free = []
        for i in range(start, end):
            if i not in self.used and not self.is_noise(self.chunks[i].key):
                free.append(i)
                if len(free) > MAX_FUZZY_CHUNKS:  # not a row's place between its neighbours: too much to guess from
                    return None
        for a in range(len(free)):
            text = ""
            for b in range(a, min(len(free), a + 6)):
                if self.chunks[free[b]].line - self.chunks[free[a]].line > MAX_LABEL_LINES:
                    break
                text += self.chunks[free[b]].key
                # similar() is 2·matches / total length: skip windows whose lengths alone rule out a better score
                if 2 * min(len(text), len(target)) < max(best_score, FUZZY_SCORE) * (len(text) + len(target)):
                    if len(text) > len(target):
                        break  # and the text only grows
                    continue
                score = similar(text, target)
                if score > best_score:
                    best, best_score = free[a:b + 1], score
        if best and best_score >= FUZZY_SCORE:
            return self._match(spec, best, [TYPO], False)
        return None

    def _match(self, spec: RowSpec, chunks: list[int], tolerances: list[str], extra: bool) -> RowMatch:
        printed, last_line = "", None
        for c in chunks:
            chunk = self.chunks[c]
            sep = "" if last_line is None else ("\n" if chunk.line != last_line else " ")
            printed += sep + chunk.text
            last_line = chunk.line
        return RowMatch(spec, chunks, printed, tolerances + ([EXTRA] if extra else []))


# ------------------------------------------------------------------ the numbers of a row
@dataclass
class Cells:
    tokens: list[Token] | None  # None when they could not be read
    seen: str
    problem: str = ""  # why not (zh / en)
    line: int | None = None  # the region line the numbers are on
    split: bool = False  # the numbers came on several lines of the row's label


def row_values(region: Region, matches: dict[str, RowMatch], specs: list[RowSpec], matcher: Matcher) -> dict[str, Cells]:
    """Each matched row's value tokens: the value cells on the lines its label covers, or else a line
    of values right after (or before) it that no other row claims, with no label text of its own
    beside pieces of the merged header or group labels (「（四）无法」/「提供」 wrapped beside the rows)."""
    out: dict[str, Cells] = {}
    spans = {name: (m.lines(region)[0], m.lines(region)[-1]) for name, m in matches.items()}
    covered = {i for a, b in spans.values() for i in range(a, b + 1)}
    claimed: set[int] = set()
    pending = []
    for spec in specs:
        if spec.name not in matches:
            continue
        a, b = spans[spec.name]
        inside = [i for i in range(a, b + 1) if region.has_values(i)]
        if len(inside) == 1:
            claimed.add(inside[0])
            out[spec.name] = Cells(region.values[inside[0]], seen_text(region, inside), line=inside[0])
        elif len(inside) > 1 and region.layout:
            # pdftotext gives numbers standing between two lines of a wrapped label to either line;
            # inside one row's label there are no other row's numbers, so they are this row's, by column.
            claimed.update(inside)
            merged = sorted((t for i in inside for t in region.values[i]), key=lambda t: t.x)
            out[spec.name] = Cells(merged, seen_text(region, inside), line=inside[0], split=True)
        elif len(inside) > 1:
            claimed.update(inside)
            out[spec.name] = Cells(None, seen_text(region, inside),
                                   "数字分在几行，无法确定归属 / the numbers are split over several lines")
        else:
            pending.append(spec)
    for spec in pending:
        a, b = spans[spec.name]
        near = [i for i in (_next_filled(region, b, 1), _next_filled(region, a, -1))
                if i is not None and i not in claimed and i not in covered and region.has_values(i)
                and all(matcher.is_noise(c.key) and n not in matcher.used
                        for n, c in region.on_line(i))]
        if near and not region.layout and _in_a_run(region, matcher, near[0], 1 if near[0] > b else -1):
            near = []  # one of several rows of numbers without labels: which is this row's is not known here
        if near:
            claimed.add(near[0])
            out[spec.name] = Cells(region.values[near[0]], seen_text(region, [near[0]]), line=near[0])
        else:  # no number near the label: the row's cells are empty as printed
            blank = [t for i in range(a, b + 1) for t in region.values.get(i, ())]
            out[spec.name] = Cells(blank, "")
    region.unclaimed = [i for i in region.values if region.has_values(i) and i not in claimed]
    return out


ORPHAN = ("一行数字没有自己的标签（标签在别处），按格式的行序归入此行 / a row of numbers without its label (printed "
          "elsewhere), placed in this row by the format's order of rows")


def place_orphans(region: Region, matches: dict[str, RowMatch], values: dict[str, Cells], specs: list[RowSpec],
                  matcher: Matcher) -> list[str]:
    """Lines of numbers no row's label stands beside (a converter split a row's label from its
    numbers, or lost it) given to the rows without numbers of their own, by the format's order: between
    two rows that have theirs, as many such lines as such rows, in the same order, each line's words
    (if any) pieces of the header or of that row's own label. Anything else stays as it was. The rows
    placed."""
    anchor = {s.name: values[s.name].line for s in specs
              if s.name in values and values[s.name].tokens is not None and values[s.name].line is not None}
    missing = {s.name for s in specs if s.name not in anchor and _without_numbers(region, matches.get(s.name), values.get(s.name))}
    labels = {s.name: key(s.label) for s in specs if s.name in missing}
    taken = set(anchor.values())
    free = [i for i in sorted(region.values) if region.has_values(i) and i not in taken
            and all(matcher.is_noise(c.key) or any(c.key in k for k in labels.values()) for _, c in region.on_line(i))]
    order = [s.name for s in specs]
    placed: list[str] = []
    n = 0
    while n < len(order):
        if order[n] not in missing:
            n += 1
            continue
        m = n
        while m < len(order) and order[m] in missing:
            m += 1
        before = max((anchor[x] for x in order[:n] if x in anchor), default=-1)
        after = min((anchor[x] for x in order[m:] if x in anchor), default=len(region.lines))
        lines = [i for i in free if before < i < after]
        crossed = any(before < line < after for name, line in anchor.items() if name not in order[n:m])
        rows = order[n:m]
        if lines and len(lines) == len(rows) and not crossed and all(
                matcher.is_noise(c.key) or c.key in labels[name] for name, i in zip(rows, lines) for _, c in region.on_line(i)):
            for name, i in zip(rows, lines):
                values[name] = Cells(region.values[i], seen_text(region, [i]), line=i)
                placed.append(name)
        n = m
    lines_placed = {values[p].line for p in placed}
    region.unclaimed = [i for i in region.unclaimed if i not in lines_placed]
    return placed


CONTINUED = ("一行的数字在分页处断开，下一页的剩余数字接回此行 / a row's numbers broken at a page: the rest, on the "
             "next piece of the table, joined back")


def join_broken_rows(region: Region, values: dict[str, Cells], specs: list[RowSpec], matcher: Matcher) -> list[str]:
    """A row of cells short of numbers whose next line is numbers without a label, exactly as many as
    it lacks (a converter cut the row where the page broke): the two are one row. The rows joined."""
    joined = []
    for spec in specs:
        cells = values.get(spec.name)
        if cells is None or cells.tokens is None or cells.line is None or region.lines[cells.line].cells is None:
            continue
        filled = [t for t in cells.tokens if t.text.strip()]
        if not filled or len(filled) >= spec.size or len(filled) != len(cells.tokens):
            continue
        nxt = _next_filled(region, cells.line, 1)
        if (nxt is None or nxt not in region.unclaimed or region.lines[nxt].cells is None
                or any(True for _ in region.on_line(nxt))):
            continue
        rest = region.values[nxt]
        if len(rest) == spec.size - len(filled) and all(t.text.strip() for t in rest):
            values[spec.name] = Cells(filled + rest, seen_text(region, [cells.line, nxt]), line=cells.line)
            region.unclaimed.remove(nxt)
            joined.append(spec.name)
    return joined


def _without_numbers(region: Region, match: RowMatch | None, cells: Cells | None) -> bool:
    """A row not found, or found as a label with no cell at all on its lines (its numbers stand
    elsewhere), or with numbers on several lines that are not all its own."""
    if match is None:
        return True
    if cells is not None and cells.tokens is None:
        return True
    return not any(i in region.values for i in match.lines(region))


def _in_a_run(region: Region, matcher: Matcher, i: int, step: int) -> bool:
    """The line of numbers after i (step 1) or before it (-1) is one without a label too."""
    j = _next_filled(region, i, step)
    return (j is not None and region.has_values(j)
            and all(matcher.is_noise(c.key) and n not in matcher.used for n, c in region.on_line(j)))


def _next_filled(region: Region, i: int, step: int) -> int | None:
    j = i + step
    while 0 <= j < len(region.lines) and region.lines[j].blank:
        j += step
    return j if 0 <= j < len(region.lines) else None


def seen_text(region: Region, lines: list[int]) -> str:
    return " | ".join(" ".join(t.text for t in region.values[i] if t.text.strip()) for i in lines)


class Placer:
    """Places the numbers of a layout row that has blank cells, or says it cannot.

    From a PDF, by the word boxes: the columns stand under the header's pieces (geometry). From
    pdftotext text alone, by where the numbers stand in rows that have every cell on the same page;
    pdftotext squeezes spaces line by line, so this succeeds only where the columns truly line up."""

    def __init__(self, region: Region, column_labels: list[str]):
        self.region = region
        self.column_labels = column_labels
        self.rows: list[tuple[int, list[float]]] = []  # (page, centres) of rows with every cell
        self.anchor: int | None = None  # the first line of the table's numbers (its header stands above)
        self._centres: list[float] | None | bool = False

    def learn(self, line: int, tokens: list[Token]) -> None:
        if self.anchor is None or line < self.anchor:
            self.anchor, self._centres = line, False
        if all(t.text.strip() for t in tokens):
            self.rows.append((self.region.lines[line].page, [t.x + len(t.text) / 2 for t in tokens]))

    def place(self, cells: Cells, size: int) -> list[Token] | None:
        tokens = [t for t in cells.tokens if t.text.strip()]
        if cells.line is None or not tokens:
            return None
        if self.region.geometry is not None:
            return self._by_geometry(cells.line, tokens, size, cells.split)
        return self._by_text(self.region.lines[cells.line].page, tokens, size)

    def _labels(self, line: int) -> list[str]:
        return [c.text for _, c in self.region.on_line(line)]

    def _by_geometry(self, line: int, tokens: list[Token], size: int, split: bool) -> list[Token] | None:
        geometry = self.region.geometry
        if self._centres is False:
            self._centres = None
            if self.anchor is not None:
                page = self.region.lines[self.anchor].page
                first = geometry.find_row(page, self._labels(self.anchor),
                                          [t.text for t in self.region.values[self.anchor] if t.text.strip()])
                if first:
                    self._centres = geometry.columns(page, min(w.y0 for w in first), self.column_labels)
        if not self._centres or len(self._centres) != size:
            return None
        words = geometry.find_row(self.region.lines[line].page, [] if split else self._labels(line),
                                  [t.text for t in tokens])
        columns = place(words, self._centres) if words else None
        if columns is None:
            return None
        out = [Token(-1, "")] * size
        for token, col in zip(tokens, columns):
            out[col] = token
        return out

    def _by_text(self, page: int, tokens: list[Token], size: int) -> list[Token] | None:
        rows = [c for p, c in self.rows if len(c) == size]
        same = [c for p, c in self.rows if p == page and len(c) == size] or rows
        if not same:
            return None
        centres = [statistics.median(col) for col in zip(*same)]
        gap = min((b - a for a, b in zip(centres, centres[1:])), default=0)
        if gap < 2:
            return None
        out: list[Token] = [Token(-1, "")] * size
        last = -1
        for token in tokens:
            x = token.x + len(token.text) / 2
            col = min(range(size), key=lambda c: abs(centres[c] - x))
            if col <= last or abs(centres[col] - x) > gap / 2 - 0.5:
                return None
            out[col], last = token, col
        return out


def fit(cells: Cells, size: int, spans: tuple[int, ...], layout: bool, placer: Placer | None) -> Cells:
    """Exactly `size` tokens for a row, or the reason why not."""
    if cells.tokens is None:
        return cells
    tokens = list(cells.tokens)
    if not layout:
        while len(tokens) > size and not tokens[0].text.strip():
            tokens.pop(0)
        while len(tokens) > size and not tokens[-1].text.strip():
            tokens.pop()
        total = sum(spans)
        if len(tokens) == total and total != size:  # a merged cell copied as several: value, blank, blank
            starts = [sum(spans[:i]) for i in range(len(spans))]
            picked = [tokens[s] for s in starts]
            rest = [(tokens[s + k], tokens[s]) for s, n in zip(starts, spans) for k in range(1, n)]
            if all(not t.text.strip() or t.text == first.text for t, first in rest):
                tokens = picked
    if len(tokens) == size:
        return Cells(tokens, cells.seen, line=cells.line)
    shown = " ".join(t.text for t in tokens if t.text.strip())
    if any(t.glued for t in tokens):
        return Cells(None, cells.seen or shown, "数字与标签或彼此连在一起，无法分开 / the numbers run into the label "
                                                "or into each other and cannot be told apart")
    if layout and not tokens:
        return Cells([Token(-1, "")] * size, cells.seen, line=cells.line)
    if layout and len(tokens) < size:
        placed = placer.place(cells, size) if placer else None
        if placed:
            return Cells(placed, cells.seen, line=cells.line)
        return Cells(None, cells.seen or shown, f"只有 {len(tokens)} 个数（应有 {size} 个），无法确定哪些格是空白 / "
                                                f"{len(tokens)} numbers for {size} cells; cannot tell which cells are blank")
    return Cells(None, cells.seen or shown, f"有 {len(tokens)} 个单元格（应有 {size} 个），可能连写或跨页丢失 / "
                                            f"{len(tokens)} cells where {size} belong: run together or lost across pages")
