"""Start next year's report: data/Y/ID.yaml and params/Y/ID.yaml, drafted from last year's source.

What carries over, and why (official-format.md §4, §6, §8):
- the agency's name and the provincial options (fee_decimals);
- table 三 二、上年结转 = last year's 四、结转下年度继续办理, per column (R14 holds across formats:
  table 三 did not change in 2021);
- table 二 stock figures as the starting point, only when both years use the same format
  (2020→2021 changed table 二 completely): what each block declares it carries (formats.Carry: 2021
  现行有效件数, R2; 2019 对外公开总数量, R6, and 上一年项目数量 = last year's + 本年增/减, R7);
- the narrative, as a draft: each section starts with a visible marker line and options.draft is true,
  so the page shows it is unfinished and the rules report it (rule DRAFT, an error) rather than "clean".

Every other number is left blank (~), not 0. Blank is "not filled in yet": the loader keeps it as
missing and rule R12 flags it, so an unfinished draft cannot pass as clean. A 0 is a plausible real
value (most table-三 cells of most agencies are 0), so a forgotten 0 would be silently wrong data.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..model import formats
from ..errors import CONTROL, UsageError
from ..model.formats import Format
from ..model.sources import Report, dump_report, load_report, parse_report, parse_yaml

DRAFT_MARK = "【草稿·待改写】"  # a section still holding this line has not been rewritten
KEPT_OPTIONS = ("fee_decimals", "other_share", "repeat_share")  # provincial and office conventions carry over; publication facts do not

# The template's own placeholder for each text section is the declaration's (formats.Section.placeholder).


def draft_line(previous_year: int, year: int) -> str:
    return f"{DRAFT_MARK}以下沿用{previous_year}年报告原文，请按{year}年实际情况改写，改写后删除本行。"


def blank_line(year: int) -> str:
    return f"{DRAFT_MARK}请按{year}年实际情况撰写本部分，写好后删除本行。"


def draft_sections(report: Report) -> list[str]:
    """Section numbers (and 'preamble') still carrying the draft marker."""
    marked = [n for n in formats.SECTION_NUMBERS if DRAFT_MARK in report.sections.get(n, "")]
    return (["preamble"] if DRAFT_MARK in report.preamble else []) + marked


def is_draft(report: Report) -> bool:
    """A report not ready to publish: marked draft, or a section not yet rewritten."""
    return bool(report.options.get("draft")) or bool(draft_sections(report))


# --------------------------------------------------------------- carrying numbers over
def _carry_table2(previous: Report, fmt: Format) -> dict[str, list]:
    """Stock figures of table 二 as next year's starting point (same format only)."""
    table2 = {}
    for block in fmt.table2:
        keys = [c.key for c in block.columns]
        for row in block.rows:
            prev = dict(zip(keys, previous.table2.get(row) or [None] * len(keys)))
            new = [None] * len(keys)
            for carry in block.carries:  # the stock at 12月31日 (R2, R6), or with its change (R7)
                new[keys.index(carry.column)] = carry.start(prev)
            table2[row] = new
    return table2


def next_year_report(previous: Report | None, year: int, name: str | None = None) -> Report:
    """The draft Report for `year`: from last year's report when given, else the blank template."""
    fmt = formats.format_for_year(year)
    agency = (name or "").strip() or (previous.agency if previous else "")
    if not agency:
        raise UsageError("没有上年源数据，请用 --name 给出机构名称", "no previous year's source: give the agency's name with --name")
    table2 = {row: [None] * len(block.columns) for row, block in fmt.table2_rows.items()}
    table3 = {key: [None] * len(fmt.table3_columns) for key in fmt.table3_keys}
    table4 = {g.key: [None] * len(fmt.table4_columns) for g in fmt.table4_groups}
    options: dict = {"draft": True}
    if previous is None:
        sections = {s.number: blank_line(year) + "\n\n" + s.placeholder for s in fmt.sections if s.narrative_required}
        return Report(agency=agency, year=year, format=fmt, sections=sections, table2=table2, table3=table3,
                      table4=table4, options=options)

    line = draft_line(previous.year, year)
    sections = {n: f"{line}\n\n{text}" for n, text in previous.sections.items() if text.strip()}
    for s in fmt.sections:  # a required section left empty last year still needs writing
        if s.narrative_required and s.number not in sections:
            sections[s.number] = blank_line(year) + "\n\n" + s.placeholder
    if previous.format.version == fmt.version:
        table2.update(_carry_table2(previous, fmt))
    carried = previous.table3.get(previous.format.row_key(formats.CARRIED_OUT))
    if carried:
        table3[fmt.row_key(formats.CARRIED_IN)] = list(carried)
    options.update({k: previous.options[k] for k in KEPT_OPTIONS if k in previous.options})
    return Report(agency=agency, year=year, format=fmt,
                  preamble=f"{line}\n\n{previous.preamble}" if previous.preamble.strip() else "",
                  sections=sections, table2=table2, table3=table3, table4=table4, options=options,
                  source=f"草稿，据 {previous.year} 年源数据生成 / drafted from the {previous.year} source by nianbao new")


# --------------------------------------------------------------- files
@dataclass
class NewYear:
    data: Path  # data/Y/ID.yaml written
    params: Path  # params/Y/ID.yaml written
    previous: Path | None  # the source it was drafted from (None: blank template)
    report: Report


def params_text(agency_id: str, year: int) -> str:
    return f"# papermill parameters for notebooks/annual_report.ipynb\nagency: {agency_id}\nyear: {year}\n"


def new_year(agency_id: str, year, *, name: str | None = None, root: Path | None = None) -> NewYear:
    """Write data/Y/ID.yaml and params/Y/ID.yaml for a new report year; never overwrite either."""
    root = Path(root) if root else paths.project_dir()
    agency_id, year = paths.check_agency_id(agency_id), paths.check_year(year)
    if year < formats.FIRST_YEAR:
        raise UsageError(f"{year} 年早于统一格式（2019 年起）", f"{year} predates the unified format (2019 on)")
    data_path, params_path = paths.source_path(root, year, agency_id), paths.params_path(root, year, agency_id)
    for path, folder in ((data_path, "data"), (params_path, "params")):  # refuse before writing anything
        paths.check_inside(path.parent, root / folder)  # e.g. data/<year> a link to elsewhere
        if path.exists() or path.is_symlink():
            raise paths.exists_error(path)
    previous_path = paths.source_path(root, year - 1, agency_id)
    previous = load_report(previous_path) if previous_path.is_file() else None
    if previous is None and not (name or "").strip():
        raise UsageError(f"没有上年源数据（{previous_path}），请用 --name 给出机构名称以生成空白模板",
                         f"no previous year's source ({previous_path}): give the agency's name with --name "
                         "for a blank template")
    if name and (control := CONTROL.search(name)):  # a source that could not load: blame --name, not the file
        raise UsageError(f"--name 含控制字符（第 {control.start() + 1} 个字符是 {control.group()!r}）；应为机构名称文字",
                         f"--name holds a control character (character {control.start() + 1} is "
                         f"{control.group()!r}); expected the agency's name as text")
    report = next_year_report(previous, year, name)
    text = dump_report(report)
    report = parse_report(parse_yaml(text, str(data_path)), str(data_path))  # what we write must load
    paths.write_new(data_path, text, within=root / "data")
    paths.write_new(params_path, params_text(agency_id, year), within=root / "params")
    return NewYear(data_path, params_path, previous_path if previous else None, report)

