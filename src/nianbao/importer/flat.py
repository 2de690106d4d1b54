"""Flattened page text back into lines: a report on one line or a few.

A CMS's "copy text", a web archive or a crawler's page.txt may hold a whole report on one line: the
site's navigation before it (当前位置：首页…), section headings in the middle of the line
(「…质效。二、主动公开政府信息情况 第二十条…」), tables as runs of labels and numbers
(「规章 000行政规范性文件693665」) and the site's links after it (附件下载). Such a line is cut back
into lines: before and after each section heading, before each row label of the three tables (the
labels come from the format declaration, model/formats.py), and, in the words, at the spaces that stood
between the site's links. Nothing is dropped here: the cut pieces go on to the ordinary reading, which
leaves out page furniture and says so.

Text hard-wrapped at a fixed width (a terminal, an archiver) is unwrapped first: a line exactly as long
as the longest was cut, and is joined to the next one; PDF text only when the wrap cut its tables (its
justified lines are often of one length).
"""
from __future__ import annotations

import re
import unicodedata

from ..model import formats
from .labels import essential, key, similar
from .document import PAGE_NUMBER, is_layout
from .narrative import PUBLISHED

TITLE_END = re.compile(r"政府信息公开(?:工作)?(?:年度)?(?:工作)?报告(?:[（(][^）)]{0,12}[）)])?")
MAX_TITLE = 80  # characters up to a title's end: more is a sentence naming a report, not a title

FLAT_LINE = 400  # a line this long holding a section heading past its start is a flattened report
LONG_LINE = 100  # in a flattened report, a line this long is cut too
MIN_WRAPPED = 5  # lines cut at the same width before a text counts as hard-wrapped
WRAPPED_SHARE = 20  # and at least one line in this many (a text written by hand has one or two at its widest)
HEADING_FUZZY = 0.7  # how like its template heading a heading found mid-line must be (when not contained)
CN_NUMERAL = "一二三四五六七八九十百零〇"
LISTED = re.compile(r"[\s；;，,。、和及]{0,3}[（(]?[一二三四五六七][）)]?\s*[、.．]")  # the next heading right after
_SENTENCE = re.compile(r"[\s\u3000]+")


def unwrap(text: str) -> tuple[str, bool]:
    """Text hard-wrapped at a fixed width with its cut lines joined again (and whether it was)."""
    lines = text.split("\n")
    lengths = [len(line) for line in lines]
    width = max(lengths, default=0)
    cut = sum(1 for n in lengths if n == width)
    filled = sum(1 for line in lines if line.strip())
    if width < 8 or cut < MIN_WRAPPED or cut * WRAPPED_SHARE < filled:
        return text, False
    if is_layout(text):
        # PDF text: justified Chinese lines are often all of one length. A wrap shows where it cut a
        # table: lines ending in the space between two columns, or between two numbers of a row.
        split = sum(1 for a, b in zip(lines, lines[1:]) if len(a) == width and b
                    and (a[-1] == " " or (a.rstrip()[-1:].isdigit() and b.lstrip()[:1].isdigit())))
        if split < MIN_WRAPPED:
            return text, False
    out, current = [], ""
    for line in lines:
        current += line
        if len(line) != width:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return "\n".join(out), True


def is_flat(line: str) -> bool:
    """A long line with a section heading after its start, or two headings on it, or one that its
    section's words follow on the same line (a report on a few lines: one a section)."""
    if len(line) < FLAT_LINE:
        return False
    hits = _headings(line)
    return len(hits) >= 2 or any(a > 0 or b < len(line) for a, b in hits)


def unflatten(text: str) -> tuple[str, int]:
    """The text with its flattened lines cut back into lines, and how many lines were flattened."""
    lines = text.split("\n")
    flat = sum(1 for line in lines if is_flat(line))
    if not flat:
        return text, 0
    out = []
    for line in lines:  # in a flattened report every long line is cut (a page of PDF text each on one)
        out += cut_line(line) if len(line) >= LONG_LINE or _heading_hits(line) else [line]
    return "\n".join(out), flat


def cut_line(line: str) -> list[str]:
    """One flattened line as lines: headings on their own, table rows before their labels, words at
    the spaces between the site's links."""
    pieces: list[tuple[str, str]] = []  # (kind, text): words, heading or table
    pos, section = 0, ""
    for (start, end), number in _heading_hits(line):
        pieces.append((_kind(section), line[pos:start]))
        pieces.append(("heading", line[start:end]))
        pos, section = end, number
    pieces.append((_kind(section), line[pos:]))
    out: list[str] = []
    for n, (kind, text) in enumerate(pieces):
        if not text.strip():
            continue
        if kind == "heading":
            out.append(text.strip())
        elif kind == "table":
            out += [t.strip() for t in _cut_rows(text) if t.strip()]
        else:
            words = [t for t in _cut_words(text) if t.strip()]
            out += _cut_front(words) if n == 0 else words
    return out


