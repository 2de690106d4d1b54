"""nianbao render --agency ID --year Y [--no-pdf]

Exit status 1 when the rules found an error (the outputs are written all the same: the analyst
reads the findings in the executed notebook and validation.json)."""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("render", help="渲染一份报告 / render one report to HTML and PDF")
    p.add_argument("--agency", required=True, help="机构标识 / agency id, e.g. jiaozuo-jyj")
    p.add_argument("--year", required=True, help="报告年度 / report year")
    p.add_argument("--no-pdf", action="store_true", help="只生成 HTML / HTML only")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..report.render import render_report

    result = render_report(args.agency, args.year, pdf=not args.no_pdf)
    for name in result.files:
        print(result.out_dir / name)
    for warning in result.warnings:
        print(warning)
    times = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    print(f"{result.report.title}: {times}")
    print(result.summary())
    return 1 if result.findings("error") else 0
