"""From GX results to findings an analyst can act on, and the object the notebook shows.

GX decides what fails and which rows (unexpected_index_list, by the frame's `id`); this module
only explains: which cell, what it should be, what it is, in one Chinese sentence.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from html import escape

import pandas as pd

from ..report.layout import CellKey
from ..provenance.manifest import VALIDATION_MIME as MIME, validation_record  # noqa: F401 - rules' names too
from .catalog import ERROR, LEVEL_BY_GX, RULES, WARNING
from .frames import A_NUMBER, BASIS, COLUMN, ID, PREVIOUS, QUOTE, REF, ROW, RULE, SECTION, TABLE, TEXT, VALUE

LEVEL_NAMES = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Finding:
    """One rule broken at one place. table/row/column and message are for people (Chinese labels);
    cells names the same place for machines: the report cells by key (table 二/三/四, row key,
    column key — layout.CellKey), empty when the finding is about text, not a cell."""

    rule: str
    severity: str  # error | warning
    table: str
    row: str
    column: str
    expected: object
    actual: object
    message: str
    cells: tuple[CellKey, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def blank(self) -> bool:
        """A cell left blank (R1, R4, R5, R12, R19 …: a number should be there)."""
        return self.actual is None and self.expected == A_NUMBER


def cells_of(ref, named) -> tuple[CellKey, ...]:
    """The cells a failing frame row points at: its `ref`, with a part it leaves empty named by the
    expectation's wide columns (a row of table 三 names its row; the expectation's t3.总计, the column).
    Last year's columns (x2.上年.*) are not this report's cells."""
    out = []
    for part in (ref if isinstance(ref, str) else "").split(";"):
        if not part:
            continue
        table, row, column = part.split("|")
        if row and column:
            out.append(CellKey(table, row, column))
            continue
        for name in named:
            key = name.split(".", 1)[1]
            if not key.startswith(f"{PREVIOUS}."):
                out.append(CellKey(table, row or key, column or key))
    return tuple(dict.fromkeys(out))


def plain(value):
    """A number as people write it: 26 not 26.0, None for blank/NaN; text as is."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 10)
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return value


def shown(value) -> str:
    value = plain(value)
    return "空白" if value is None or value == "" else str(value)


def _sum(row: pd.Series, columns) -> float:
    return float(sum(row[c] for c in columns)) if columns else 0.0


def _explain(config, row: pd.Series, parameters: dict) -> tuple[object, object, object]:
    """(expected, actual, bound) of one failing row, by expectation type."""
    kind, kw, meta = config.type, config.kwargs, config.meta or {}
    if kind == "expect_row_total_to_match_parts":
        cell, relation = meta.get("cell"), kw.get("relation", "==")
        bound = _sum(row, kw.get("parts", []))
        if cell:
            bound -= _sum(row, [c for c in kw["total"] if c != cell])
            actual = row[cell]
        else:
            actual = _sum(row, kw["total"])
        bound = plain(bound)
        expected = bound if relation == "==" else f"{'≤' if relation == '<=' else '≥'} {bound}"
        return expected, plain(actual), bound
    if kind == "expect_column_pair_values_to_be_close":  # R24: the stated %, count ÷ base, and that division
        a, b = kw["column_list"][:2]
        return plain(row[a]), plain(row[b]), row.get(BASIS) or ""
    if kind in ("expect_column_pair_values_to_be_equal", "expect_column_pair_values_a_to_be_greater_than_b"):
        a, b = plain(row[kw["column_A"]]), plain(row[kw["column_B"]])
        return (a if kind.endswith("to_be_equal") else f"≤ {a}"), b, a  # A ≥ B: B should be at most A
    # A cell: its number, or what was there instead (blank → None); decimals and units are about
    # the printed form (「299」 under 保留4位小数, 「3940元」 under 万元), so those show the text.
    value, text = plain(row.get(VALUE)), row.get(TEXT)
    actual = text if kind == "expect_column_values_to_be_in_set" or value is None else value
    if "parameter" in meta:
        allowed = parameters.get(meta["parameter"], [])
        expected = f"{allowed[0]} 位小数" if len(allowed) == 1 else f"至多 {max(allowed)} 位小数" if allowed else "?"
        return expected, plain(actual), expected
    return meta.get("expected"), plain(actual), meta.get("expected")