def _cut_front(words: list[str]) -> list[str]:
    """Before section 一, run together without spaces: the title ends at its 「…年度报告」 (the first
    that ends a short stretch) and a publication date at its last digit, so the preamble stands alone."""
    out, titled = [], False
    for text in words:
        pieces = [text]
        title = TITLE_END.search(text)
        if title and not titled and title.end() <= MAX_TITLE and not re.search("[《“，。；]", text[:title.end()]):
            titled = True  # a sentence naming a report (「关于编制公布…年度报告有关事项的通知」) is not its title
            if title.end() < len(text):
                pieces = [text[:title.end()], text[title.end():]]
        for piece in pieces:
            date = PUBLISHED.search(piece)
            if date and date.end() < len(piece):
                out += [piece[:date.end()], piece[date.end():]]
            else:
                out.append(piece)
    return [t.strip() for t in out if t.strip()]


def _kind(section: str) -> str:
    return "table" if section in ("二", "三", "四") else "words"


# ------------------------------------------------------------------ headings in the middle of a line
def _headings(line: str) -> list[tuple[int, int]]:
    """(start, end) of each section heading found in order along the line."""
    return [span for span, _ in _heading_hits(line)]


def _heading_hits(line: str) -> list[tuple[tuple[int, int], str]]:
    out, pos = [], 0
    listed: set[int] = set()  # where an item of a list of the headings ended
    for section in formats.SECTIONS:
        want = key(section.heading.split("、", 1)[1])
        for match in re.finditer(rf"{section.number}\s*[、.．]", line[pos:]):
            start = pos + match.start()
            if start > 0 and (line[start - 1] in CN_NUMERAL or line[start - 1] == "第"):
                continue
            end = _heading_end(line, pos + match.end(), want)
            # 「一、总体情况；二、主动公开…；六、其他需要报告的事项」: the preamble listing the sections
            if end and (LISTED.match(line, end) or any(0 <= start - e <= 3 for e in listed)):
                listed.add(end)
                continue
            if end:
                out.append(((start, end), section.number))
                pos = end
                break
    return out


def _heading_end(line: str, begin: int, want: str) -> int:
    """Where a heading whose words start at begin ends, or 0 when the words are not the heading's:
    the shortest stretch that holds the template's words, else the longest that is a part of them
    (「五、存在的主要问题及改进情况」), else the stretch most like them."""
    contained, best, best_score = 0, 0, 0.0
    for end in range(begin + 1, min(len(line), begin + len(want) + 16) + 1):
        rest = key(line[begin:end])
        if not rest:
            continue
        if want in rest:
            return end
        if rest in want:
            if len(rest) >= max(3, len(want) // 2):
                contained = end
            continue
        score = similar(rest, want)
        if score > best_score:
            best, best_score = end, score
    if contained:
        return contained
    return best if best_score >= HEADING_FUZZY else 0


# ------------------------------------------------------------------ table rows before their labels
def row_labels() -> list[str]:
    """Keys of the labels a flattened table is cut before: every format version's table-二 items and
    rows, table-三 rows and groups, table-四 groups (from model/formats.py)."""
    out: set[str] = set()
    for fmt in formats.FORMATS.values():
        out |= {b.item for b in fmt.table2} | set(fmt.table2_rows) | {formats.INFO_CONTENT}
        out |= {r.label for r in fmt.table3_rows} | {r.group for r in fmt.table3_rows if r.group}
        out |= {essential(r.label) for r in fmt.table3_rows} | {formats.TABLE3_RESULTS}
    return sorted({k for k in (key(x) for x in out) if k})


def _keyed(text: str) -> tuple[str, list[int]]:
    """key(text) and, for each of its characters, where it stands in text."""
    chars, where = [], []
    for i, ch in enumerate(text):
        k = key(ch)
        if k:
            chars.append(k)
            where += [i] * len(k)
    return "".join(chars), where


def _cut_rows(text: str) -> list[str]:
    keyed, where = _keyed(text)
    hits: list[tuple[int, int]] = []
    for label in row_labels():
        for match in re.finditer(re.escape(label), keyed):
            hits.append((match.start(), match.end()))
    # A label inside a longer one found at the same place (予以公开 in 一予以公开) is not a cut of its own.
    hits.sort(key=lambda h: (h[0], -h[1]))
    cuts, reach = [], -1
    for start, end in hits:
        if start < reach:
            continue
        cuts.append(start)
        reach = end
    positions = []
    for c in cuts:
        i = where[c]
        while i > 0 and text[i - 1] in "（(【[ \t\u3000":  # the label's opening bracket goes with it
            i -= 1
        positions.append(i)
    out, pos = [], 0
    for i in sorted(set(positions)):
        if i > pos:
            out.append(text[pos:i])
        pos = max(pos, i)
    out.append(text[pos:])
    return out


# ------------------------------------------------------------------ words
def _cut_words(text: str) -> list[str]:
    """Words cut at the spaces between Chinese pieces (the site's links, 「微信 微博 QQ空间」, and a
    sentence followed by 「附件下载」); a space between a digit and a word (「2025 年」) or two Latin words stays."""
    out, pos = [], 0
    for match in _SENTENCE.finditer(text):
        a = text[match.start() - 1] if match.start() > 0 else ""
        b = text[match.end()] if match.end() < len(text) else ""
        if a and b and not (_latin(a) and _latin(b) or a.isdigit() != b.isdigit() and (_latin(a) or _latin(b))):
            out.append(text[pos:match.start()])
            pos = match.end()
    out.append(text[pos:])
    return [t.strip() for t in out if not PAGE_NUMBER.match(t)]


def _latin(ch: str) -> bool:
    ch = unicodedata.normalize("NFKC", ch)
    return ch.isascii() and ch.isalnum()
