"""The few exceptions nianbao raises on purpose, each printable as one clear message.

Every message names where (file, field or line), what was expected and what was found,
in Chinese for the analyst and English for everyone else. The CLI prints them and exits 2;
no traceback reaches a user for bad input.
"""
from __future__ import annotations

from dataclasses import dataclass


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

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.zh} / {self.en}"


class SourceError(NianbaoError):
    """A source file (YAML, workbook, parameters) whose content does not fit the declaration."""

    def __init__(self, file: str, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("源数据有误", "the source data is invalid", file=file)

    def __str__(self) -> str:
        head = f"{self.file}: 源数据有 {len(self.problems)} 处错误 / {len(self.problems)} problem(s) in the source data"
        return "\n".join([head, *("  - " + p.describe() for p in self.problems)])


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
