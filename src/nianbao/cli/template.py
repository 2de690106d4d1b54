"""nianbao template --year Y --out FILE.xlsx [--agency ID]"""
from __future__ import annotations

from .. import paths


def add_parser(sub) -> None:
    p = sub.add_parser("template", help="生成供各机构填报的 Excel 表 / write the Excel workbook agencies fill in")
    p.add_argument("--year", required=True, help="报告年度（决定格式版本）/ report year (decides the format)")
    p.add_argument("--out", required=True, help="输出文件 FILE.xlsx（不覆盖已有文件）/ output file, never overwritten")
    p.add_argument("--agency", help="机构标识：用 data/<year>/<ID>.yaml（如 nianbao new 的草稿）预填 / "
                                    "agency id: prefill from data/<year>/<ID>.yaml (e.g. the draft from nianbao new)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..model.sources import load_report
    from ..analyst.workbook import write_template

    year = paths.check_year(args.year)
    report = load_report(paths.source_path(paths.project_dir(), year, args.agency)) if args.agency is not None else None
    print(write_template(args.out, year, report))
    return 0
