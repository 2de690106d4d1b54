"""An HTML page as document lines: paragraphs as plain lines, data tables as rows of cells.

Government sites wrap a report in navigation, banners and footers, often inside layout tables,
and mark text up with inline styles and spans. Only block structure matters here: every block
element ends a line, <br> breaks a line inside a paragraph, inline markup is dropped. A table is a
data table when it holds no other table and reads as a grid of short cells; its rowspan/colspan
are expanded by nianbao.importer.htmlgrid.html_tables. Each line remembers its enclosing elements, so the
report's own article can be told from the site around it.
"""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from .htmlgrid import html_tables
from ..model.sources import CONTROL, decode_text
from .document import Document, Line
from .cells import is_value

SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "select", "button", "object", "embed",
        "canvas", "head", "textarea", "map"}
VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "area", "base", "col", "source", "param", "embed"}
BLOCK = {"p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "h1", "h2", "h3", "h4", "h5",
         "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "form", "fieldset", "figure",
         "figcaption", "address", "hr", "table", "tr", "td", "th", "caption", "tbody", "thead", "tfoot", "body",
         "html", "title"}
# Tags a new one of which closes the open one (HTML's optional end tags).
IMPLIED_END = {"p": {"p"}, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr", "td", "th"},
               "td": {"td", "th"}, "th": {"td", "th"}}
LONG_CELL = 150  # a table cell longer than this is page layout, not a table of numbers
# Deeper than this the page is broken or hostile (thousands of unclosed <div>s): further blocks are
# read as siblings, so that walking the tree stays far from Python's recursion limit.
MAX_DEPTH = 200


class Node:
    __slots__ = ("tag", "attrs", "children", "id")

    def __init__(self, tag: str, attrs: dict, id_: int):
        self.tag, self.attrs, self.children, self.id = tag, attrs, [], id_


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unclosed <p>, <li>, <td> and stray end tags are common on real sites."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, 0)
        self.stack = [self.root]
        self.count = 0
        self.skip = 0
        self.title = ""
        self._in_title = False
        self.meta: dict[str, str] = {}  # <meta name=… content=…> of the page (PubDate, ArticleTitle, …)

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if tag == "meta":
            values = {k.lower(): v or "" for k, v in attrs}
            name = values.get("name") or values.get("property") or ""
            if name and values.get("content") and name.lower() not in self.meta:
                self.meta[name.lower()] = " ".join(CONTROL.sub("", values["content"]).split())
        if tag == "body":
            self.skip = 0  # an unclosed <head> ends here
        if self.skip:
            if tag in SKIP and tag not in VOID:
                self.skip += 1
            return
        if tag in SKIP and tag not in VOID:
            self.skip = 1
            return
        if tag not in BLOCK and tag not in VOID:
            return  # inline markup (span, font, a, b …) only wraps text; unclosed <font>s would nest for ever
        closes = IMPLIED_END.get(tag)
        if closes:
            stop = {"table"} if tag in ("tr", "td", "th") else {"ul", "ol", "dl", "table", "div"}
            for i in range(len(self.stack) - 1, 0, -1):
                if self.stack[i].tag in stop:
                    break
                if self.stack[i].tag in closes:
                    del self.stack[i:]
                    break
        self.count += 1
        node = Node(tag, {k: v or "" for k, v in attrs}, self.count)
        self.stack[-1].children.append(node)
        if tag not in VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        count = self.count
        self.handle_starttag(tag, attrs)
        if self.count != count and self.stack[-1].id == self.count and tag not in VOID:
            self.stack.pop()  # <div/>: opened and closed at once

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self.skip:
            if tag in SKIP:
                self.skip -= 1
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
            if self.stack[i].tag == "table" and tag != "table":
                return  # an end tag from outside this table: ignore it

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if not self.skip:
            self.stack[-1].children.append(data)


def decode_html(raw: bytes, file: str) -> str:
    """The page's text: BOM, then UTF-8 if it decodes cleanly (GBK bytes almost never do; pages often
    declare gb2312 but are served as UTF-8), then <meta charset>, then GB18030 (GBK, GB2312)."""
    declared = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([-\w]+)", raw[:8192], re.I)
    also = ()
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        also = ("gb18030",) if name in ("gb2312", "gbk", "x-gbk", "gb18030", "cp936") else (name,)
    return decode_text(raw, file, also).lstrip("\ufeff")


def _has_table(node: Node) -> bool:
    return any(isinstance(c, Node) and (c.tag == "table" or _has_table(c)) for c in node.children)


def _serialise(node: Node) -> str:
    """Just enough HTML for html_tables: the table structure, spans and cell text."""
    if node.tag in ("br",):
        return "<br>"
    inner = "".join(escape(c, quote=False) if isinstance(c, str) else _serialise(c) for c in node.children)
    if node.tag in ("table", "tr", "td", "th", "p", "div"):
        spans = "".join(f' {k}="{escape(node.attrs[k])}"' for k in ("rowspan", "colspan") if node.attrs.get(k))
        return f"<{node.tag}{spans}>{inner}</{node.tag}>"
    return inner


