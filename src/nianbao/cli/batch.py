"""nianbao batch --year Y [--jobs N] [--agencies A,B] [--force] [--scheduler ADDRESS|local] [--timeout S] [--wait] [--no-fork]"""
from __future__ import annotations

import sys

from ..batch.run import OutputsUnwritable, format_summary, run_batch, stopped_message
from ..batch.interrupt import Interrupted
from ..batch.task import DEFAULT_TIMEOUT
from . import positive


def add_parser(sub) -> None:
    p = sub.add_parser("batch", help="渲染全部机构 / render every agency with a parameter file for the year")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--jobs", type=positive(int), help="并行工作进程数（默认每核一个）/ worker processes (default: one per core)")
    p.add_argument("--agencies", help="只渲染这些机构，逗号分隔 / only these agency ids, comma-separated")
    p.add_argument("--force", action="store_true", help="全部重新渲染 / render all, changed or not")
    p.add_argument("--retry-failed", action="store_true",
                   help="重试输入未变的失败报告 / retry failed reports whose inputs did not change")
    p.add_argument("--scheduler", metavar="ADDRESS|local",
                   help="在 Dask 集群上运行（local：本机 LocalCluster）/ run on a Dask cluster ('local': a LocalCluster)")
    p.add_argument("--timeout", type=positive(float), default=DEFAULT_TIMEOUT,
                   help=f"每份报告的时限（秒，默认 {DEFAULT_TIMEOUT}）/ seconds per report (default {DEFAULT_TIMEOUT})")
    p.add_argument("--no-pdf", action="store_true", help="只生成 HTML / HTML only")
    p.add_argument("--wait", action="store_true",
                   help="同一年度已有批量渲染在运行时排队等候，而非退出 / if another batch is writing the same year's "
                        "outputs, wait for it instead of refusing (exit 2)")
    p.add_argument("--no-fork", action="store_true",
                   help="每份报告启动普通内核，不用 fork 服务器（更慢，结果相同）/ plain kernels instead of "
                        "fork-server ones (slower, same reports; the only way off Linux)")
    p.add_argument("--no-overview", action="store_true",
                   help="不生成区域概览 / skip outputs/<year>/overview.* (nianbao overview makes it alone)")
    p.set_defaults(run=run)


def run(args) -> int:
    agencies = [a.strip() for a in args.agencies.split(",") if a.strip()] if args.agencies else None
    try:
        summary = run_batch(args.year, jobs=args.jobs, agencies=agencies, force=args.force,
                            retry_failed=args.retry_failed, scheduler=args.scheduler, timeout=args.timeout,
                            pdf=not args.no_pdf, wait=args.wait,
                            fork=not args.no_fork, overview=not args.no_overview)
    except (Interrupted, OutputsUnwritable) as stop:
        print(f"nianbao batch: {stopped_message(stop)}", file=sys.stderr)
        return stop.exit_code
    print(format_summary(summary))
    return summary.exit_code
