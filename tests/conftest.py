"""Shared fixtures. End-to-end tests run in a copy of the project (so outputs/ of the checkout
stays untouched) and share one rendered sample per test session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = FIXTURES / "samples"  # copies of ../shared/samples (real published reports): CI clones only this repo
SAMPLE_AGENCY, SAMPLE_YEAR = "jiaozuo-jyj", 2021
PROJECT_PARTS = ("notebooks", "templates", "data", "params", "expectations")
# No test signs with the machine's own key (~/.config/nianbao): the signing tests make theirs.
os.environ["NIANBAO_KEY"] = os.path.join(os.devnull, "no-key.pem")


def copy_project(dest: Path) -> Path:
    """A fresh project directory holding the checkout's notebooks, templates, data and params."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(ROOT / "requirements.lock", dest / "requirements.lock")  # rendered inside the locked environment
    (dest / "outputs").mkdir(exist_ok=True)
    return dest


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    return root


@pytest.fixture(scope="session")
def rendered_sample(tmp_path_factory):
    """The sample report rendered once, with a real kernel and real Chromium."""
    from nianbao.report.render import render_report

    root = copy_project(tmp_path_factory.mktemp("sample") / "project")
    old = os.environ.get("NIANBAO_HOME")
    os.environ["NIANBAO_HOME"] = str(root)
    try:
        result = render_report(SAMPLE_AGENCY, SAMPLE_YEAR, root=root)
    finally:
        if old is None:
            os.environ.pop("NIANBAO_HOME", None)
        else:
            os.environ["NIANBAO_HOME"] = old
    return result
