"""nianbao init DIR"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("init", help="新建报告项目 / create a reports project (notebook, templates, suites, data/ …)")
    p.add_argument("dir", help="新项目的目录（不存在或为空）/ the new project's directory (absent or empty)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..project import init_project

    written = init_project(args.dir)
    print(f"已新建报告项目 / created a reports project: {args.dir} ({len(written)} files)")
    print(f"  cd {args.dir} && nianbao render --agency jiaozuo-jyj --year 2021")
    return 0
