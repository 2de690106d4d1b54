"""The report's words: title (agency and year), the six section headings, paragraphs, preamble.

Narrative text is kept as printed; only line wrapping (PDF text) and page furniture (page numbers,
site navigation) are undone. Headings are recognised by their number and their likeness to the
template heading, so 「五、政府信息公开工作存在的主要问题及改进情况」 is still section 五.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.formats import Format
from .document import Document, Line
from .labels import HEADING, Notes, key, similar

TITLE = re.compile(r"^(?P<before>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<after>.*?)"
                   r"(?P<suffix>政府信息公开(?:工作)?(?:年度)?(?:工作)?报告)(?P<rest>.*)$")
NUMBER_SEP = r"[、.．,，:：\s]"
PUBLISHED = re.compile(r"(?:发布|公开|成文|印发)(?:日期|时间)\s*[:：]\s*"
                       r"(\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?)")
TITLE_REST = re.compile(r"^(?:[（(【\[〔][^）)】\]〕]{0,12}[）)】\]〕])?[。.]?$")  # 「（全文）」 or nothing after 报告
TITLE_NO_YEAR = re.compile(r"^(?P<before>.*?)(?P<suffix>政府信息公开(?:工作)?(?:年度)?(?:工作)?报告)(?P<rest>.*)$")
# Site furniture around an article: print/close links, share buttons, font-size switches, footers.
FURNITURE = re.compile(r"打印(本页|此页|文章|本文)|[【\[]\s*打印\s*[】\]]|关闭(本页|窗口)|返回顶部|分享到|扫一扫"
                       r"|版权所有|主办单位|承办单位|网站标识码|ICP备|公网安备|【\s*字[体号]|字号[:：]|浏览次数|访问量"
                       r"|责任编辑|上一篇|下一篇|相关(链接|文章|阅读)|附件下载|相关附件")
SENTENCE_END = "。！？；：!?;:）)”"


@dataclass
class Heading:
    number: str
    index: int  # line index in the document
    printed: str


def line_text(line: Line) -> str:
    """A line's words with table cells joined; layout indentation removed."""
    if line.cells is not None:
        return " ".join(c.strip() for c in line.cells if c.strip())
    return line.text.strip().strip("\u3000")


def heading_match(text: str, number: str, template: str) -> float:
    """How much a line looks like section heading `number` (0 when it cannot be it)."""
    match = re.match(rf"^\s*{number}\s*{NUMBER_SEP}+\s*(.+)$", text)
    if not match or len(text) > len(template) + 24 or re.search(r"\d\s*$", text):
        return 0.0
    rest, want = key(match.group(1)), key(template.split("、", 1)[1])
    if not rest:
        return 0.0
    if want in rest or (rest in want and len(rest) >= 3):
        return 1.0
    score = similar(rest, want)
    return score if score >= 0.55 else 0.0


def find_headings(doc: Document, fmt: Format, notes: Notes) -> list[Heading]:
    """The section headings 一–六 in order; a section whose heading is missing is skipped."""
    found: list[Heading] = []
    start = 0
    for section in fmt.sections:
        hit = None
        for i in range(start, len(doc.lines)):
            line = doc.lines[i]
            if line.cells is not None and len([c for c in line.cells if c.strip()]) > 1:
                continue
            text = line_text(line)
            if heading_match(text, section.number, section.heading):
                hit = Heading(section.number, i, text)
                break
        if hit is None:
            notes.remark(f"未找到第{section.number}节标题「{section.heading}」/ heading of section {section.number} not found")
            continue
        printed = re.sub(r"\s+", "", hit.printed)
        if key(printed) != key(section.heading) or printed != section.heading:
            notes.label("节标题 / headings", hit.printed, section.heading,
                        [HEADING] if key(printed) != key(section.heading) else [])
        found.append(hit)
        start = hit.index + 1
    return found


# ------------------------------------------------------------------ paragraphs
CJK = r"[\u4e00-\u9fff]"
DIGIT_SPACED = re.compile(rf"{CJK} [0-9]|[0-9] {CJK}")
DIGIT_TIGHT = re.compile(rf"{CJK}[0-9]|[0-9]{CJK}")