def findings_from(results, frame: pd.DataFrame, parameters: dict | None = None, draft: bool = False,
                  unread: dict | None = None) -> list[Finding]:
    """Every failing row of the given expectation results (COMPLETE format) on frame, as Findings.
    draft: the report is an unfinished draft, where a blank cell is one not filled in yet;
    unread: cells an importer could not read (CellKey → the text printed there), blank for that reason."""
    rows = frame.set_index(ID, drop=False)
    out: list[Finding] = []
    for r in results:
        if r.success:
            continue
        config, meta = r.expectation_config, r.expectation_config.meta or {}
        severity = LEVEL_BY_GX.get(str(getattr(config.severity, "value", config.severity)), ERROR)
        failed = [u[ID] for u in (r.result or {}).get("unexpected_index_list") or [] if ID in u]
        if r.exception_info and r.exception_info.get("raised_exception") or not failed:
            # A rule that could not run is itself a finding: nothing fails silently.
            reason = (r.exception_info or {}).get("exception_message") or "未能确定不符的行"
            rule = meta.get("rule") or "、".join(meta.get("rules", []))
            out.append(Finding(rule, severity, "", "", "", None, None, f"规则 {rule} 未能执行：{reason}"))
            continue
        named = [meta["cell"]] if meta.get("cell") else list(config.kwargs.get("total") or [])
        for key in failed:
            row = rows.loc[key]
            rule = meta.get("rule") or row[RULE]
            template = meta.get("draft_message") if draft and meta.get("draft_message") else meta.get("message", "")
            template = template.get(rule, "") if isinstance(template, dict) else template
            expected, actual, bound = _explain(config, row, parameters or {})
            table = meta.get("table") or row[TABLE] or ""
            row_label = meta.get("row") or row[ROW] or ""
            column = meta.get("column") if meta.get("column") is not None else (row[COLUMN] or "")
            body = template.format(
                expected=shown(expected), actual=shown(actual), bound=shown(bound),
                quote=row.get(QUOTE) or "", section=row.get(SECTION) or "")
            where = f"{table}{row_label}" + (f"·{column}" if column else "")
            cells = cells_of(row.get(REF), named)
            if actual is None and expected == A_NUMBER and cells and cells[0] in (unread or {}):
                printed = unread[cells[0]]
                body = f"导入时未能读取，留空待核（原文“{printed}”，见 gaps）" if printed else "导入时未能读取，留空待核（见 gaps）"
            out.append(Finding(rule, severity, table, row_label, column, expected, actual, f"{where}：{body}", cells))
    return out


RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


def rule_order(finding: Finding) -> tuple:
    """Errors first, then by rule as the catalog lists them (DRAFT first: it explains the blanks)."""
    return (finding.severity != ERROR, RULE_ORDER.get(finding.rule, len(RULE_ORDER)))


@dataclass
class Validation:
    """The outcome of every rule on one report (and its previous year when there is one)."""

    agency: str
    year: int
    format: str
    findings: list[Finding] = field(default_factory=list)
    gaps: list = field(default_factory=list)  # cells the importer could not read with confidence (left blank)
    import_notes: list[str] = field(default_factory=list)  # what the importer tolerated or left out
    draft: bool = False  # a source `nianbao new` started and nobody has finished
    notes: list[str] = field(default_factory=list)  # what did not run, and why
    not_checkable: list[str] = field(default_factory=list)  # rows whose cells were inferred from rules (import)
    results: list[dict] = field(default_factory=list)  # the GX suite results, as GX writes them
    source: str = ""
    previous: str = ""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def passed(self) -> bool:
        return not self.errors

    def to_dict(self, gx: bool = True) -> dict:
        data = {"agency": self.agency, "year": self.year, "format": self.format, "draft": self.draft,
                "findings": [f.to_dict() for f in self.findings], "gaps": self.gaps, "import_notes": self.import_notes,
                "source": self.source, "previous": self.previous, "notes": self.notes}
        if self.not_checkable:  # only on reports with inferred cells: other reports' JSON stays as it was
            data["not_checkable"] = self.not_checkable
        if gx:
            data["gx"] = self.results
        return _strict(data)

    def to_json(self, gx: bool = True) -> str:
        return json.dumps(self.to_dict(gx), ensure_ascii=False, indent=2) + "\n"

    def summary(self) -> str:
        unchecked = "；推定的行有规则无法核对（见注）" if self.not_checkable else ""
        if not self.findings:
            return ("其余全部通过" if unchecked else "全部通过") + unchecked
        return f"{len(self.errors)} 个错误，{len(self.warnings)} 个警告" + unchecked

    def _repr_html_(self) -> str:
        head = f'<p class="nianbao-findings-summary"><strong>规则检查：{escape(self.summary())}</strong></p>'
        notes = "".join(f"<p>{escape(n)}</p>" for n in self.notes)
        if not self.findings:
            return f'<div class="nianbao-findings">{head}{notes}</div>'
        cells = ("规则", "级别", "表", "行", "列", "应为", "实为", "说明")
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in (
                f.rule, LEVEL_NAMES[f.severity], f.table, f.row, f.column, shown(f.expected), shown(f.actual), f.message))
            + "</tr>" for f in self.findings)
        table = ('<table class="nianbao-findings-table"><thead><tr>' + "".join(f"<th>{c}</th>" for c in cells)
                 + f"</tr></thead><tbody>{rows}</tbody></table>")
        return f'<div class="nianbao-findings">{head}{table}{notes}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self._repr_html_(), "text/plain": repr(self), MIME: self.to_dict()}

    def __repr__(self) -> str:
        lines = [f"规则检查 {self.agency} {self.year}（{self.format}）：{self.summary()}"]
        lines += [f"  {f.rule} {LEVEL_NAMES[f.severity]} {f.message}" for f in self.findings]
        return "\n".join(lines + [f"  注：{n}" for n in self.notes])


def _strict(value):
    """JSON without NaN (GX results hold NaN for blank cells) and with numpy scalars as numbers."""
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _strict(value.item())
    return value


def rule_title(rule: str) -> str:
    return RULES[rule].title if rule in RULES else rule

