"""From a published report's lines to a source Report: title, sections, tables, gaps and notes.

The result goes through sources.parse_report like any source file, so an imported report is the
same kind of thing as a hand-written one; what the importer tolerated is written into
report.source, and every cell it could not read is in report.gaps.
"""
from __future__ import annotations

from ..model import formats
from ..errors import NianbaoError, printable
from ..model.sources import IMPORTED_HEAD, Report, parse_report
from . import narrative, rows, tables
from .document import Document, Line
from .labels import Notes, header_labels, key, table2_labels, table3_labels, version_evidence
from .narrative import Heading

TABLE_SECTIONS = dict(zip((t.number for t in formats.TABLES), (tables.read_table2, tables.read_table3, tables.read_table4)))


def build_report(doc: Document, file: str, assume_row_sums: bool = False) -> Report:
    """assume_row_sums: choose the split of run-together cells that the table's own sums allow
    (importer.infer), the chosen cells said as inferred."""
    notes = Notes()
    # The six headings are the same in every format version, so they can be found before the year is.
    headings = narrative.find_headings(doc, formats.latest(), notes)
    if not headings:
        raise NianbaoError("找不到年报的节标题（一、总体情况 … 六、其他需要报告的事项），不像政府信息公开工作年度报告",
                           "no section headings (一、总体情况 … 六、其他需要报告的事项) found: this does not look like "
                           "an annual report on government information disclosure", file=file)
    _check_complete(doc, headings, file)
    title = _title(doc, headings, notes, file)
    try:
        fmt = formats.format_for_year(title.year)
    except ValueError as error:
        zh, _, en = str(error).partition(" / ")
        raise NianbaoError(zh, en or zh, file=file) from None

    container = _article(doc, headings)
    sections_lines = _sections(doc, headings, container)
    between = doc.lines[title.index + 1:headings[0].index]  # the front matter
    front = [line for line in between if _within(line, container)]
    outside = [narrative.line_text(line) for line in between if not _within(line, container)]
    if outside:
        notes.remark(f"略去文章之外的网页内容 {len(outside)} 行 / left out {len(outside)} line(s) of the site around "
                     "the article: " + _sample(outside, 3))

    # PDF text: how wide a full line is, how far paragraphs are indented, whether 「2024 年」 is spaced.
    text_sections = [s.number for s in fmt.sections if s.narrative_required]  # 一、五、六
    body = front + [line for n in text_sections for line in sections_lines.get(n, [])]
    width = narrative.line_width(body) if doc.layout else 0
    base = narrative.base_indent(body) if doc.layout else 0
    spaced = doc.layout and narrative.spaced_digits(body)

    def paragraphs(lines: list[Line]) -> list[str]:
        return narrative.paragraphs(lines, doc.layout, width, base, spaced)

    preamble, published = narrative.front_matter(paragraphs(front), notes)
    published = published or next((narrative.published(t) for t in outside if narrative.published(t)), "")
    # A crawler's header (发布时间: …) above the title, or the page's <meta name="PubDate">.
    above = [narrative.line_text(line) for line in doc.lines[:max(title.index, 0)]]
    published = published or next((narrative.published(t) for t in above if narrative.published(t)), "") or doc.published

    _check_version(sections_lines, fmt, title.year, notes)
    data_tables, gaps, options, sections, runs = {}, [], {}, {}, []
    for number, reader in TABLE_SECTIONS.items():
        region = rows.Region(sections_lines.get(number, []), doc.layout, doc.geometry)
        result = reader(region, fmt, notes)
        data_tables[number] = result.cells
        gaps += result.gaps
        runs += result.runs
        _lost_heading(fmt, number, region, result, sections_lines, notes)
        options.update(result.options)
        note = paragraphs(_prose(region, result))  # words around a table are that section's note
        if note:
            sections[number] = "\n\n".join(note)
    if assume_row_sums and runs:
        from .cells import parse_cell
        from .infer import assume_row_sums as infer

        infer(fmt, data_tables, gaps, runs, notes, lambda text, kind, table: parse_cell(text, kind, notes, table)[0])
    for number in text_sections:
        lines = sections_lines.get(number, [])
        if number == fmt.sections[-1].number:  # the last section runs into the page's furniture
            lines, dropped = narrative.cut_furniture(lines)
            if dropped:
                notes.remark("略去正文之后的页面信息 / left out page information after the text: " + _sample(dropped, 4))
        sections[number] = "\n\n".join(paragraphs(lines))

    data = {"agency": title.agency, "year": title.year, "format": fmt.version,
            "sections": {n: sections[n] for n in formats.SECTION_NUMBERS if n in sections},
            **{t.key: data_tables[t.number] for t in formats.TABLES}}
    if title.printed != formats.report_title(title.agency, title.year):
        data["title"] = title.printed
    if preamble:
        data["preamble"] = "\n\n".join(preamble)
    printed = {h.number: h.printed for h in headings if "".join(h.printed.split()) != _template_heading(fmt, h.number)}
    if printed:
        data["headings"] = printed
    if published:
        options["published"] = published
    if options:
        data["options"] = options
    if gaps:
        data["gaps"] = gaps
    data["source"] = source_text(doc, notes, gaps)
    return parse_report(data, file)


