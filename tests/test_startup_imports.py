"""What a batch pays before its first report: the driver plans without papermill, nbconvert,
pandas or Great Expectations; a worker warms up without pandas (only kernels run the rules);
the notebook's parameters are read as papermill reads them, without importing papermill."""
from __future__ import annotations

import json
import subprocess
import sys

import papermill
import pytest

from nianbao.report.params import NOTEBOOK, notebook_parameters

from conftest import ROOT

HEAVY = ("papermill", "nbconvert", "pandas", "great_expectations", "playwright")


def imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"NIANBAO_HOME": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout
    return set(json.loads(out.splitlines()[-1]))


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_the_batch_command_line_and_its_planning_import_nothing_heavy():
    loaded = packages(imported_after("from nianbao.cli import build_parser\nbuild_parser()\n"
                                     "from nianbao.batch.run import plan_batch\nfrom nianbao import paths\n"
                                     "plan_batch(paths.project_dir(), 2021)"))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_a_warming_worker_imports_no_pandas_or_gx():
    loaded = packages(imported_after("import nianbao.report.render, nianbao.batch.task, nianbao.report.publish"))
    assert {"papermill", "nbconvert"} <= loaded  # what the worker does need
    assert loaded.isdisjoint({"pandas", "great_expectations", "numpy"})


def test_reading_last_years_source_yaml_leaves_the_importer_unloaded():
    """What every report's kernel does for the cross-year rules: a YAML load, not the importer's machinery."""
    loaded = imported_after("from nianbao.importer import read_any\n"
                            "read_any('data/2021/jiaozuo-jyj.yaml')")
    assert "nianbao.model.sources" in loaded
    assert not {m for m in loaded if m.startswith("nianbao.importer.")}, sorted(loaded)
    assert "openpyxl" not in packages(loaded)


def test_notebook_parameters_are_papermills_without_papermill():
    inspected = {name: info["default"] for name, info in papermill.inspect_notebook(str(ROOT / NOTEBOOK)).items()}
    assert notebook_parameters(ROOT) == inspected == {"agency": '"jiaozuo-jyj"', "year": "2021", "data_dir": '""'}


@pytest.mark.parametrize("source, names", [
    ('a = 1  # comment\nb: int = 2\nc, d = 3, 4\n', ["a", "b"]),  # papermill too skips tuple targets
    ("x = 'it''s'\n\n# y = 5\nz = [1,\n     2]\n", ["x", "z"]),
])
def test_parameter_cells_are_read_like_papermill(tmp_path, source, names):
    nb = {"cells": [{"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "source": source, "outputs": [],
                     "execution_count": None}], "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                                          "display_name": "Python 3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / NOTEBOOK).parent.mkdir(parents=True)
    (tmp_path / NOTEBOOK).write_text(json.dumps(nb), encoding="utf-8")
    ours = notebook_parameters(tmp_path)
    theirs = {name: info["default"] for name, info in papermill.inspect_notebook(str(tmp_path / NOTEBOOK)).items()}
    assert list(ours) == names and set(theirs) == set(names)


def test_a_worker_whose_turn_never_comes_warms_up_anyway(monkeypatch):
    """A worker killed while warming up keeps its turn forever; the others must not wait forever."""
    import threading

    from nianbao.batch import task

    turns = threading.BoundedSemaphore(1)
    turns.acquire()  # held by a worker that died
    monkeypatch.setattr(task, "WARM_TURN_WAIT", 0.2)
    task.warm_worker(task.bundle_from(ROOT), False, turns)
    assert "nianbao.report.render" in sys.modules
    assert not turns.acquire(blocking=False)  # the dead worker's turn was not given back by another
