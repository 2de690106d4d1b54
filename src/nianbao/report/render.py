"""Render one report: load and validate its source, execute the notebook, write HTML and PDF.

Nothing is written under outputs/ until the source has loaded cleanly, and a report directory
is replaced only by a complete new one (built beside it, then renamed into place).
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path


from .. import leftovers, paths
from ..provenance import attestation
from ..provenance import envlock
from ..provenance import ledger
from ..provenance import manifest as provenance
from ..provenance import signing
from ..errors import RenderError, UsageError, WriteError
from .execute import execute_report, take_times
from .params import NOTEBOOK, load_params
from .publish import ChromiumMissing, PdfPrinter, find_chromium, notebook_to_html, pdf_date, reproducible_pdf
from ..model.sources import Report, load_report



@dataclass
class RenderResult:
    agency: str
    year: int
    out_dir: Path
    report: Report
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    validation: dict | None = None  # what the notebook's rules found (validation.json); None if it kept nothing

    def findings(self, severity: str) -> list[dict]:
        return [f for f in (self.validation or {}).get("findings", []) if f.get("severity") == severity]

    def summary(self) -> str:
        """One line on the rules' findings, for the command line."""
        if self.validation is None:
            return "规则检查：无记录 / rules: no record"
        errors, warnings = len(self.findings("error")), len(self.findings("warning"))
        if not errors and not warnings:
            return "规则检查：全部通过 / rules: all passed"
        return (f"规则检查：{errors} 个错误，{warnings} 个警告（见 validation.json）/ rules: {errors} error(s), "
                f"{warnings} warning(s) (see validation.json)")


def _replace_dir(new: Path, target: Path) -> None:
    """Put a complete new report directory in place of the old one (batch writes through it too)."""
    paths.replace_dir(new, target)


class PdfWouldBeLost(UsageError):
    """Chromium is missing and a report that has its PDF would be replaced by one without:
    nothing is done (exit status 2), render and batch alike."""


def pdf_kept_error(targets: list[Path]) -> PdfWouldBeLost:
    missing = ChromiumMissing()
    named = "、".join(str(t) for t in targets[:5]) + ("…" if len(targets) > 5 else "")
    named_en = ", ".join(str(t) for t in targets[:5]) + ("…" if len(targets) > 5 else "")
    if len(targets) == 1:
        zh, en = "已有的报告（含 PDF）保留未动", "the existing report (with its PDF) is kept as it was"
    else:
        zh, en = (f"已有的 {len(targets)} 份报告（含 PDF）保留未动：{named}",
                  f"the {len(targets)} existing reports with their PDF are kept as they were: {named_en}")
    error = PdfWouldBeLost(f"{missing.zh.replace('，已只生成 HTML', '')}；{zh}（--no-pdf 可只更新 HTML）",
                           f"{missing.en.replace(', wrote HTML only', '')}; {en} (--no-pdf replaces "
                           f"{'it' if len(targets) == 1 else 'them'} with HTML only)")
    error.file = str(targets[0]) if len(targets) == 1 else None
    return error


def outputs_root(root: Path) -> Path:
    out = root / "outputs"
    out.mkdir(exist_ok=True)
    return out


