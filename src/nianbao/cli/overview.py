"""nianbao overview --year Y [--government ID] [--no-pdf]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("overview", help="区域概览 / the region at a glance: outputs/<year>/overview.{ipynb,html,pdf}")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--government", default="", help="只看这个政府的辖区（登记表中的机构标识）/ only this government's "
                                                   "region (its id in the register)")
    p.add_argument("--no-pdf", action="store_true", help="只生成 HTML / HTML only")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..region.overview import build_overview

    for path in build_overview(None, args.year, government=args.government, pdf=not args.no_pdf):
        print(path)
    return 0