BR = "\u2028"  # a <br> (or a newline inside <pre>), kept apart from the source's own line breaks
INDENT = re.compile(r"^(\u00a0{2,}|\u3000)")  # &nbsp;&nbsp; or a full-width space: ordinary spaces collapse


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip(" \u3000")


class _Flattener:
    def __init__(self):
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.path: tuple = ()

    def flush(self):
        """One block's text as lines: a <br> starts a new line, which continues the paragraph unless
        it is indented (old sites indent paragraphs with full-width spaces after <br><br>)."""
        raw = "".join(self.buffer)
        self.buffer = []
        first = True
        for segment in raw.split(BR):
            text = _clean(segment)
            if text:
                soft = not first and not INDENT.match(segment.lstrip(" \t"))
                self.lines.append(Line(text, None, 1, self.path, soft=soft))
                first = False

    def walk(self, node: Node, path: tuple, pre: bool = False):
        for child in node.children:
            if isinstance(child, str):
                if not self.buffer:
                    self.path = path
                self.buffer.append(child.replace("\n", BR) if pre else re.sub(r"[\r\n]+", " ", child))
                continue
            if child.tag == "br":
                self.buffer.append(BR)
                continue
            if child.tag in BLOCK:
                self.flush()
                if child.tag == "table" and self.table(child, path + (child.id,)):
                    continue
                self.walk(child, path + (child.id,), pre or child.tag == "pre")
                self.flush()
            else:
                self.walk(child, path, pre)

    def table(self, node: Node, path: tuple) -> bool:
        """A data table becomes rows of cells; a layout table (nested tables, long cells) is walked."""
        if _has_table(node):
            return False
        grids = html_tables(_serialise(node))
        grid = grids[-1] if grids else []
        if len(grid) < 2 or max(len(r) for r in grid) < 2 or any(len(c) > LONG_CELL for r in grid for c in r):
            return False
        for row in grid:
            cells = _dedupe(row)
            self.lines.append(Line("\t".join(cells), cells, 1, path))
        return True


def _dedupe(row: list[str]) -> list[str]:
    """One label per merged cell: a colspan/rowspan label repeated by the grid is kept once; numbers
    (and blanks) are never merged."""
    out: list[str] = []
    for cell in row:
        if out and cell and cell == out[-1] and not is_value(cell):
            continue
        out.append(cell)
    return out


def html_document(raw: bytes, path: Path) -> Document:
    text = decode_html(raw, str(path))
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    flat = _Flattener()
    flat.walk(builder.root, ())
    flat.flush()
    if not flat.lines:
        from . import refuse

        raise refuse(path, "网页中没有正文文字", "the page has no text")
    doc = Document(unflattened(flat.lines), False, "HTML 网页 / HTML page", path.name,
                   head_title=" ".join(CONTROL.sub("", builder.title).split()))
    if len(doc.lines) > len(flat.lines):
        doc.notes.append("网页正文连成一段，已按节标题和表格行标签切开 / the page's text came as one block; cut at its "
                         "section headings and table row labels")
    page_metadata(doc, builder.meta)
    if re.search(r"<html[\s>]", text[:4096], re.I) and not re.search(r"</html\s*>", text[-4096:], re.I):
        doc.cut_off = True
        doc.notes.append("网页没有结束标记 </html>，可能不完整 / the page has no closing </html>: it may be cut off")
    return doc


# The metadata Chinese government sites' CMSs put in the page head (the 政府网站 specification's tags).
META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dcterms.date")
META_TITLE = ("articletitle", "og:title")
META_SOURCE = ("contentsource", "sitename")


def page_metadata(doc: Document, meta: dict[str, str]) -> None:
    """The page's own metadata: its publication date (for R38, into options.published), its article
    title (the title as the page names it: better than <title>, which carries the site's name), its
    source; each said in the import notes."""
    said = []
    date = next((meta[k] for k in META_DATE if meta.get(k)), "")
    found = re.match(r"\s*(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})", date)
    if found:
        doc.published = "-".join((found.group(1), found.group(2).zfill(2), found.group(3).zfill(2)))
        said.append(f"发布日期 {date}")
    title = next((meta[k] for k in META_TITLE if meta.get(k)), "")
    if title:
        doc.head_title = title
        said.append(f"标题 {title}")
    source = next((meta[k] for k in META_SOURCE if meta.get(k)), "")
    if source:
        said.append(f"来源 {source}")
    if said:
        doc.notes.append("网页元数据 / the page's metadata: " + "；".join(said))


def unflattened(lines: list[Line]) -> list[Line]:
    """A page whose article is one block of text (everything in one <p>): that block cut into lines
    as flattened text is (importer.flat), each piece in the block's place on the page."""
    from .flat import LONG_LINE, cut_line, is_flat

    if not any(line.cells is None and is_flat(line.text) for line in lines):
        return lines
    out: list[Line] = []
    for line in lines:
        if line.cells is None and len(line.text) >= LONG_LINE:
            out += [Line(piece, None, line.page, line.path) for piece in cut_line(line.text)]
        else:
            out.append(line)
    return out
