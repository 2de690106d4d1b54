"""The GX suites, generated from the format declaration and the rule catalog.

    python -m nianbao.rules.suites            # rewrite expectations/*.json from the declaration
    python -m nianbao.rules.suites --check    # exit 1 when the committed files differ

The committed JSON under expectations/ is what runs (load_suite); tests/test_rules_suites.py
proves it equals what build_suites() generates. Every expectation carries in `meta` the rule
id, its title, where a finding points (table/row/column in Chinese, or taken from the frame)
and a message template with {expected} {actual} {bound} {quote} {section}.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import great_expectations as gx
from great_expectations.expectations.row_conditions import Column as Col

from .. import paths
from ..model import formats
from ..errors import NianbaoError
from ..model.formats import COUNT, DELTA, MONEY, Format
from . import frames as F
from .catalog import ERROR, GX_SEVERITY, RULES, WARNING
from .custom import ExpectColumnPairValuesToBeClose, ExpectColumnValuesToBeWholeNumbers, ExpectRowTotalToMatchParts

CROSS_YEAR = "cross-year"
FEE_DECIMALS = "fee_decimals"  # suite parameter: the decimals a fee may have (options.fee_decimals)


def suite_name(version: str) -> str:
    return f"format-{version}"


SUITE_NAMES = tuple(suite_name(v) for v in formats.FORMATS) + (CROSS_YEAR,)


def _meta(rules, message, frame=F.CELLS, **where) -> dict:
    """rules: the one rule an expectation checks, or several (the failing row's `rule` says which);
    message: a template, or one per rule; frame: the frame (batch) it reads."""
    rules = [rules] if isinstance(rules, str) else list(rules)
    meta = {"frame": frame}
    meta.update({"rule": rules[0]} if len(rules) == 1 else {"rules": rules})
    meta["title"] = RULES[rules[0]].title if len(rules) == 1 else {r: RULES[r].title for r in rules}
    meta["message"] = message
    meta.update({k: v for k, v in where.items() if v is not None})
    return meta


def _severity(rule: str, warning: bool = False) -> str:
    return GX_SEVERITY[WARNING if warning else RULES[rule].severity]


def _total(rules, total: list[str], parts: list[str], message: str, *, relation="==", cell=None,
           table=None, row=None, column=None, warning=False, frame=F.LINES):
    first = rules if isinstance(rules, str) else rules[0]
    return ExpectRowTotalToMatchParts(
        column_list=total + parts, total=total, parts=parts, relation=relation, severity=_severity(first, warning),
        meta=_meta(rules, message, frame, cell=cell, table=table, row=row, column=column))


def _pair(rules, check: str | None, a: str, b: str, message, *, warning=False, at_most=False, frame=F.CELLS):
    """Column a (what it should be) against column b (what it is), on the rows of one check."""
    first = rules if isinstance(rules, str) else rules[0]
    common = dict(column_A=a, column_B=b, ignore_row_if="either_value_is_missing",
                  severity=_severity(first, warning), meta=_meta(rules, message, frame))
    if check is not None:
        common["row_condition"] = Col(F.CHECK) == check
    if at_most:
        return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(or_equal=True, **common)
    return gx.expectations.ExpectColumnPairValuesToBeEqual(**common)


def _key(keys, key: str) -> str:
    assert key in keys, f"{key} is not declared in formats.py"
    return key


# ------------------------------------------------------------------ one format version
def cell_expectations(fmt: Format) -> list:
    """Every cell of every table is of its kind. One expectation per property serves all the
    type rules (R1, R4–R8, R12, R19): GX costs ~25 ms per expectation, and a report has 200 cells."""
    checks = F.cell_checks(fmt)
    rules = list(dict.fromkeys(F.cell_rules(fmt).values()))
    kind_of = {c: c.split(":")[0] for c in checks}
    whole = [c for c in checks if kind_of[c] in (COUNT, DELTA)]
    non_negative = [c for c in checks if kind_of[c] in (COUNT, MONEY)]
    out = [
        gx.expectations.ExpectColumnValuesToNotBeNull(
            column=F.VALUE, row_condition=Col(F.CHECK).is_in(checks), severity=GX_SEVERITY[ERROR],
            meta=_meta(rules, "应填写数字（空白不等于 0），实为{actual}", expected=F.A_NUMBER,
                       draft_message="草稿尚未填写：应填本年数字（确为零写 0，空白不等于 0）")),
        ExpectColumnValuesToBeWholeNumbers(
            column=F.VALUE, row_condition=Col(F.CHECK).is_in(whole), severity=GX_SEVERITY[ERROR],
            meta=_meta([r for r in rules if any(F.cell_check(k, r) in whole for k in (COUNT, DELTA))],
                       "应为整数，实为 {actual}", expected="整数")),
        gx.expectations.ExpectColumnValuesToBeBetween(
            column=F.VALUE, min_value=0, row_condition=Col(F.CHECK).is_in(non_negative), severity=GX_SEVERITY[ERROR],
            meta=_meta([r for r in rules if any(F.cell_check(k, r) in non_negative for k in (COUNT, MONEY))],
                       "应为非负数，实为 {actual}", expected="≥ 0")),
    ]
    fee_rules = {b.type_rule for b in fmt.table2 if fmt.fee and fmt.fee.column in (c.key for c in b.columns)}
    for check in checks:
        if not check.startswith(MONEY):
            continue
        rule = check.split(":")[1]
        if rule in fee_rules:
            # R5 "hard / warn": the decimals of the provincial template (保留4位小数), the unit of the header.
            out.append(gx.expectations.ExpectColumnValuesToBeInSet(
                column=F.DECIMALS, value_set={"$PARAMETER": FEE_DECIMALS}, row_condition=Col(F.CHECK) == check,
                severity=_severity(rule, warning=True), meta=_meta(rule, "应保留 {expected}，实为 {actual}",
                                                                   parameter=FEE_DECIMALS)))
            out.append(gx.expectations.ExpectColumnValuesToBeInSet(
                column=F.UNIT, value_set=["", fmt.fee.unit], row_condition=Col(F.CHECK) == check,
                severity=_severity(rule, warning=True),
                meta=_meta(rule, f"表头单位为{fmt.fee.unit}，单元格实为 {{actual}}", expected=fmt.fee.unit)))
        else:
            # R8: the 2019 template prints no unit for 采购总金额, so the cell must carry one.
            out.append(gx.expectations.ExpectColumnValuesToBeInSet(
                column=F.UNIT, value_set=["元", "万元", "亿元"], row_condition=Col(F.CHECK) == check,
                severity=_severity(rule), meta=_meta(rule, "应写明单位（元、万元或亿元），实为 {actual}",
                                                     expected="带单位的金额")))
    return out


# The messages of the table-二 bounds and carry-overs, by rule (the columns come from the declaration).
BOUND_MESSAGES = {"R3": "应不少于 本年制发件数−本年废止件数 {bound}，实为 {actual}",
                  "R6": "应不少于 本年新公开数量 {bound}，实为 {actual}", "R7": "应不小于 0，实为 {actual}"}
CARRY_MESSAGES = {"R2": "应为 上年现行有效件数 + 本年制发件数 − 本年废止件数 = {bound}，实为 {actual}",
                  "R6": "应为 上年对外公开总数量 + 本年新公开数量 = {bound}，实为 {actual}",
                  "R7": "应为 上年报告的上一年项目数量 + 本年增/减 = {bound}，实为 {actual}"}


def _label(fmt: Format, key: str) -> str:
    return next(c.label for b in fmt.table2 for c in b.columns if c.key == key)


def table2_expectations(fmt: Format) -> list:
    """The within-year bounds the blocks declare (R3; R6, R7), one expectation per distinct bound."""
    keys = F.table2_columns(fmt)
    k = lambda key: F.t2(_key(keys, key))  # noqa: E731
    out = []
    for bound in dict.fromkeys(b for block in fmt.table2 for b in block.bounds):
        cell = bound.total[0] if bound.parts else None
        column = _label(fmt, cell) if cell else "+".join(_label(fmt, c) for c in bound.total)
        out.append(_total(bound.rule, [k(c) for c in bound.total], [k(c) for c in bound.parts],
                          BOUND_MESSAGES[bound.rule], relation=bound.relation, cell=k(cell) if cell else None,
                          column=column))
    return out


def table3_expectations(fmt: Format) -> list:
    total_col = fmt.total_column()
    applicants = [F.t3(c) for c in fmt.applicant_keys]
    r = lambda role: F.t3T(_key(fmt.table3_keys, fmt.row_key(role)))  # noqa: E731
    label = lambda role: fmt.table3_row_label(fmt.row_key(role))  # noqa: E731
    new, carried_in, results_total, carried_out = formats.NEW, formats.CARRIED_IN, formats.RESULTS_TOTAL, formats.CARRIED_OUT
    new_and_carried = [r(new), r(carried_in)]
    return [
        _total("R9", [F.t3(total_col.key)], applicants, "应为 六类申请人之和 {bound}，实为 {actual}",
               cell=F.t3(total_col.key), column=total_col.label),
        _total("R10", [r(results_total), r(carried_out)], new_and_carried,
               "应等于 一 + 二 之和 {bound}，实为 {actual}", row=f"{label(results_total)}+{label(carried_out)}"),
        _total("R11", [r(results_total)], [F.t3T(key) for key in fmt.result_keys],
               "应为 （一）至（六）之和 {bound}，实为 {actual}", cell=r(results_total), row=label(results_total)),
        _total("R13", [r(results_total)], new_and_carried, "应不超过 一 + 二 之和 {bound}，实为 {actual}",
               relation="<=", cell=r(results_total), row=label(results_total)),
        _total("R13", [r(carried_out)], new_and_carried, "应不超过 一 + 二 之和 {bound}，实为 {actual}",
               relation="<=", cell=r(carried_out), row=label(carried_out)),
    ]


def table4_expectations(fmt: Format) -> list:
    total = fmt.total_column(formats.TABLE4)
    parts = [c for c in fmt.table4_columns if c.role != formats.TOTAL]
    parts_label = "、".join(c.label for c in parts)
    return [_total([g.rule for g in fmt.table4_groups], [F.t4(total.key)], [F.t4(c.key) for c in parts],
                   f"应为 {parts_label}之和 {{bound}}，实为 {{actual}}", cell=F.t4(total.key), column=total.label)]


def claim_expectations() -> list:
    said = "正文“{section}”称“{quote}”"
    return [
        _pair(["R20", "R21", "R23", "R25"], "claim", F.STATED, F.FOUND, said + "（{expected}），表中为 {actual}"),
        # R22 is a warning: real reports nest categories (2139 = 1744 + 393 + 2, 解读类 21 inside 393);
        # so are qualitative R23 claims (均获维持, 均已审结).
        _pair(["R22", "R23", "R32"], "claim:warning", F.STATED, F.FOUND, {
            "R22": "“{quote}”：分项之和为 {actual}，所述总数为 {expected}",
            "R23": said + "，应为 {expected}，表中为 {actual}",
            # R32: a figure of decisions 作出/办理 is the cell (all decisions, 已公开 and 依法未公开).
            "R32": said + "（{expected}），表中处理决定数量为 {actual}"}, warning=True),
        _pair("R22", "claim:at-most", F.STATED, F.FOUND, "“{quote}”：分项之和 {actual} 超过所述总数 {bound}",
              warning=True, at_most=True),
        # R32: decisions 公开/公示 are at most all decisions (the text's figure ≤ the table's).
        _pair("R32", "claim:within-table", F.FOUND, F.STATED, said + "（{actual}），超过表中全部处理决定数量 {bound}",
              warning=True, at_most=True),
        # R24: the stated percentage against count ÷ base, within its rounding and 0.01 point.
        ExpectColumnPairValuesToBeClose(
            column_list=[F.STATED, F.FOUND, F.TOLERANCE], row_condition=Col(F.CHECK) == "claim:percent",
            severity=_severity("R24"), meta=_meta("R24", said + "，按 {bound} 计算为 {actual}%")),
    ]


def structure_expectations() -> list:
    messages = {"R27": "应为“{expected}”，实为“{actual}”", "R28": "应为 {expected}，实为 {actual}",
                "R29": "应使用{expected}，实为{actual}", "DRAFT": "草稿未定稿，应{expected}，实为{actual}",
                "R30": "“{quote}”：应为报告年度 {expected}，实为 {actual}",
                "R26": "应{expected}，实为{actual}", "R15": "应{expected}，实为{actual}", "R33": "应{expected}，实为{actual}"}
    return [
        _pair(["R27", "R28", "R29", "DRAFT", "R30"], "structure", F.EXPECTED, F.ACTUAL,
              {r: messages[r] for r in ("R27", "R28", "R29", "DRAFT", "R30")}),
        # R29 for 2019: 60号 only encouraged the unified format, so a mismatch is a warning.
        # R26 is "hard" in the reference, a warning here (catalog.py says why); R15 is a warning there too.
        _pair(["R29", "R26", "R15", "R33"], "structure:warning", F.EXPECTED, F.ACTUAL,
              {r: messages[r] for r in ("R29", "R26", "R15", "R33")}, warning=True),
        # Measures against their limits (the limits of R35 and R37 come from the source's options).
        _pair(["R33", "R35", "R37"], "measure:warning", F.LIMIT, F.MEASURED, {
            "R33": "篇幅原则上不超过 {bound} 字，实为 {actual} 字",
            "R35": "其他处理占办理结果总计的 {actual}%，超过 {bound}%（{quote}）",
            "R37": "与上年同一部分重复 {actual}%，超过 {bound}%（如“{quote}”）"}, warning=True, at_most=True),
    ]


def build_suite(fmt: Format) -> gx.ExpectationSuite:
    expectations = (cell_expectations(fmt) + table2_expectations(fmt) + table3_expectations(fmt)
                    + table4_expectations(fmt) + claim_expectations() + structure_expectations())
    return gx.ExpectationSuite(name=suite_name(fmt.version), expectations=expectations, meta={
        "nianbao": {"format": fmt.version, "name": fmt.name, "basis": fmt.basis,
                    "generated_by": "python -m nianbao.rules.suites"}})


# ------------------------------------------------------------------ two years
def build_cross_year_suite() -> gx.ExpectationSuite:
    """R14 (table 三 carried over) and each stock figure a version's table 二 carries (R2, R6, R7),
    newest version first; the two years of a pair are always of one version."""
    newest = formats.versions()[::-1]
    row_label = lambda role: newest[0].table3_row_label(newest[0].row_key(role))  # noqa: E731
    expectations = [
        _pair("R14", None, F.X3_PREVIOUS, F.X3_THIS,
              f"应等于上年报告的“{row_label(formats.CARRIED_OUT)}” {{expected}}，实为 {{actual}}", frame=F.YEARS)]
    # R2 is a warning: 废止 may not count 自然失效/清理 (「55（含自然失效29件）」); R6 and R7 across 2019→2020
    # are "warn" in the reference.
    seen = set()
    for fmt in newest:
        keys = F.table2_columns(fmt)
        k = lambda key, prev=False: F.x2(_key(keys, key), prev)  # noqa: E731
        for carry in fmt.carries:
            if (carry.rule, carry.column) in seen:
                continue
            seen.add((carry.rule, carry.column))
            total = [k(carry.column)] + [k(c) for c in carry.minus]
            parts = [k(carry.column, True)] + [k(c, True) for c in carry.previous_plus] + [k(c) for c in carry.plus]
            expectations.append(_total(carry.rule, total, parts, CARRY_MESSAGES[carry.rule], cell=k(carry.column),
                                       column=_label(fmt, carry.column), warning=True, frame=F.YEARS))
    return gx.ExpectationSuite(name=CROSS_YEAR, expectations=expectations, meta={
        "nianbao": {"format": "both; only between two years of the same format version",
                    "generated_by": "python -m nianbao.rules.suites"}})


def build_suites() -> dict[str, gx.ExpectationSuite]:
    suites = {suite_name(v): build_suite(fmt) for v, fmt in formats.FORMATS.items()}
    suites[CROSS_YEAR] = build_cross_year_suite()
    return suites


# ------------------------------------------------------------------ files
def suite_dict(suite: gx.ExpectationSuite) -> dict:
    data = suite.to_json_dict()
    data.get("meta", {}).pop("great_expectations_version", None)  # the file should not change with a GX patch release
    return data


def suite_text(suite: gx.ExpectationSuite) -> str:
    return json.dumps(suite_dict(suite), ensure_ascii=False, indent=2) + "\n"


def expectations_dir(root: Path | None = None) -> Path:
    return Path(root or paths.project_dir()) / "expectations"


def write_suites(directory: Path | None = None) -> list[Path]:
    directory = directory or expectations_dir()
    written = []
    for name, suite in build_suites().items():
        path = directory / f"{name}.json"
        paths.write_atomic(path, suite_text(suite))
        written.append(path)
    return written


class SuiteError(NianbaoError):
    """A suite file that is missing or does not load whole."""


@dataclass(frozen=True)
class Suite:
    """A committed suite, loaded as one GX suite per frame it reads (a GX suite validates one batch)."""

    name: str
    path: Path
    parts: dict  # frame name → gx.ExpectationSuite of the expectations reading that frame

    @property
    def count(self) -> int:
        return sum(len(s.expectations) for s in self.parts.values())


_loaded: dict[tuple[str, float], Suite] = {}


def load_suite(name: str, directory: Path | None = None) -> Suite:
    """The committed suite, loaded once per process. Every expectation in the file must load:
    GX drops an expectation of an unknown type (a custom class not imported) with a log line only."""
    path = (directory or expectations_dir()) / f"{name}.json"
    if not path.is_file():
        raise SuiteError("找不到规则套件文件（运行 python -m nianbao.rules.suites 生成）",
                         "suite file not found (generate it with python -m nianbao.rules.suites)", file=str(path))
    key = (str(path), path.stat().st_mtime)
    if key not in _loaded:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            by_frame: dict[str, list] = {}
            for expectation in data["expectations"]:
                by_frame.setdefault(expectation.get("meta", {}).get("frame", F.CELLS), []).append(expectation)
            parts = {frame: gx.ExpectationSuite(name=f"{data['name']}:{frame}", expectations=items, meta=data.get("meta"))
                     for frame, items in by_frame.items()}
        except (ValueError, TypeError, KeyError) as error:
            raise SuiteError(f"规则套件文件无法读取：{error}", f"the suite file cannot be read: {error}", file=str(path)) from None
        suite = Suite(name, path, parts)
        if suite.count != len(data["expectations"]):
            raise SuiteError(f"文件有 {len(data['expectations'])} 条期望，GX 只载入了 {suite.count} 条（未知的期望类型？）",
                             f"the file holds {len(data['expectations'])} expectations but GX loaded {suite.count} "
                             "(an unknown expectation type?)", file=str(path))
        _loaded[key] = suite
    return _loaded[key]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = expectations_dir()
    if "--check" in args:
        stale = [name for name, suite in build_suites().items()
                 if not (directory / f"{name}.json").is_file()
                 or (directory / f"{name}.json").read_text(encoding="utf-8") != suite_text(suite)]
        for name in stale:
            print(f"{directory / name}.json 与声明不一致 / differs from the declaration")
        return 1 if stale else 0
    for path in write_suites(directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
