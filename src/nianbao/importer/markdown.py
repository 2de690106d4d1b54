"""Markdown made from a published PDF by a converter (marker, MinerU, docling, markitdown).

What such a converter leaves: the PDF's lines as they wrapped, page numbers (— 1 —) between them,
headings it added (「## 表三：…」, the table's name over each piece), and pipe tables cut into pieces
at page breaks, with header cells missing or replaced by placeholders, a row's label split from its
numbers (the label left as text above, or in the first cell of another row), and the merged label
of a group (（三）不予公开) spilled into the first cells of its rows.

Here the file becomes lines like any text: a pipe row a row of cells (its delimiter row dropped), a
converter's heading or a page number left out (and said), wrapped lines of words joined into
paragraphs. Which numbers belong to which row is then the tables' reading (importer.rows): a row of
numbers without a label of its own is placed by the order of the format's rows (rows.place_orphans).
"""
from __future__ import annotations

import re

from ..model import formats
from .document import PAGE_NUMBER, Document, Line

PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
DELIMITER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
PLACEHOLDER_HEADER = re.compile(r"^(?:数据|列|Column|Col)\s*\d+$", re.IGNORECASE)  # a converter's stand-in header
FULL_LINE = 0.8  # a line this much of the text's width was wrapped: the next line goes on with it


HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.MULTILINE)
MARKDOWN_SUFFIXES = (".md", ".markdown")


def is_markdown(text: str) -> bool:
    """Two pipe-table delimiter rows, or one under a pipe row, or Markdown headings around HTML tables
    (MinerU writes its tables so): a converter's Markdown."""
    if MD_HEADING.search(text) and HTML_TABLE.search(text):
        return True
    lines = text.split("\n")
    delimiters = sum(1 for line in lines if DELIMITER.match(line.strip()) and "|" in line)
    return delimiters >= 2 or any(DELIMITER.match(b) and "|" in b and PIPE_ROW.match(a) for a, b in zip(lines, lines[1:]))


def tables_as_pipes(text: str) -> str:
    """HTML tables in Markdown (MinerU) as pipe rows, their spans expanded (importer.htmlgrid)."""
    from .htmlgrid import html_tables

    def pipes(match: re.Match) -> str:
        grids = html_tables(match.group(0))
        if not grids:
            return match.group(0)
        rows = ["| " + " | ".join(" ".join(c.replace("|", " ").split()) for c in row) + " |" for row in grids[0]]
        return "\n" + "\n".join(rows[:1] + ["|" + "---|" * len(grids[0][0])] + rows[1:]) + "\n"

    return HTML_TABLE.sub(pipes, text)


def markdown_document(text: str, kind: str, name: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = tables_as_pipes(text)
    raw = text.split("\n")
    captions = tuple(t.name for t in formats.TABLES)
    lines: list[Line] = []
    dropped: list[str] = []
    words: list[str] = []  # wrapped lines of words waiting to be joined
    width = _width(raw)
    bare = _bare_rows(raw)

    def flush():
        if words:
            lines.append(Line("".join(_joined(words))))
            words.clear()

    for n, line in enumerate(raw):
        stripped = line.strip()
        if not stripped:
            flush()
            lines.append(Line(""))
            continue
        if DELIMITER.match(stripped) and "|" in stripped:
            continue
        if PIPE_ROW.match(stripped) or n in bare:
            flush()
            cells = [_plain(c) for c in stripped.strip().strip("|").split("|")]
            cells = ["" if PLACEHOLDER_HEADER.match(c) else c for c in cells]
            lines.append(Line("\t".join(cells), cells))
            continue
        if PAGE_NUMBER.match(stripped):
            continue
        heading = HEADING.match(line)
        if heading:
            stripped = _plain(heading.group("text"))
            if stripped.startswith(captions):  # the converter's name for a table piece, not the report's text
                dropped.append(stripped)
                continue
            flush()
            lines.append(Line(stripped))
            continue
        words.append(_plain(stripped))
        if len(stripped) < FULL_LINE * width:
            flush()
    flush()
    doc = Document(lines, False, kind, name)
    if dropped:
        shown = "｜".join(dict.fromkeys(dropped))
        doc.notes.append(f"略去转换器加的表格标题 {len(dropped)} 处 / left out {len(dropped)} table caption(s) the "
                         f"converter added: {shown[:80]}")
    return doc


def _bare_rows(raw: list[str]) -> set[int]:
    """Rows of pipe tables written without the outer pipes (「a | b」 over 「--- | ---」, as GFM allows):
    the lines holding a pipe next to such a delimiter row, up and down to a line without one."""
    out: set[int] = set()
    for n, line in enumerate(raw):
        stripped = line.strip()
        if not (DELIMITER.match(stripped) and "|" in stripped) or stripped.startswith("|"):
            continue
        for step in (-1, 1):
            m = n + step
            while 0 <= m < len(raw) and "|" in raw[m] and not (DELIMITER.match(raw[m].strip())):
                out.add(m)
                m += step
    return out


def _plain(text: str) -> str:
    """A cell or line without Markdown's emphasis and escapes."""
    text = EMPHASIS.sub(r"\2", text.strip())
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text).replace("<br>", " ").strip()


def _width(raw: list[str]) -> int:
    """The width of a full line of words (the PDF's line, as the converter kept it)."""
    lengths = sorted(len(line.strip()) for line in raw if line.strip() and not PIPE_ROW.match(line.strip())
                     and len(line.strip()) > 8)
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def _joined(words: list[str]) -> list[str]:
    """Wrapped lines joined: Chinese directly, Latin words and digits with their space."""
    out = [words[0]]
    for text in words[1:]:
        a, b = out[-1][-1:], text[:1]
        out.append((" " if a.isascii() and a.isalnum() and b.isascii() and b.isalnum() else "") + text)
    return out