def render_report(agency: str, year, *, root: Path | None = None, printer: PdfPrinter | None = None,
                  pdf: bool = True, engine_kwargs: dict | None = None) -> RenderResult:
    """engine_kwargs go to execute_report, e.g. {"kernel_manager_class": ForkKernelManager}."""
    root = Path(root) if root else paths.project_dir()
    agency, year = paths.check_agency_id(agency), paths.check_year(year)
    params = load_params(root, year, agency)
    source = provenance.data_dir(root, params) / str(year) / f"{agency}.yaml"
    if not source.is_file():
        raise UsageError(f"没有 {agency} 的 {year} 年源数据（应在 {source}）",
                         f"no {year} source data for {agency} (expected at {source})")
    report = load_report(source)  # bad input stops here, before anything is written
    signing.signer()  # so does an unreadable signing key

    target = paths.output_dir(root, year, agency)
    work = None
    try:
        out_root = outputs_root(root)
        paths.refuse_links(target, out_root)  # outputs/<year> or outputs/<year>/<agency> planted as a link
        paths.check_inside(target.parent, out_root)
        if pdf and printer is None and (target / "report.pdf").is_file() and not find_chromium():
            raise pdf_kept_error([target])  # never replace a complete report by one without its PDF
        target.parent.mkdir(parents=True, exist_ok=True)
        leftovers.sweep(target.parent)  # what a killed render or batch of this year left
        work = leftovers.work_dir(target.parent, agency)
        result = render_into(work, root, params, report, printer=printer, pdf=pdf, **(engine_kwargs or {}))
        statement = attestation.sign_folder(work)
        result.files = sorted(p.name for p in work.iterdir())
        _replace_dir(work, target)  # the old report stays whole until the new one is
        ledger.record(target.parent, agency, statement)
    except OSError as error:  # a full disk, above all: the old report stays, nothing half-written
        raise paths.write_error(target, error) from None
    except (RenderError, WriteError) as error:  # name the report, not the temporary directory it was built in
        error.file = str(target)
        raise
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    result.out_dir = target
    return result


def render_into(work: Path, root: Path, params: dict, report: Report, *, printer: PdfPrinter | None = None,
                pdf: bool = True, report_timeout: float | None = None, cache_key: str | None = None,
                html_only_key: str | None = None, context: dict | None = None, **engine_kwargs) -> RenderResult:
    """The core every render shares (one report, and the batch task): execute the notebook into
    work/ (an empty directory the caller puts in place), write report.html and report.pdf, then
    seal them with manifest.json. engine_kwargs go to papermill (e.g. kernel_manager_class).

    The cache key says whether the report has its PDF: a PDF asked for but not printed (no
    Chromium) seals the report with html_only_key, so the next run with Chromium renders it again."""
    agency, year = params["agency"], params["year"]
    started = provenance.now()
    inputs = provenance.report_inputs(root, year, agency, params) + provenance.shared_inputs(root)
    if cache_key is None:
        cache_key = provenance.key_for(root, year, agency, params, pdf)
    result = RenderResult(agency, year, work, report)
    t0 = time.perf_counter()
    nb = execute_report(root / NOTEBOOK, work / "report.ipynb", params, cwd=root / "notebooks",
                        report_timeout=report_timeout, **engine_kwargs)
    t1 = time.perf_counter()
    cell_times = take_times(nb)  # papermill's clock readings: for manifest.json only, the notebook stays the same
    # The notebook ran the rules (its audit cell); validation.json is that record, for machines.
    record = result.validation = provenance.validation_record(nb)
    if record is None:
        result.warnings.append("笔记本未留下规则检查结果，未写 validation.json / the notebook kept no validation; "
                               "no validation.json written")
    else:
        paths.write_atomic(work / "validation.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    # resolve(): a stable path keeps the process's one HTMLExporter for these templates
    (work / "report.html").write_text(notebook_to_html(nb, (root / "templates").resolve(), report.title,
                                                       report.agency, f"{year}年政府信息公开工作年度报告"),
                                      encoding="utf-8")
    t2 = time.perf_counter()
    result.timings.update(execute=t1 - t0, html=t2 - t1)
    if pdf:
        try:
            own = printer is None
            printer = printer or PdfPrinter()
            try:
                printed = printer.print_pdf(work / "report.html")
                when = pdf_date(year, report.options.get("published"))
                (work / "report.pdf").write_bytes(reproducible_pdf(printed, when))
            finally:
                if own:
                    printer.close()
        except ChromiumMissing as missing:
            result.warnings.append(str(missing))
            cache_key = html_only_key or provenance.key_for(root, year, agency, params, False)
        result.timings["pdf"] = time.perf_counter() - t2
    manifest = provenance.build_manifest(
        agency=agency, year=year, name=report.agency, title=report.title, status="ok", parameters=params,
        inputs=inputs, outputs={}, started=started, finished=provenance.now(), cache_key=cache_key,
        findings=provenance.findings_summary(work), timings=result.timings, context=context)
    manifest.update(lock=envlock.record(root), cell_times=cell_times)
    result.manifest = provenance.seal(work, nb, manifest)
    result.files = sorted(p.name for p in work.iterdir())
    return result
