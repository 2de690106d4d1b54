"""The few exceptions nianbao raises on purpose, each printable as one clear message.

Every message names where (file, field or line), what was expected and what was found,
in Chinese for the analyst and English for everyone else. The CLI prints them and exits 2;
no traceback reaches a user for bad input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters but tab and newline
LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # and those too: a name is one line


ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def printable(text: str, *, lines: bool = False) -> str:
    """Text for the screen or a stored record: control characters written as escapes (\\u001b, and
    \\n too unless lines=True: a file name with a newline would forge a line), the rest as it is (a
    Chinese file name stays readable). An escape sequence never reaches the terminal; the escapes are
    JSON's, so JSON output stays JSON."""
    return (CONTROL if lines else LINE_CONTROL).sub(
        lambda m: ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), str(text))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what was expected (zh/en), what was found."""

    field: str
    expected_zh: str
    expected_en: str
    found: str = ""

    def describe(self) -> str:
        found = f"，实为 {self.found} / found {self.found}" if self.found else ""
        return f"{self.field}: 应为{self.expected_zh} / expected {self.expected_en}{found}"


class NianbaoError(Exception):
    """Base of errors reported to the user as a message, never a traceback."""

    exit_code = 2

    def __init__(self, zh: str, en: str, *, file: str | None = None):
        self.zh, self.en, self.file = zh, en, file
        super().__init__(str(self))

    def __str__(self) -> str:  # messages quote names from the command line and the files: shown inert
        where = f"{printable(self.file)}: " if self.file else ""
        return f"{where}{printable(self.zh, lines=True)} / {printable(self.en, lines=True)}"


class SourceError(NianbaoError):
    """A source file (YAML, workbook, parameters) whose content does not fit the declaration."""

    def __init__(self, file: str, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("源数据有误", "the source data is invalid", file=file)

    def __str__(self) -> str:
        head = f"{printable(self.file)}: 源数据有 {len(self.problems)} 处错误 / {len(self.problems)} problem(s) in the source data"
        return "\n".join([head, *("  - " + printable(p.describe()) for p in self.problems)])


class UsageError(NianbaoError):
    """Bad arguments or parameters: an unknown agency, a year with no data, an unsafe id."""


class WriteError(NianbaoError):
    """A file that could not be written (a full disk, no permission): the work failed, the input was fine."""

    exit_code = 1


class RenderError(NianbaoError):
    """A report whose execution or rendering failed; carries the failing cell when known.

    cause: 'exception' (a cell raised), 'timeout' (the report ran past its time), 'kernel-died',
    'pdf' (Chromium could not print it)."""

    exit_code = 1

    def __init__(self, zh: str, en: str, *, file: str | None = None, cell: int | None = None, ename: str = "",
                 evalue: str = "", cause: str = "exception", source: str = ""):
        super().__init__(zh, en, file=file)
        self.cell, self.ename, self.evalue, self.cause, self.source = cell, ename, evalue, cause, source
