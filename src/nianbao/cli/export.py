"""nianbao export --year Y [--government ID]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="整改清单 / every finding of every agency: outputs/<year>/整改清单.xlsx and .csv")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--government", default="", help="只看这个政府的辖区（登记表中的机构标识）/ only this government's "
                                                   "region (its id in the register)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..region.export import export

    for path in export(None, args.year, args.government):
        print(path)
    return 0
