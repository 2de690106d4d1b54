"""Run the report notebook with papermill: readable parameters, a fresh kernel, a hard timeout."""
from __future__ import annotations

import time
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError
from papermill.translators import PythonTranslator, papermill_translators

from ..errors import RenderError
from .kernels import ensure_kernel

CELL_TIMEOUT = 600  # seconds; a report cell that runs longer is hung, not slow


class ReadablePythonTranslator(PythonTranslator):
    """Inject str parameters as repr() literals: 「焦作市教育局」 stays readable, and quotes,
    backslashes, newlines and triple quotes in untrusted text stay inert (papermill writes
    \\uXXXX escapes, correct but unreadable for an auditor)."""

    @classmethod
    def translate_str(cls, val):
        return repr(str(val))


papermill_translators.register("python", ReadablePythonTranslator)


def failing_cell(nb) -> tuple[int, str, str]:
    """(cell index, ename, evalue) of the first error output in an executed notebook, else (-1,'','')."""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return index, out.get("ename", ""), out.get("evalue", "")
    return -1, "", ""


CLOCK_KEYS = ("start_time", "end_time", "duration")  # papermill's, in the notebook's and each cell's metadata


def take_times(nb) -> dict:
    """Remove every clock reading papermill and nbclient put in an executed notebook and return them
    (for manifest.json), and fix the parameters cell's random id: what stays depends on the inputs
    only, so a re-render is byte-identical."""
    def take(meta: dict) -> dict:
        return {k: meta.pop(k) for k in CLOCK_KEYS if k in meta}

    times = {"notebook": take(nb.metadata.get("papermill", {})), "cells": []}
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id on every run
        timing = take(cell.get("metadata", {}).get("papermill", {}))
        execution = cell.get("metadata", {}).pop("execution", None)  # nbclient's iopub/shell timestamps
        if execution:
            timing["execution"] = execution
        times["cells"].append(timing)
    return times


def execute_report(notebook: Path, output: Path, parameters: dict, *, cwd: Path,
                   timeout: int = CELL_TIMEOUT, report_timeout: float | None = None,
                   **engine_kwargs) -> nbformat.NotebookNode:
    """Execute notebook into output; raise RenderError naming the failing cell.

    timeout bounds each cell; report_timeout (seconds) bounds the whole report: every cell gets
    what is left of it. engine_kwargs go to papermill and nbclient (e.g. kernel_manager_class)."""
    # No NIANBAO_HOME needed: the kernel starts in <project>/notebooks and nianbao.paths.project_dir()
    # finds the project from there (an explicit NIANBAO_HOME in our environment still wins).
    engine_kwargs.setdefault("kernel_name", ensure_kernel())
    engine_kwargs.setdefault("coalesce_streams", True)  # under load a print can arrive in several chunks
    # The kernel's own log (e.g. its warning about TCP without encryption) is noise on our terminal.
    # No input history either: a report kernel runs once, and saving it is a sqlite write per cell.
    engine_kwargs.setdefault("extra_arguments", ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"])
    running = {"cell": None, "source": ""}

    def cell_started(cell, cell_index, **_):  # nbclient hook: which cell a timeout or a dead kernel hit
        running.update(cell=cell_index, source=cell.source)

    engine_kwargs.setdefault("on_cell_start", cell_started)
    if report_timeout:
        deadline = time.monotonic() + report_timeout
        engine_kwargs.setdefault("timeout_func", lambda cell: max(1, int(deadline - time.monotonic())))
        engine_kwargs.setdefault("start_timeout", max(1, min(60, int(report_timeout))))
        timeout = min(timeout, max(1, int(report_timeout)))  # also bounds papermill's last kernel_info wait
    try:
        nb = papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, cwd=str(cwd), progress_bar=False,
            log_output=False, request_save_on_cell_execute=False, execution_timeout=timeout,
            shutdown_kernel="immediate", **engine_kwargs)
    except PapermillExecutionError as error:
        raise RenderError(
            f"报告笔记本第 {error.cell_index} 个单元格执行出错：{error.ename}: {error.evalue}",
            f"the report notebook failed in cell {error.cell_index}: {error.ename}: {error.evalue}",
            file=str(output), cell=error.cell_index, ename=error.ename, evalue=error.evalue,
            source=error.source) from None
    except CellTimeoutError:
        limit = report_timeout or timeout
        raise RenderError(f"报告笔记本第 {running['cell']} 个单元格超时（超过 {limit:g} 秒）",
                          f"the report notebook timed out in cell {running['cell']} (over {limit:g} s)",
                          file=str(output), cell=running["cell"], ename="CellTimeoutError",
                          evalue=f"over {limit:g} s", cause="timeout", source=running["source"]) from None
    except DeadKernelError as error:
        raise RenderError(f"内核在第 {running['cell']} 个单元格执行时终止：{error}",
                          f"the kernel died while running cell {running['cell']}: {error}", file=str(output),
                          cell=running["cell"], ename="DeadKernelError", evalue=str(error), cause="kernel-died",
                          source=running["source"]) from None
    except RuntimeError as error:  # e.g. "Kernel died before replying to kernel_info": it never started
        raise RenderError(f"报告笔记本的内核无法启动或运行：{error}", f"the report notebook's kernel could not start or "
                          f"run: {error}", file=str(output), ename=type(error).__name__, evalue=str(error),
                          cause="kernel-died") from None
    # A failure papermill did not raise (nteract/papermill#501): trust the metadata and the outputs.
    index, ename, evalue = failing_cell(nb)
    if nb.metadata.get("papermill", {}).get("exception") or index >= 0:
        raise RenderError(f"报告笔记本第 {index} 个单元格执行出错：{ename}: {evalue}",
                          f"the report notebook failed in cell {index}: {ename}: {evalue}", file=str(output),
                          cell=index, ename=ename, evalue=evalue)
    return nb
