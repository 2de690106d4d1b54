"""nianbao status --year Y [--json]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("status", help="各报告主体的报告情况：缺报、草稿、渲染、逾期 / where every report of the register "
                                      "stands: missing, draft, rendered, clean, failed, late")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..region.status import format_status, region_status, status_json

    status = region_status(None, args.year)
    print(status_json(status) if args.json else format_status(status))
    return 0
