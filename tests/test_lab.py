"""nianbao lab: JupyterLab on notebooks/, the kit's kernel the default (a real server, stopped after)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from nianbao.report.lab import lab_command

TOKEN = "nianbao-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, wait_s: float = 0):
    """GET a Jupyter API path as JSON, retrying while the server starts (up to wait_s)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={TOKEN}", timeout=5) as response:
                return json.load(response)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_lab_serves_the_notebooks_with_the_kits_kernel(project):
    port = free_port()
    argv, env = lab_command(project, port=port, browser=False)
    assert env["NIANBAO_HOME"] == str(project)
    server = subprocess.Popen([*argv, f"--IdentityProvider.token={TOKEN}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        specs = get(port, "/api/kernelspecs", wait_s=120)
        assert specs["default"] == "nianbao"
        assert Path(specs["kernelspecs"]["nianbao"]["spec"]["argv"][0]).resolve() == Path(sys.executable).resolve()
        listing = get(port, "/api/contents")
        assert "annual_report.ipynb" in {item["name"] for item in listing["content"]}
    finally:
        server.terminate()
        server.wait(30)
