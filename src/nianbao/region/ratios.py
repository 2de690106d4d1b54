"""The region's figures per agency (R39): five ratios, their spread over the region and the agencies
far outside it, and the figures that jumped since last year.

Every row and column is found through the format declaration's roles (NEW, RESULTS_TOTAL, the
DISCLOSED and WITHHELD outcomes, the CORRECTED and TOTAL columns of table 四), never by its label,
so a format revision with other labels needs no change here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import formats
from ..model.formats import Format
from ..model.sources import Report

MIN_PEERS = 30  # R39: an agency is compared with the region only when there are at least this many
JUMP_UP, JUMP_DOWN = 5.0, 0.2  # R39: more than 5× or less than 0.2× of last year
LARGE_BASE = 20  # R39's "large base": 0 ↔ non-zero, and the 5× / 0.2× jumps, only where a year has this many


@dataclass(frozen=True)
class Ratio:
    key: str
    label: str  # how the overview heads its column


RATIOS = (Ratio("disclosed", "实质公开率"), Ratio("withheld", "不予公开率"), Ratio("review", "复议纠错率"),
          Ratio("litigation", "诉讼纠错率"), Ratio("carried", "结转率"))


def formula(fmt: Format, key: str) -> str:
    """How a ratio is computed, in the format's own labels (for the page's legend)."""
    def rows(keys) -> str:
        names = list(dict.fromkeys(fmt.table3_row(k).group or fmt.table3_row(k).label for k in keys))
        return " + ".join(names)

    def t4(groups, role: str) -> str:
        column = next(c.label for c in fmt.table4_columns if c.role == role)
        return " + ".join(f"{g.label}·{column}" for g in groups)

    results = fmt.table3_row(fmt.row_key(formats.RESULTS_TOTAL)).label
    if key in ("disclosed", "withheld"):
        outcome = formats.DISCLOSED if key == "disclosed" else formats.WITHHELD
        return f"({rows(fmt.row_keys(outcome))}) ÷ {results}"
    if key in ("review", "litigation"):
        groups = review_groups(fmt) if key == "review" else litigation_groups(fmt)
        return f"({t4(groups, formats.CORRECTED)}) ÷ ({t4(groups, formats.TOTAL)})"
    intake = rows(fmt.row_key(r) for r in (formats.NEW, formats.CARRIED_IN))
    return f"{fmt.table3_row(fmt.row_key(formats.CARRIED_OUT)).label} ÷ ({intake})"


def _num(value) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def t3_total(report: Report, key: str) -> float | None:
    """A table-三 row's 总计 cell (None when blank or absent)."""
    cells = report.table3.get(key)
    index = _index(report.format.table3_columns, formats.TOTAL)
    return _num(cells[index]) if cells and index < len(cells) else None


def _index(columns, role: str) -> int:
    return next(i for i, c in enumerate(columns) if c.role == role)


def _sum(values) -> float | None:
    values = list(values)
    return None if not values or None in values else sum(values)


def review_groups(fmt: Format) -> tuple[formats.Table4Group, ...]:
    """行政复议: the table-四 groups not nested under another (litigation's groups are)."""
    return tuple(g for g in fmt.table4_groups if not g.parent)


def litigation_groups(fmt: Format) -> tuple[formats.Table4Group, ...]:
    return tuple(g for g in fmt.table4_groups if g.parent)


def t4_sum(report: Report, groups, role: str) -> float | None:
    """Σ over groups of their cell in the column playing role (CORRECTED, TOTAL)."""
    index = _index(report.format.table4_columns, role)
    cells = [report.table4.get(g.key) for g in groups]
    return _sum(_num(c[index]) if c and index < len(c) else None for c in cells)


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole


