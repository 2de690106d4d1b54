"""The report notebook itself: runs with its defaults (the sample) and with another agency's parameters."""
from __future__ import annotations

import json
import shutil

import nbformat
import papermill

from nianbao.report.execute import ensure_kernel

from conftest import FIXTURES


def html_outputs(nb) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))


def test_notebook_is_committed_clean_and_declares_parameters(project):
    raw = json.loads((project / "notebooks" / "annual_report.ipynb").read_text(encoding="utf-8"))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    params = papermill.inspect_notebook(str(project / "notebooks" / "annual_report.ipynb"))
    assert {"agency", "year", "data_dir"} <= set(params)
    assert params["agency"]["default"] == '"jiaozuo-jyj"'


def test_notebook_runs_with_defaults_then_with_another_agency(project):
    nb_path = project / "notebooks" / "annual_report.ipynb"
    kernel = ensure_kernel()
    default = papermill.execute_notebook(str(nb_path), str(project / "default.ipynb"), cwd=str(project / "notebooks"),
                                         kernel_name=kernel, progress_bar=False)
    assert "焦作市教育局2021年政府信息公开工作年度报告" in html_outputs(default)

    shutil.copytree(FIXTURES / "data" / "2020", project / "data" / "2020")
    other = papermill.execute_notebook(str(nb_path), str(project / "other.ipynb"), cwd=str(project / "notebooks"),
                                       kernel_name=kernel, progress_bar=False,
                                       parameters={"agency": "demo-qu", "year": 2020})
    html = html_outputs(other)
    assert "示例区人民政府办公室2020年政府信息公开工作年度报告" in html and "焦作" not in html
    injected = next(c for c in nbformat.reads(json.dumps(other), 4).cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "agency = 'demo-qu'" in injected.source
