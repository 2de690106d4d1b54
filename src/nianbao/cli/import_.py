"""nianbao import FILE --agency-id ID [--force]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="导入已发布的年报（文本、HTML、PDF）为源数据 / import a published report "
                                      "(text, HTML, PDF) as source data")
    p.add_argument("file", help="已发布的年报文件 / the published report file (.txt, .html, .pdf)")
    p.add_argument("--agency-id", required=True, help="机构标识，决定文件名 / agency id, names the file, e.g. jiaozuo-jyj")
    p.add_argument("--force", action="store_true", help="覆盖已有的源数据文件 / overwrite an existing source file")
    p.add_argument("--assume-row-sums", action="store_true",
                   help="连写的数字按本表的行、列合计推定分法（记为推定，相应规则对这些行不算通过）/ split run-together "
                        "cells the way the table's own row and column sums allow (marked inferred; those rules are "
                        "then not checkable for the rows)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..importer import import_file

    target, report = import_file(args.file, args.agency_id, force=args.force, assume_row_sums=args.assume_row_sums)
    print(target)
    print(f"{report.title}: {report.format.name}（{report.format.version}）")
    if report.gaps:
        print(f"无法确定的单元格 {len(report.gaps)} 处（已留空，见文件中的 gaps）/ "
              f"{len(report.gaps)} cell(s) not read with confidence (left empty, see gaps in the file):")
        for g in report.gaps:
            where = "·".join(x for x in (g["table"], g["row"], g["column"]) if x)
            print(f"  {where}: {g['text']!r} — {g['reason']}")
    return 0