def ratios(report: Report) -> dict[str, float | None]:
    """Each ratio of RATIOS for one report (None where its base is 0 or a cell is blank)."""
    fmt = report.format
    results = t3_total(report, fmt.row_key(formats.RESULTS_TOTAL))
    disclosed = _sum(t3_total(report, k) for k in fmt.row_keys(formats.DISCLOSED))
    withheld = _sum(t3_total(report, k) for k in fmt.row_keys(formats.WITHHELD))
    intake = _sum(t3_total(report, fmt.row_key(r)) for r in (formats.NEW, formats.CARRIED_IN))
    reviews, suits = review_groups(fmt), litigation_groups(fmt)
    return {
        "disclosed": _share(disclosed, results),
        "withheld": _share(withheld, results),
        "review": _share(t4_sum(report, reviews, formats.CORRECTED), t4_sum(report, reviews, formats.TOTAL)),
        "litigation": _share(t4_sum(report, suits, formats.CORRECTED), t4_sum(report, suits, formats.TOTAL)),
        "carried": _share(t3_total(report, fmt.row_key(formats.CARRIED_OUT)), intake),
    }


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between order statistics (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Spread:
    ratio: Ratio
    n: int  # agencies with this ratio defined
    p5: float | None = None
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None
    p95: float | None = None

    @property
    def compared(self) -> bool:
        """Outliers are flagged only with enough peers (R39)."""
        return self.n >= MIN_PEERS

    def outside(self, value: float | None) -> str:
        """'low' below P5, 'high' above P95, '' within (or not compared)."""
        if value is None or not self.compared:
            return ""
        return "low" if value < self.p5 else "high" if value > self.p95 else ""


def spreads(values: dict[str, dict[str, float | None]]) -> dict[str, Spread]:
    """agency → its ratios, to each ratio's spread over the region."""
    out = {}
    for ratio in RATIOS:
        known = [v[ratio.key] for v in values.values() if v.get(ratio.key) is not None]
        spread = Spread(ratio, len(known))
        if known:
            spread.p5, spread.p25, spread.p50, spread.p75, spread.p95 = (percentile(known, q) for q in (5, 25, 50, 75, 95))
        out[ratio.key] = spread
    return out


@dataclass(frozen=True)
class Jump:
    figure: str  # the figure as the format names it, e.g. 一、本年新收政府信息公开申请数量·总计
    last: float
    this: float

    @property
    def kind(self) -> str:
        if self.last == 0 or self.this == 0:
            return "0 → 非零" if self.last == 0 else "非零 → 0"
        return f"×{self.this / self.last:.1f}"


def figures(report: Report) -> dict[str, float | None]:
    """The figures compared year over year: the 总计 of table 三's rows (each result group summed),
    and of table 四's groups. Named by their labels in the declaration, so two formats' years match."""
    fmt = report.format
    out = {}
    for role in (formats.NEW, formats.CARRIED_IN, formats.RESULTS_TOTAL, formats.CARRIED_OUT):
        key = fmt.row_key(role)
        out[fmt.table3_row(key).label] = t3_total(report, key)
    for category, keys in fmt.result_categories.items():
        row = fmt.table3_row(keys[0])
        out[row.group or row.label] = _sum(t3_total(report, k) for k in keys)
    total = _index(fmt.table4_columns, formats.TOTAL)
    for group in fmt.table4_groups:
        cells = report.table4.get(group.key)
        name = f"{group.parent}·{group.label}" if group.parent else group.label
        out[name] = _num(cells[total]) if cells and total < len(cells) else None
    return out


def jumps(report: Report, previous: Report | None) -> list[Jump]:
    """R39's year-over-year jumps: more than 5× or below 0.2× of last year, or 0 ↔ non-zero, where
    either year is a large base (a move from 1 to 6 is no news)."""
    if previous is None:
        return []
    before, now = figures(previous), figures(report)
    found = []
    for name, this in now.items():
        last = before.get(name)
        if this is None or last is None or max(this, last) < LARGE_BASE:
            continue
        if last == 0 or this == 0 or this > JUMP_UP * last or this < JUMP_DOWN * last:
            found.append(Jump(name, last, this))
    return found


def repetition(report: Report, previous: Report | None) -> float | None:
    """R37: the largest share (%) of a section's text repeated from last year's same section, where
    last year's source exists and the rules measure it (rules.narrative); None otherwise."""
    try:
        from ..rules.narrative import repeated
    except ImportError:  # the R37 measure is not there: the overview goes without it
        return None
    if previous is None:
        return None
    shares = []
    for section in report.format.sections:
        this, last = report.sections.get(section.number) or "", previous.sections.get(section.number) or ""
        found = repeated(this, last, report.format) if this and last else None
        if found is not None:
            shares.append(found.share)
    return max(shares) if shares else None