def spaced_digits(lines: list[Line]) -> bool:
    """Does this PDF's text put a space between Chinese and digits (「2024 年」, as Word's spacing comes
    out of pdftotext)? Then a line wrap between them stood for a space too."""
    text = "\n".join(line.text for line in lines if line.cells is None)
    spaced, tight = len(DIGIT_SPACED.findall(text)), len(DIGIT_TIGHT.findall(text))
    return spaced >= 3 and spaced > 3 * tight


def _join(left: str, right: str, spaced: bool = False) -> str:
    """Undo a line wrap: Chinese text joins directly, two Latin words keep their space (and so do
    Chinese and digits in a document that spaces them)."""
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if re.match(r"[A-Za-z0-9]", a) and re.match(r"[A-Za-z0-9]", b):
        return left + " " + right
    if spaced and ((re.match(CJK, a) and b.isdigit()) or (a.isdigit() and re.match(CJK, b))):
        return left + " " + right
    return left + right


def line_width(lines: list[Line]) -> int:
    """The width of a full line of body text in a layout document."""
    lengths = sorted(len(line.text.rstrip()) for line in lines if line.cells is None and len(line.text.strip()) > 8)
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def indent(line: Line) -> int:
    return len(line.text) - len(line.text.lstrip(" \u3000"))


def paragraphs(lines: list[Line], layout: bool, width: int = 0, base: int = 0, spaced: bool = False) -> list[str]:
    """Paragraphs of narrative text. Plain text: one per line. Layout text: a paragraph starts on an
    indented line, or after a line that stops well short of the full width."""
    if not layout:
        out: list[str] = []
        for line in lines:
            text = line_text(line)
            if text and line.soft and out:
                out[-1] += "\n" + text  # a <br> inside one paragraph
            elif text:
                out.append(text)
        return out
    out: list[str] = []
    current = ""
    previous: Line | None = None
    for line in lines:
        text = line_text(line)
        if not text:
            continue
        new = (previous is None or indent(line) >= base + 2
               or (width and len(previous.text.rstrip()) < 0.8 * width))
        if new and current:
            out.append(current)
            current = ""
        current = _join(current, text, spaced)
        previous = line
    if current:
        out.append(current)
    return out


def base_indent(lines: list[Line]) -> int:
    indents = [indent(line) for line in lines if line.cells is None and len(line.text.strip()) > 8]
    return min(indents) if indents else 0


# ------------------------------------------------------------------ title and front matter
@dataclass
class Title:
    printed: str  # as printed, line breaks and spaces removed
    agency: str
    year: int
    index: int  # line index of (the last line of) the title


def find_title(doc: Document, end: int, body: str = "") -> Title | None:
    """The last line before section 一 that reads like a report title; an agency name printed on the
    line above (titles are often broken after the agency) is joined to it. When the text states its
    statistical period, a title of that year is preferred (a site's sidebar may list last year's report
    above the article), then the page's <title>."""
    candidates = []
    for i in range(end - 1, -1, -1):
        for text in _title_lines(doc, i):
            match = TITLE.match(text)
            agency = match and TITLE_REST.match(match.group("rest")) and _either(match)
            if agency:
                candidates.append(Title(text, agency, int(match.group("year")), i))
                break
    head = _head_title(doc)
    year = year_from_text(body, period_only=True)
    for title in [*candidates, head]:
        if title and year and title.year == year:
            return title
    return candidates[0] if candidates else head


def find_title_without_year(doc: Document, end: int, body: str) -> Title | None:
    """A title that names no year (「某某局政府信息公开工作年度报告」): the year comes from the text
    (the statistical period, else the first 'YYYY年')."""
    year = year_from_text(body)
    for i in range(end - 1, -1, -1):
        text = re.sub(r"\s+", "", line_text(doc.lines[i]))
        match = TITLE_NO_YEAR.match(text)
        if match and len(text) <= 80 and year and _agency(re.sub(r"年度$", "", match.group("before"))):
            return Title(text, _agency(re.sub(r"年度$", "", match.group("before"))), year, i)
    return None


