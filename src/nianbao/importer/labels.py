"""Label matching for published reports: what counts as the same label, and a record of every
tolerance used to read one, so that nothing is accepted silently.

Every official label comes from nianbao.model.formats; the only lists here are the few variants real
reports print instead of an official label (synonyms) and how each kind of difference is named.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ..model import formats
from ..model.formats import Format

# Label variants seen in published reports, read as the official label: (official, as printed, why).
SYNONYMS = (
    ("社会公益组织", "社会组织", "「社会组织」作「社会公益组织」/ 社会组织 for 社会公益组织"),
    ("行政规范性文件", "规范性文件", "「规范性文件」作「行政规范性文件」/ 规范性文件 for 行政规范性文件"),
    ("规范性文件", "行政规范性文件", "「行政规范性文件」作「规范性文件」（2019 格式）/ 行政规范性文件 for the 2019 规范性文件"),
)

# The kinds of tolerated difference between a printed label and the official one (zh / en).
SPACING = "标签内有空格或换行 / spaces or line breaks inside a label"
WIDTH = "全角/半角字符不同（括号、数字、标点）/ full- or half-width brackets, digits or punctuation"
NUMBERING = "序号写法不同（如「1、」作「1.」）/ numbering written differently (e.g. 1、 for 1.)"
QUOTES = "引号或标点不同 / different quotes or punctuation"
SYNONYM = "同义标签 / a synonym of the official label"
TYPO = "标签有错字，按最相近的官方标签读取 / a typo in the label, read as the nearest official label"
ABBREVIATED = "标签省略了括注部分 / the label leaves out its bracketed note"
HEADING = "节标题与模板不同（原文记入 headings）/ section heading differs from the template (kept in headings)"
EXTRA = "标签后有附加文字 / extra text after the label"

_KEEP = re.compile(r"[\W_]+", re.UNICODE)


def key(text: str) -> str:
    """A label reduced to what identifies it: width-folded (NFKC), without spaces, punctuation,
    quotes or brackets, so 「（一）予以公开」, 「(一) 予以公开」 and 「一、予以公开」 all match."""
    return _KEEP.sub("", unicodedata.normalize("NFKC", text or ""))


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def variants(label: str) -> list[tuple[str, str]]:
    """(key, tolerance) pairs a printed label may take: the official key first, then synonyms."""
    out = [(key(label), "")]
    for official, printed, why in SYNONYMS:
        if label == official or (official in label and printed not in label):
            out.append((key(label.replace(official, printed)), why))
    return out


def essential(label: str) -> str:
    """The part of a label that identifies it when a report drops its bracketed note:
    「（二）部分公开（区分处理的，只计这一情形，不计其他情形）」 → 「（二）部分公开」."""
    match = re.match(r"^(.*?[^（(]{2,})[（(][^（）()]*[）)]$", label)
    return key(match.group(1)) if match and len(key(match.group(1))) >= 3 else ""


def classify(printed: str, official: str) -> list[str]:
    """Name the differences between a label as printed and the official label (empty if none)."""
    kinds = []
    text = re.sub(r"\s+", "", printed)
    if text != printed.strip() or printed != printed.strip() and "\n" in printed:
        kinds.append(SPACING)
    numbered = re.sub(r"([0-9０-９])[、，,]", r"\1.", text)
    if numbered != text:
        kinds.append(NUMBERING)
    if numbered == official:
        return kinds
    nfkc = unicodedata.normalize("NFKC", numbered)
    if nfkc == unicodedata.normalize("NFKC", official):
        return kinds + [WIDTH]
    if key(numbered) == key(official):
        a, b = _QUOTES.sub("", numbered), _QUOTES.sub("", official)
        width = a != b and unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b)
        return kinds + ([WIDTH] if width else []) + [QUOTES]
    return kinds


_QUOTES = re.compile("[\"'“”‘’「」『』]")


@dataclass
class Notes:
    """Everything the importer tolerated or skipped, kept for report.source (never hidden)."""

    tolerances: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (where, kind) → examples
    remarks: list[str] = field(default_factory=list)

    def tolerate(self, where: str, kind: str, example: str) -> None:
        examples = self.tolerances.setdefault((where, kind), [])
        if example not in examples:
            examples.append(example)

    def label(self, where: str, printed: str, official: str, extra: list[str] = ()) -> None:
        """Record how a printed label differs from its official form (nothing when it does not)."""
        for kind in [*classify(printed, official), *extra]:
            self.tolerate(where, kind, f"「{_show(printed)}」→「{official}」")

    def remark(self, text: str) -> None:
        if text not in self.remarks:
            self.remarks.append(text)

    def lines(self) -> list[str]:
        out = []
        for (where, kind), examples in self.tolerances.items():
            shown = "；".join(examples[:3]) + (f" 等 {len(examples)} 处 / {len(examples)} in all" if len(examples) > 3 else "")
            out.append(f"- {where}：{kind}：{shown}")
        out += [f"- {r}" for r in self.remarks]
        return out


def _show(text: str) -> str:
    text = re.sub(r"\s*\n\s*", "⏎", text)
    return text if len(text) <= 40 else text[:39] + "…"


# ------------------------------------------------------------------ labels derived from the format
def table2_labels(fmt: Format) -> set[str]:
    return {b.item for b in fmt.table2} | {c.label for b in fmt.table2 for c in b.columns} | set(fmt.table2_rows)


def table3_labels(fmt: Format) -> set[str]:
    return {r.label for r in fmt.table3_rows} | {r.group for r in fmt.table3_rows if r.group}


def version_evidence(text_key: str) -> dict[str, int]:
    """How many labels found only in one format version appear in a text (already reduced by key)."""
    found = {}
    for version, fmt in formats.FORMATS.items():
        others = set().union(*(table2_labels(f) | table3_labels(f) for v, f in formats.FORMATS.items() if v != version))
        own = {key(label) for label in (table2_labels(fmt) | table3_labels(fmt)) - others}
        found[version] = sum(1 for k in own if len(k) >= 4 and k in text_key)
    return found


def header_labels(fmt: Format) -> list[str]:
    """Every label of the three tables that is not a data row's own label: headers, notes, groups."""
    out = [formats.INFO_CONTENT, *(b.item for b in fmt.table2), *(c.label for b in fmt.table2 for c in b.columns)]
    out += [formats.TABLE3_NOTE, formats.TABLE3_APPLICANTS, formats.TABLE3_LEGAL, formats.TABLE3_RESULTS]
    out += [c.label for c in fmt.table3_columns] + sorted({r.group for r in fmt.table3_rows if r.group})
    out += [formats.TABLE4_REVIEW, formats.TABLE4_LITIGATION, *(g.label for g in fmt.table4_groups)]
    out += [c.label for c in fmt.table4_columns]
    out += [s.heading for s in fmt.sections]
    out += [printed for official, printed, _ in SYNONYMS if official in out]
    return out
