"""Shared by the rules tests: fixture reports as data, one planted change at a time, findings as tuples."""
from __future__ import annotations

import copy

import yaml

from nianbao.model import sources

from conftest import FIXTURES, ROOT

RULES_DATA = FIXTURES / "rules" / "data"
SAMPLE = ROOT / "data" / "2021" / "jiaozuo-jyj.yaml"
# A narrative that states no number, for plants in the tables alone.
NEUTRAL = {"一": "示例区认真贯彻《条例》，做好主动公开、依申请公开、政府信息管理、平台建设和监督保障工作。", "五": "存在的主要问题：解读形式单一。改进情况：丰富解读形式。",
           "六": "本年度未收取信息处理费。"}


def source(year: int, agency: str = "demo-qu") -> dict:
    return yaml.safe_load((RULES_DATA / str(year) / f"{agency}.yaml").read_text(encoding="utf-8"))


def report_of(data: dict, path: str = "<test>") -> sources.Report:
    return sources.parse_report(copy.deepcopy(data), path)


def plain(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["sections"] = dict(NEUTRAL)
    return data


def found(validation) -> list[tuple]:
    """(rule, severity, table, row, column, expected, actual) of every finding, in report order."""
    return [(f.rule, f.severity, f.table, f.row, f.column, f.expected, f.actual) for f in validation.findings]


def write_source(root, data: dict, agency: str = "demo-qu"):
    path = root / "data" / str(data["year"]) / f"{agency}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