def _either(match: re.Match) -> str:
    """The agency of a title, before its year (淮安市人民政府2024年…) or after it (2025年上海市…); with
    words on both sides (「正文」 above a title of the second kind, joined to it), the longer."""
    before, after = _agency(match.group("before")), _agency(match.group("after"))
    return max(before, after, key=len) if before and after else before or after


def _head_title(doc: Document) -> Title | None:
    if doc.head_title:
        text = re.sub(r"\s+", "", doc.head_title)
        match = TITLE.match(text)
        if match and (_agency(match.group("before")) or _agency(match.group("after"))):
            printed = match.group(0)[: match.end("suffix")]
            return Title(printed, _agency(match.group("before")) or _agency(match.group("after")),
                         int(match.group("year")), -1)
    return None


def _agency(text: str) -> str:
    text = re.sub(r"^[《〈“\"]|关于$|[》〉”\"]$", "", text.strip(" ，,:：-—_|"))
    return text if len(key(text)) >= 2 else ""


def _title_lines(doc: Document, i: int, most: int = 3) -> list[str]:
    """Line i, then it joined to the one or two short lines above it: a title broken anywhere
    (「淮安市人民政府」/「2024 年政府信息公开工作年度报告」, 「…政府信息公开」/「工作年度报告」)."""
    text = re.sub(r"\s+", "", line_text(doc.lines[i]))
    if not text or len(text) > 80:
        return []
    out, j = [text], i - 1
    while len(out) < most and j >= 0 and len(text) <= 80:
        above = re.sub(r"\s+", "", line_text(doc.lines[j]))
        j -= 1
        if not above:
            continue
        if len(above) > 40 or TITLE.match(above):
            break
        text = above + text
        out.append(text)
    return out


def year_from_text(text: str, period_only: bool = False) -> int | None:
    """The report year from the statistical period (统计期限自2024年1月1日) or else the first 'YYYY年'."""
    match = re.search(r"(?:19|20)\d{2}(?=\s*年\s*1\s*月\s*1\s*日)", text)
    if not match and not period_only:
        match = re.search(r"(?:19|20)\d{2}(?=\s*年)", text)
    return int(match.group(0)) if match else None


def published(text: str) -> str:
    """The publication date of a 发布日期/发布时间 line, as printed (spaces removed)."""
    match = PUBLISHED.search(text)
    return re.sub(r"\s+", "", match.group(1)) if match else ""


def front_matter(paragraphs_: list[str], notes: Notes) -> tuple[list[str], str]:
    """Split the paragraphs between the title and section 一 into the preamble and a publication
    date; site furniture (font-size switches, view counts, sources, a bare date) is left out and said so."""
    kept, date, skipped = [], "", []
    for text in paragraphs_:
        found = published(text)
        date = date or found
        if found or FURNITURE.search(text) or is_metadata(text):
            if not found:  # a publication date is kept, in options.published
                skipped.append(text)
            continue
        kept.append(text)
    if skipped:
        notes.remark("略去标题与正文之间的页面信息 / left out page information between title and text: "
                     + "｜".join(s[:30] for s in skipped[:4]) + ("…" if len(skipped) > 4 else ""))
    return kept, date


def is_metadata(text: str) -> bool:
    """A short key: value line of a page's header (来源：…, 索引号：…), a bare date, or a fragment
    without a sentence."""
    if re.match(r"^[^，。：:]{1,8}[:：]", text) and "。" not in text and len(text) < 60:
        return True
    if re.fullmatch(r"[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?\s*[）)]?", text):
        return True
    return len(key(text)) < 6 and not text.endswith(tuple(SENTENCE_END))


def cut_furniture(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Drop site furniture after the last section: everything from the first print/close/share link,
    copyright or 上一篇/下一篇 line on."""
    for i, line in enumerate(lines):
        text = line_text(line)
        if text and FURNITURE.search(text) and len(text) < 80 and "。" not in text:
            dropped = [line_text(x) for x in lines[i:] if line_text(x)]
            return lines[:i], dropped
    return lines, []
