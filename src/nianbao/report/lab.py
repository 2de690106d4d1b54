"""JupyterLab on the project's notebooks/, with the kit's kernel (this interpreter) as the default."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .. import paths
from .kernels import ensure_kernel
from .render import NOTEBOOK


def lab_command(root: Path | None = None, *, port: int | None = None, browser: bool = True) -> tuple[list[str], dict]:
    """The command line and environment that open JupyterLab on root/notebooks."""
    root = Path(root) if root else paths.project_dir()
    kernel = ensure_kernel()  # so Lab offers (and defaults to) our interpreter, not a stray user 'python3'
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root / NOTEBOOK.parent}",
            f"--MappingKernelManager.default_kernel_name={kernel}",
            f"--LabApp.default_url=/lab/tree/{NOTEBOOK.name}"]
    if port is not None:
        argv.append(f"--ServerApp.port={port}")
    if not browser:
        argv.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and these machines run as root; Lab refuses without it
        argv.append("--allow-root")
    env = dict(os.environ, NIANBAO_HOME=str(root))  # the notebook finds data/ however Lab was started
    return argv, env


def open_lab(root: Path | None = None, *, port: int | None = None, browser: bool = True) -> int:
    """Run JupyterLab until it is stopped (Ctrl-C); its exit status."""
    argv, env = lab_command(root, port=port, browser=browser)
    return subprocess.call(argv, env=env)
