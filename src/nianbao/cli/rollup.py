"""nianbao rollup --year Y --agency GOV [--recursive] [--exclude-flawed] [--json]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("rollup", help="按登记表汇总本级政府报告的表格 / build a government's 汇总 report from its parts")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--agency", required=True, metavar="GOV",
                   help="人民政府或其汇总报告的标识（见 agencies/<年度>.yaml）/ the government (or its 汇总 report) id")
    p.add_argument("--recursive", action="store_true",
                   help="自下而上先汇总其下各级政府 / first build every 汇总 under it, bottom up")
    p.add_argument("--exclude-flawed", action="store_true",
                   help="草稿和有错误级问题的报告不计入（默认计入并列出）/ leave out drafts and parts with error-level "
                        "findings (default: summed and listed)")
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..region.rollup import format_rollup, results_json, rollup

    results = rollup(None, args.year, args.agency, recursive=args.recursive, exclude_flawed=args.exclude_flawed)
    print(results_json(results) if args.json else format_rollup(results))
    return 0
