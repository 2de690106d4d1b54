"""nianbao lab [--port N] [--no-browser]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("lab", help="用本工具的内核打开 JupyterLab / open JupyterLab on notebooks/ with the kit's kernel")
    p.add_argument("--port", type=int, help="端口 / port")
    p.add_argument("--no-browser", action="store_true", help="不打开浏览器 / do not open a browser")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..report.lab import open_lab

    return open_lab(port=args.port, browser=not args.no_browser)
