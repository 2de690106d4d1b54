"""nianbao new --agency ID --year Y [--name NAME]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("new", help="按上年数据起草新一年的报告 / start a year's report from the previous year's")
    p.add_argument("--agency", required=True, help="机构标识 / agency id, e.g. jiaozuo-jyj")
    p.add_argument("--year", required=True, help="新的报告年度 / the new report year")
    p.add_argument("--name", help="机构名称（无上年数据时必填）/ the agency's name (required without a previous year)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..analyst.newyear import new_year

    made = new_year(args.agency, args.year, name=args.name)
    origin = f"据 {made.previous} 起草 / drafted from {made.previous}" if made.previous else "空白模板 / blank template"
    print(made.data)
    print(made.params)
    print(f"{made.report.title}（草稿 / draft）: {origin}")
    return 0
