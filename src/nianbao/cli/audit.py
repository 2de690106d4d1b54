"""nianbao audit outputs/Y [--json] [--reexecute N|all]"""
from __future__ import annotations

import json
from pathlib import Path

from . import positive


def add_parser(sub) -> None:
    p = sub.add_parser("audit", help="审计输出 / verify a year's outputs against their manifests")
    p.add_argument("out_dir", type=Path, help="某年度的输出目录 / a year's outputs, e.g. outputs/2021")
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.add_argument("--reexecute", type=positive(int, also=("all",)), metavar="N|all",
                   help="重新执行 N 份（或全部）报告并比对 / re-run N reports (or all) and compare with the files")
    p.add_argument("--jobs", type=positive(int), help="重新执行的并行进程数 / worker processes for re-execution")
    p.add_argument("--no-fork", action="store_true", help="重新执行时用普通内核 / re-execute in plain kernels")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..audit.verify import audit_outputs, format_audit

    result = audit_outputs(args.out_dir, reexecute=args.reexecute, jobs=args.jobs,
                           fork=not args.no_fork)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_audit(result))
    return result.exit_code
