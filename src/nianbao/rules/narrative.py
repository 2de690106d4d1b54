"""What the narrative's shape shows, beyond the numbers it states (claims.py):

- R30: the years it names for itself — the title's, the statistical period's (「统计期限自2021年1月1日至
  2021年12月31日」), the year section 一 opens with (「2021年，……」) — are the report's year;
- R33: section 一 within its length (篇幅原则上不超过一千字) and covering the topics 30号 lists;
- R37: how much of each section repeats last year's same section (内容雷同, 五 "年年雷同").

Only what a text says plainly is read: a title without a year, or no period sentence, is nothing to check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import formats
from ..model.sources import Report
from .claims import normalize

REPEAT_SHARE = 50.0  # R37: % of a section repeated from last year above which it warns (宿迁's rule; options.repeat_share)
OTHER_SHARE = 10.0  # R35: % of （七）总计 in （六）其他处理 above which it warns (options.other_share)
GRAM = 8  # characters: a run this long found in last year's section counts as repeated
MIN_RESULTS = 10  # R35 on fewer results: one application would already be 10 %; not judged
MIN_CHARS = 50  # a shorter section (「无。」「本年度未收取信息处理费。」) repeats by nature; not judged
_SPACE = re.compile(r"\s+")


def option(report: Report, key: str, default: float) -> float:
    value = report.options.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


# ------------------------------------------------------------------ R30
@dataclass(frozen=True)
class YearStated:
    what: str  # 标题 / 统计期限 / 一 的开头
    quote: str
    year: int  # the year it names that differs, or the report's year when every one agrees


_PERIOD = re.compile(r"统计(?:期限|时限|期间|时间|周期|区间|范围)[^。；;]{0,40}?12月31日")
_YEAR = re.compile(r"(\d{4})年")
_OPENING = re.compile(r"^(\d{4})年(?:度|以来)?[，,是]")


def stated_years(report: Report) -> list[YearStated]:
    """Each place the report names its own year: the title, a statistical period, the opening of 一."""
    out = []
    title = _SPACE.sub("", report.title)
    years = [int(y) for y in _YEAR.findall(title)]
    if years:
        out.append(YearStated("标题", title, next((y for y in years if y != report.year), report.year)))
    texts = [report.preamble] + [report.sections.get(s.number, "") for s in report.format.sections]
    for text in texts:
        for m in _PERIOD.finditer(normalize(text)):
            years = [int(y) for y in _YEAR.findall(m.group(0))]
            if years:
                out.append(YearStated("统计期限", m.group(0), next((y for y in years if y != report.year), report.year)))
    first = report.format.sections[0].number
    opening = _OPENING.match(normalize(report.sections.get(first, "")))
    if opening:
        out.append(YearStated(f"{report.heading(first)}的开头", opening.group(0).rstrip("，,是"), int(opening.group(1))))
    return out


# ------------------------------------------------------------------ R33
def length(text: str) -> int:
    """Characters as a 字数 counts them: everything but white space."""
    return len(_SPACE.sub("", text or ""))


def topics(report: Report, section: formats.Section) -> tuple[list[str], list[str]]:
    """(the topics the section must cover, those its text does not name)."""
    wanted = list(section.topics)
    if wanted and report.agency.endswith(formats.GOVERNMENT_SUFFIX):
        wanted += formats.GOVERNMENT_TOPICS
    text = report.sections.get(section.number, "")
    return [t for t, _ in wanted], [t for t, words in wanted if not any(w in text for w in words)]


# ------------------------------------------------------------------ R37
@dataclass(frozen=True)
class Repeat:
    share: float  # % of this year's text found in last year's (after the template's own words)
    passage: str  # the longest repeated run, as this year's text has it
    chars: int


def boilerplate(fmt: formats.Format) -> list[str]:
    """The template's own words: headings, placeholders, the topics 30号 names for 一."""
    words = [s.heading for s in fmt.sections] + [s.placeholder for s in fmt.sections]
    words += [t for s in fmt.sections for t, _ in s.topics]
    return sorted({_SPACE.sub("", w) for w in words if w}, key=len, reverse=True)


def _plain(text: str, fmt: formats.Format) -> str:
    text = _SPACE.sub("", normalize(text))
    for word in boilerplate(fmt):
        text = text.replace(word, "")
    return text


def repeated(this: str, last: str, fmt: formats.Format) -> Repeat | None:
    """How much of this year's section is last year's. Digits count as one character class, so a copy
    with this year's figures and dates put in (2022 for 2021, 15 件 for 13 件) is still a copy."""
    text, before = _plain(this, fmt), _plain(last, fmt)
    if len(text) < MIN_CHARS or not before:
        return None
    mask = lambda s: re.sub(r"\d", "#", s)  # noqa: E731 - one digit for one digit: positions stay aligned
    a, b = mask(text), mask(before)
    grams = {b[i:i + GRAM] for i in range(len(b) - GRAM + 1)}
    covered = [False] * len(a)
    for i in range(len(a) - GRAM + 1):
        if a[i:i + GRAM] in grams:
            covered[i:i + GRAM] = [True] * GRAM
    best, start, run_start = (0, 0), 0, None
    for i, c in enumerate(covered + [False]):
        if c and run_start is None:
            run_start = i
        elif not c and run_start is not None:
            if i - run_start > best[0]:
                best = (i - run_start, run_start)
            run_start = None
    size, start = best
    passage = text[start:start + size]
    return Repeat(round(100 * sum(covered) / len(a), 1), passage if len(passage) <= 40 else passage[:40] + "……", len(a))
