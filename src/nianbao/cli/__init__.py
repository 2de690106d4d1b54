"""The nianbao command line: each command lives in its own module and only parses arguments,
then calls the library. Errors meant for users print as one message and set the exit status."""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import NianbaoError, printable

# One module per command; each has add_parser(subparsers) and run(args) -> int.
COMMANDS = ("init", "render", "check", "import_", "new", "template", "batch", "audit", "synth", "lab", "key",
            "rollup", "status", "overview", "export")


def positive(kind, *, also: tuple[str, ...] = ()):
    """An argparse type: a number of kind above zero, or one of the words in also (e.g. 'all')."""
    def parse(text: str):
        if text in also:
            return text
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if value <= 0:
            words = "".join(f" or {w!r}" for w in also)
            raise argparse.ArgumentTypeError(f"应为正数{'或 ' + '、'.join(also) if also else ''} / expected a positive "
                                             f"number{words}: {text!r}")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告：生成、核对、审计 / "
                                     "annual reports on government information disclosure: render, check, audit")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).add_parser(sub)  # import_: 'import' is a keyword
    return parser


class InertStream:
    """The screen as nianbao writes to it: control characters (an escape sequence in a published
    report's text, a manifest edited by hand, a file's name) written as visible escapes, line breaks
    and tabs kept. Every command's output passes here, so no field needs its own guard."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text, lines=True))

    def __getattr__(self, name):
        return getattr(self.stream, name)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stdout, sys.stdout = sys.stdout, InertStream(sys.stdout)
    try:
        return args.run(args)
    except NianbaoError as error:
        print(f"nianbao {args.command}: {printable(str(error), lines=True)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"nianbao {args.command}: 已中断 / interrupted", file=sys.stderr)
        return 130
    finally:
        sys.stdout = stdout


if __name__ == "__main__":
    sys.exit(main())