def _lost_heading(fmt, number: str, region: rows.Region, result: tables.TableResult,
                  sections_lines: dict[str, list[Line]], notes: Notes) -> None:
    """A text section whose heading was lost (a converter dropped it) right after a table section: the
    words after the table are that section's, not a note to the table (nothing but the table is
    between the two headings in the format)."""
    numbers = [s.number for s in fmt.sections]
    following = numbers[numbers.index(number) + 1] if number != numbers[-1] else ""
    if not following or following in sections_lines or result.last is None:
        return
    if not next(s for s in fmt.sections if s.number == following).narrative_required:
        return
    after = region.lines[result.last + 1:]
    if not any(narrative.line_text(line) for line in after):
        return
    del region.lines[result.last + 1:]
    sections_lines[following] = after
    notes.remark(f"第{following}节标题缺失，表格之后的文字记入第{following}节 / the heading of section {following} is "
                 f"missing: the words after the table are taken as section {following}")


def _check_complete(doc: Document, headings: list[Heading], file: str) -> None:
    """A report whose last sections are missing was cut off (a page saved half-loaded, a truncated
    download): refused, not imported with those sections left empty."""
    numbers = list(formats.SECTION_NUMBERS)
    found = [h.number for h in headings]
    tail = numbers[numbers.index(found[-1]) + 1:]
    if tail:
        cut = "（网页没有结束标记 </html>）" if doc.cut_off else ""
        cut_en = " (the page has no closing </html>)" if doc.cut_off else ""
        raise NianbaoError(f"报告不完整：找到第{'、'.join(found)}节，缺少第{'、'.join(tail)}节，文件可能被截断{cut}；"
                           "应为六节齐全的年报", f"the report is incomplete: sections {', '.join(found)} found, "
                           f"{', '.join(tail)} missing, so the file may be cut off{cut_en}; expected all six sections",
                           file=file)


def _title(doc: Document, headings: list[Heading], notes: Notes, file: str) -> narrative.Title:
    first = headings[0].index
    body = "\n".join(narrative.line_text(line) for line in doc.lines[:headings[1].index if len(headings) > 1 else None])
    title = narrative.find_title(doc, first, body)
    if title is None:
        title = narrative.find_title_without_year(doc, first, body)
        if title is not None:
            notes.remark(f"标题中没有年度，按正文的统计期限推定为 {title.year} 年 / the title names no year; "
                         f"{title.year} is taken from the statistical period in the text")
    if title is None:
        raise NianbaoError("找不到报告标题（如「某某局2021年政府信息公开工作年度报告」），无法确定机构和年度",
                           "no report title (such as 「某某局2021年政府信息公开工作年度报告」) found, so the agency and "
                           "year are unknown", file=file)
    return title


