"""The kit outside its checkout: a wheel built from the checkout, installed into a fresh virtual environment
(the lock's packages, hashes checked, then the wheel alone), `nianbao init` in an empty directory, then render,
check and audit there, with nothing from the checkout on the path. Outside any project: exit 2, no fallback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.project import KIT_FILES

from conftest import ROOT

BUILD_FILES = ("pyproject.toml", "setup.py", "README.md", "src")


def run(argv, cwd, env, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    if check:
        assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin dir, clean environment): the wheel and the locked packages, nothing else."""
    tmp = tmp_path_factory.mktemp("wheel")
    tree = tmp / "tree"  # a copy of what the wheel is built from, so the checkout gets no build/ litter
    for name in (*BUILD_FILES, *KIT_FILES):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, tree / name)
    env = {k: v for k, v in os.environ.items() if k not in ("NIANBAO_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", tmp / "dist",
         tree], tmp, env)
    wheel, = (tmp / "dist").glob("nianbao-*.whl")
    venv = tmp / "venv"
    run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", venv], tmp, env)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    run([*pip, "--require-hashes", "--no-deps", "-r", ROOT / "requirements.lock"], tmp, env)  # the pip cache serves it
    run([*pip, "--no-deps", "--no-index", wheel], tmp, env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv / "bin", env


def test_the_wheel_makes_and_renders_a_project_of_its_own(installed, tmp_path):
    bin_dir, env = installed
    where = run([bin_dir / "python", "-c", "import nianbao; print(nianbao.__file__)"], tmp_path, env).stdout
    assert where.startswith(str(bin_dir.parent)) and str(ROOT) not in where
    # Outside any project: a clear message and exit 2, not the install location's files.
    outside = run([bin_dir / "nianbao", "render", "--agency", "jiaozuo-jyj", "--year", "2021"], tmp_path, env, check=False)
    assert outside.returncode == 2 and "not inside a nianbao reports project" in outside.stderr
    assert "nianbao init" in outside.stderr and "Traceback" not in outside.stderr
    run([bin_dir / "nianbao", "init", "office"], tmp_path, env)
    office = tmp_path / "office"
    for name in ("notebooks/annual_report.ipynb", "templates/nianbao/index.html.j2", "expectations/format-2021.json",
                 "requirements.lock", "README.md", ".gitignore", "data/2021/jiaozuo-jyj.yaml", "outputs"):
        assert (office / name).exists(), name
    assert (office / "requirements.lock").read_bytes() == (ROOT / "requirements.lock").read_bytes()
    # Found from any subdirectory of the project.
    run([bin_dir / "nianbao", "render", "--agency", "jiaozuo-jyj", "--year", "2021"], office / "data" / "2021", env)
    out = office / "outputs" / "2021" / "jiaozuo-jyj"
    assert {"report.html", "report.pdf", "report.ipynb", "validation.json", "manifest.json"} <= {p.name for p in out.iterdir()}
    run([bin_dir / "nianbao", "check", "data/2021/jiaozuo-jyj.yaml"], office, env)
    audit = run([bin_dir / "nianbao", "audit", "outputs/2021"], office, env)
    assert "verified" in audit.stdout.lower() or "已验证" in audit.stdout, audit.stdout
    assert "locked environment" not in audit.stdout and "without requirements.lock" not in audit.stdout
    # A second init over a project refuses, naming the directory, and writes nothing.
    again = run([bin_dir / "nianbao", "init", "office"], tmp_path, env, check=False)
    assert again.returncode == 2 and "office" in again.stderr and "not an empty directory" in again.stderr
