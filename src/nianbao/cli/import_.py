"""nianbao import FILE --agency-id ID: read a report file and write it as data/<year>/<ID>.yaml"""
from __future__ import annotations

from pathlib import Path

from .. import paths
from ..importer import read_any
from ..sources import dump_report


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="把报告文件（如填好的 Excel 表）转为源数据 / turn a report file "
                                      "(e.g. a filled-in workbook) into source data")
    p.add_argument("file", help="要导入的文件 / the file to import (.xlsx, .yaml)")
    p.add_argument("--agency-id", required=True, help="机构标识 / agency id, e.g. jiaozuo-jyj")
    p.set_defaults(run=run)


def run(args) -> int:
    agency_id = paths.check_agency_id(args.agency_id)
    report = read_any(Path(args.file))
    target = paths.source_path(paths.project_dir(), report.year, agency_id)
    paths.write_new(target, dump_report(report))  # never over an existing source
    print(target)
    for gap in report.gaps:
        print(f"未能确定 / not read with confidence: {gap}")
    return 0