def _check_version(sections_lines: dict[str, list[Line]], fmt, year: int, notes: Notes) -> None:
    """The year decides the format (R29); say so when the table labels are the other version's."""
    text = key("\n".join(narrative.line_text(ln) for n in TABLE_SECTIONS for ln in sections_lines.get(n, [])))
    evidence = version_evidence(text)
    other = max((v for v in evidence if v != fmt.version), key=evidence.get)
    if evidence[other] > evidence[fmt.version] and evidence[other] >= 2:
        notes.remark(f"表格标签像 {other} 版格式，但 {year} 年适用 {fmt.version} 版（R29）；按 {fmt.version} 版读取，"
                     f"对不上的行记为缺失 / the table labels look like the {other} format, but {year} reports use "
                     f"the {fmt.version} format (R29); read as {fmt.version}, rows that do not fit are gaps")


def _template_heading(fmt, number: str) -> str:
    return next(s.heading for s in fmt.sections if s.number == number)


def _sample(texts: list[str], n: int) -> str:
    return "｜".join(t[:30] for t in texts[:n]) + ("…" if len(texts) > n else "")




def source_text(doc: Document, notes: Notes, gaps: list[dict]) -> str:
    head = f"{IMPORTED_HEAD}{printable(doc.name)}（{doc.kind}）"  # a name is one line, and inert on a screen
    lines = [head]
    if gaps:
        lines.append(f"无法确定的单元格 {len(gaps)} 处，见 gaps / {len(gaps)} cell(s) not read with confidence, see gaps")
    body = notes.lines() + [f"- {n}" for n in doc.notes]
    if body:
        lines.append("容错与略去的内容 / tolerances and what was left out:")
        lines += body
    return "\n".join(lines)


def _sections(doc: Document, headings: list[Heading], container: tuple) -> dict[str, list[Line]]:
    out = {}
    for n, heading in enumerate(headings):
        end = headings[n + 1].index if n + 1 < len(headings) else len(doc.lines)
        lines = doc.lines[heading.index + 1:end]
        if n + 1 == len(headings) and container:
            last = max((i for i, line in enumerate(lines) if _within(line, container)), default=-1)
            lines = lines[:last + 1]
        out[heading.number] = lines
    return out


def _article(doc: Document, headings: list[Heading]) -> tuple:
    """On a web page: the innermost element holding every section heading (the article, not the site)."""
    paths = [doc.lines[h.index].path for h in headings if doc.lines[h.index].path]
    if len(paths) < 2:
        return ()
    common = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return tuple(common)


def _within(line: Line, container: tuple) -> bool:
    return not container or not line.path or line.path[:len(container)] == container


def _prose(region: rows.Region, result: tables.TableResult) -> list[Line]:
    """Lines of a table section that are sentences, not table: a note before or after the table.
    A line counts as table when most of its words are pieces of the format's labels."""
    known = rows.Matcher(region, sorted(_known_labels()))
    out = []
    for i, line in enumerate(region.lines):
        if result.first is not None and result.first <= i <= result.last:
            continue
        chunks = [c for _, c in region.on_line(i)]
        text = narrative.line_text(line)
        if not chunks or len(key(text)) < 6:
            continue
        labelish = sum(1 for c in chunks if known.is_noise(c.key) or _label_pieces(c.key, known))
        if labelish * 2 >= len(chunks) or (region.has_values(i) and "。" not in text):
            continue
        out.append(line)
    return out


MAX_PIECED = 60  # a header's pieces run together are short; a longer word is not looked into (time)
MAX_PIECE = 12  # the longest piece tried at a time


def _label_pieces(k: str, known: rows.Matcher) -> bool:
    """Words made of pieces of labels (「结果结果其他尚未」, 「公益服务其他」: a header printed a line of
    each column at a time), read greedily two characters or more at a time; a sentence is not."""
    if not 4 <= len(k) <= MAX_PIECED:
        return False
    pos = 0
    while pos < len(k):
        step = next((n for n in range(min(len(k) - pos, MAX_PIECE), 1, -1) if known.is_noise(k[pos:pos + n])), 0)
        if not step:
            return False
        pos += step
    return True


def _known_labels() -> set[str]:
    out: set[str] = set()
    for fmt in formats.FORMATS.values():
        out |= set(header_labels(fmt)) | table2_labels(fmt) | table3_labels(fmt)
    return out
