"""Render one report: load and validate its source, execute the notebook, write HTML and PDF.

Nothing is written under outputs/ until the source has loaded cleanly, and a report directory
is replaced only by a complete new one (built beside it, then renamed into place).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import papermill
import yaml

from . import paths
from .errors import Problem, RenderError, SourceError, UsageError
from .execute import execute_report
from .publish import ChromiumMissing, PdfPrinter, notebook_to_html
from .sources import Report, load_report, parse_yaml, read_text

NOTEBOOK = Path("notebooks") / "annual_report.ipynb"


@dataclass
class RenderResult:
    agency: str
    year: int
    out_dir: Path
    report: Report
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def notebook_parameters(root: Path) -> dict:
    """The parameters the report notebook declares (its 'parameters' cell), with defaults."""
    return {name: info["default"] for name, info in papermill.inspect_notebook(str(root / NOTEBOOK)).items()}


def load_params(root: Path, year: int, agency: str) -> dict:
    """params/<year>/<agency>.yaml, checked against the notebook's parameters; defaults when absent."""
    path = paths.params_path(root, year, agency)
    if not path.is_file():
        return {"agency": agency, "year": year}
    data = parse_yaml(read_text(path), str(path))
    if not isinstance(data, dict):
        raise SourceError(str(path), [Problem("（文件顶层 / top level）", "参数映射（agency、year 等）",
                                              "a mapping of parameters (agency, year, ...)", repr(data)[:60])])
    known = notebook_parameters(root)
    problems = [Problem(str(k), f"笔记本参数之一：{'、'.join(known)}", f"one of the notebook's parameters: {', '.join(known)}",
                        str(k)) for k in data if k not in known]
    problems += [Problem(k, "存在（缺少此项）", "to be present (it is missing)") for k in ("agency", "year") if k not in data]
    if not problems and (data["agency"] != agency or data["year"] != year):
        problems.append(Problem("agency/year", f"与文件位置一致：{agency} / {year}", f"to match the file's place: {agency} / {year}",
                                f"{data['agency']} / {data['year']}"))
    if problems:
        raise SourceError(str(path), problems)
    return dict(data)


def outputs_root(root: Path) -> Path:
    out = root / "outputs"
    out.mkdir(exist_ok=True)
    return out


def render_report(agency: str, year, *, root: Path | None = None, printer: PdfPrinter | None = None,
                  pdf: bool = True) -> RenderResult:
    root = Path(root) if root else paths.project_dir()
    agency, year = paths.check_agency_id(agency), paths.check_year(year)
    params = load_params(root, year, agency)
    source = Path(params.get("data_dir") or root / "data") / str(year) / f"{agency}.yaml"
    if not source.is_file():
        raise UsageError(f"没有 {agency} 的 {year} 年源数据（应在 {source}）",
                         f"no {year} source data for {agency} (expected at {source})")
    report = load_report(source)  # bad input stops here, before anything is written

    target = paths.output_dir(root, year, agency)
    result = RenderResult(agency, year, target, report)
    work = None
    try:
        out_root = outputs_root(root)
        paths.refuse_links(target, out_root)  # outputs/<year> or outputs/<year>/<agency> planted as a link
        paths.check_inside(target.parent, out_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{agency}.", suffix=".tmp", dir=target.parent))
        work.chmod(0o755)  # a published directory, readable like any other
        t0 = time.perf_counter()
        nb = execute_report(root / NOTEBOOK, work / "report.ipynb", params, cwd=root / "notebooks")
        t1 = time.perf_counter()
        (work / "report.html").write_text(notebook_to_html(nb, root / "templates", report.title), encoding="utf-8")
        t2 = time.perf_counter()
        result.timings.update(execute=t1 - t0, html=t2 - t1)
        if pdf:
            try:
                own = printer is None
                printer = printer or PdfPrinter()
                try:
                    (work / "report.pdf").write_bytes(printer.print_pdf(work / "report.html"))
                finally:
                    if own:
                        printer.close()
            except ChromiumMissing as missing:
                if (target / "report.pdf").exists():  # never replace a complete report by one without its PDF
                    raise RenderError(f"{missing.zh}；已有的报告（含 PDF）保留未动（--no-pdf 可只更新 HTML）",
                                      f"{missing.en}; the existing report (with its PDF) is kept as it was "
                                      "(--no-pdf replaces it with HTML only)", file=str(target)) from None
                result.warnings.append(str(missing))
            result.timings["pdf"] = time.perf_counter() - t2
        result.files = sorted(p.name for p in work.iterdir())
        paths.replace_dir(work, target)  # the old report stays whole until the new one is
    except OSError as error:  # a full disk, above all: the old report stays, nothing half-written
        raise paths.write_error(target, error) from None
    except RenderError as error:  # name the report, not the temporary directory it was being built in
        raise RenderError(error.zh, error.en, file=str(target)) from None
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return result
