"""A report's parameters: the notebook's declared ones and params/<year>/<agency>.yaml.

Kept apart from render.py so that a batch driver, which only plans and checks parameters,
does not import papermill, nbconvert and pandas (a second of start-up before any work).
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

from .. import paths
from ..errors import Problem, SourceError, UsageError
from ..model.sources import _show, parse_yaml, read_text

NOTEBOOK = Path("notebooks") / "annual_report.ipynb"


def notebook_parameters(root: Path) -> dict:
    """The parameters the report notebook declares (the names its 'parameters' cell assigns),
    each with the source text of its default, as papermill's inspect_notebook reads them."""
    path = root / NOTEBOOK
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cell = next((c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
        if cell is None:
            return {}
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tree = ast.parse(source)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, SyntaxError) as error:
        raise UsageError(f"报告笔记本 {path} 无法读取其参数单元格：{error}",
                         f"the report notebook {path}: its parameters cell cannot be read: {error}") from None
    found = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and node.value is not None:
                found[target.id] = ast.get_source_segment(source, node.value)
    return found


def load_params(root: Path, year: int, agency: str, known: dict | None = None) -> dict:
    """params/<year>/<agency>.yaml, checked against the notebook's parameters (known: those
    parameters, when the caller has them already); defaults when absent. The checks the notebook
    would otherwise fail on (year a whole number, data_dir text) are made here, naming this file."""
    path = paths.params_path(root, year, agency)
    if not path.is_file():
        return {"agency": agency, "year": year}
    data = parse_yaml(read_text(path), str(path))
    if not isinstance(data, dict):
        raise SourceError(str(path), [Problem("（文件顶层 / top level）", "参数映射（agency、year 等）",
                                              "a mapping of parameters (agency, year, ...)", repr(data)[:60])])
    known = known if known is not None else notebook_parameters(root)
    problems = [Problem(str(k), f"笔记本参数之一：{'、'.join(known)}", f"one of the notebook's parameters: {', '.join(known)}",
                        str(k)) for k in data if k not in known]
    problems += [Problem(k, "存在（缺少此项）", "to be present (it is missing)") for k in ("agency", "year") if k not in data]
    if "year" in data and type(data["year"]) is not int:  # 2021.0 == 2021 in Python, and "2021" is text
        problems.append(Problem("year", "四位数字年份（整数，如 2021）", "a four-digit year, a whole number (e.g. 2021)",
                                _show(data["year"])))
    if "agency" in data and not isinstance(data["agency"], str):
        problems.append(Problem("agency", "机构标识文字", "the agency id as text", _show(data["agency"])))
    if data.get("data_dir") is not None and not isinstance(data["data_dir"], str):
        problems.append(Problem("data_dir", "目录路径文字（相对路径以项目根目录为准）",
                                "a folder path as text (a relative one is relative to the project root)",
                                _show(data["data_dir"])))
    if not problems and (data["agency"] != agency or data["year"] != year):
        problems.append(Problem("agency/year", f"与文件位置一致：{agency} / {year}", f"to match the file's place: {agency} / {year}",
                                f"{data['agency']} / {data['year']}"))
    if problems:
        raise SourceError(str(path), problems)
    return dict(data)
