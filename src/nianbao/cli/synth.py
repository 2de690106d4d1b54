"""nianbao synth --agencies N --year Y --out DIR [--violations SHARE] [--seed S] [--with-previous] [--force]
nianbao synth --region --year Y --out DIR [--counties N] [--departments N] [--towns N] [--faults missing,disagree,late]"""
from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("synth", help="生成合成机构数据 / write plausible synthetic agencies (source data and parameters)")
    p.add_argument("--agencies", type=int, help="机构数量 / how many agencies")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--out", required=True, type=Path, help="项目目录（写入 data/ 与 params/）/ project directory")
    p.add_argument("--violations", type=float, default=0.0,
                   help="植入一处规则违例的机构比例 0–1 / share of agencies with one planted rule violation")
    p.add_argument("--seed", type=int, default=0, help="随机种子 / random seed")
    p.add_argument("--with-previous", action="store_true",
                   help="同时写出上一年源数据（跨年规则可用）/ also write last year's source data (for cross-year rules)")
    p.add_argument("--force", action="store_true",
                   help="覆盖 synth 先前写出的文件（其他文件从不覆盖）/ replace files synth wrote before (never others)")
    region = p.add_argument_group("地区 / a region (--region)")
    region.add_argument("--region", action="store_true",
                        help="合成一个地区：市、县、乡镇及登记表 agencies/<年度>.yaml / a synthetic region with its register")
    region.add_argument("--counties", type=int, default=3, help="县的数量 / counties (default 3)")
    region.add_argument("--departments", type=int, default=4, help="每级政府的部门数 / departments per government (default 4)")
    region.add_argument("--towns", type=int, default=3, help="每县乡镇数 / 乡镇 per county (default 3)")
    region.add_argument("--faults", default="",
                        help="植入问题，逗号分隔：missing（缺报）、disagree（汇总与组成不符）、late（逾期）/ planted faults")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..errors import UsageError
    from ..paths import check_year

    year = check_year(args.year)
    if args.region:
        return run_region(args, year)
    if args.agencies is None:
        raise UsageError("请给出 --agencies N（或 --region）", "give --agencies N (or --region)")
    from ..synth import synthesize, write_agencies

    agencies = synthesize(args.agencies, year, violations=args.violations, seed=args.seed, previous=args.with_previous)
    written = write_agencies(agencies, args.out, year, force=args.force)
    planted = [a for a in agencies if a.planted]
    print(f"已写出 {len(agencies)} 个机构、{len(written)} 个文件到 {args.out} / wrote {len(agencies)} agencies, "
          f"{len(written)} files under {args.out}")
    for agency in planted:
        print(f"  植入违例 planted {agency.planted}: {agency.id} {agency.name}")
    return 0


def run_region(args, year: int) -> int:
    from ..region.synth import synthesize_region, write_region

    faults = tuple(f.strip() for f in args.faults.split(",") if f.strip())
    region = synthesize_region(year, counties=args.counties, departments=args.departments, towns=args.towns,
                               seed=args.seed, faults=faults, previous=args.with_previous)
    written = write_region(region, args.out, force=args.force)
    print(f"已写出地区 {region.register['region']}：{len(region.register['bodies'])} 个报告主体、{len(written)} 个文件到 "
          f"{args.out} / wrote a region of {len(region.register['bodies'])} bodies, {len(written)} files")
    for fault, what in region.planted.items():
        print(f"  植入 planted {fault}: {what}")
    return 0
