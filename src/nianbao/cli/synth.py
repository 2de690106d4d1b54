"""nianbao synth --agencies N --year Y --out DIR [--violations SHARE] [--seed S] [--with-previous] [--force]"""
from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("synth", help="生成合成机构数据 / write plausible synthetic agencies (source data and parameters)")
    p.add_argument("--agencies", type=int, required=True, help="机构数量 / how many agencies")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--out", required=True, type=Path, help="项目目录（写入 data/ 与 params/）/ project directory")
    p.add_argument("--violations", type=float, default=0.0,
                   help="植入一处规则违例的机构比例 0–1 / share of agencies with one planted rule violation")
    p.add_argument("--seed", type=int, default=0, help="随机种子 / random seed")
    p.add_argument("--with-previous", action="store_true",
                   help="同时写出上一年源数据（跨年规则可用）/ also write last year's source data (for cross-year rules)")
    p.add_argument("--force", action="store_true",
                   help="覆盖 synth 先前写出的文件（其他文件从不覆盖）/ replace files synth wrote before (never others)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..paths import check_year
    from ..synth import synthesize, write_agencies

    year = check_year(args.year)
    agencies = synthesize(args.agencies, year, violations=args.violations, seed=args.seed, previous=args.with_previous)
    written = write_agencies(agencies, args.out, year, force=args.force)
    planted = [a for a in agencies if a.planted]
    print(f"已写出 {len(agencies)} 个机构、{len(written)} 个文件到 {args.out} / wrote {len(agencies)} agencies, "
          f"{len(written)} files under {args.out}")
    for agency in planted:
        print(f"  植入违例 planted {agency.planted}: {agency.id} {agency.name}")
    return 0
