"""nianbao import FILE|DIR ... [--agency-id ID] [--force] [--check] [--assume-row-sums]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="导入已发布的年报（文本、HTML、PDF、Markdown）为源数据 / import published reports "
                                      "(text, HTML, PDF, Markdown) as source data")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="已发布的年报文件或文件夹 / published report files, or folders of them (.txt, .html, .pdf, .md)")
    p.add_argument("--agency-id", help="机构标识，决定文件名（只一个文件时；不给则按机构名拟定）/ agency id, names the "
                                       "file (one file only; proposed from the agency's name when not given), e.g. jiaozuo-jyj")
    p.add_argument("--force", action="store_true", help="覆盖已有的源数据文件 / overwrite an existing source file")
    p.add_argument("--check", action="store_true",
                   help="只读取并核对勾稽关系，不写文件 / read and run the rules only, write nothing")
    p.add_argument("--assume-row-sums", action="store_true",
                   help="连写的数字按本表的行、列合计推定分法（记为推定，相应规则对这些行不算通过）/ split run-together "
                        "cells the way the table's own row and column sums allow (marked inferred; those rules are "
                        "then not checkable for the rows)")
    p.set_defaults(run=run)


def run(args) -> int:
    if len(args.files) == 1 and args.agency_id is not None and not args.check:  # one file, its id given
        return _one(args)
    from ..importer.folder import import_many, table

    outcomes, hidden = import_many(args.files, agency_id=args.agency_id, force=args.force, check=args.check,
                                   assume_row_sums=args.assume_row_sums)
    print(table(outcomes, hidden, args.check), end="")
    return 1 if any(o.refused or o.errors for o in outcomes) else 0


def _one(args) -> int:
    from ..importer import import_file

    target, report = import_file(args.files[0], args.agency_id, force=args.force, assume_row_sums=args.assume_row_sums)
    print(target)
    print(f"{report.title}: {report.format.name}（{report.format.version}）")
    if report.gaps:
        print(f"无法确定的单元格 {len(report.gaps)} 处（已留空，见文件中的 gaps）/ "
              f"{len(report.gaps)} cell(s) not read with confidence (left empty, see gaps in the file):")
        for g in report.gaps:
            where = "·".join(x for x in (g["table"], g["row"], g["column"]) if x)
            print(f"  {where}: {g['text']!r} — {g['reason']}")
    return 0
