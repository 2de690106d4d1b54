"""Shared pieces of the batch tests: a project of synthetic agencies whose notebook copy can be
made to fail, hang or lose its kernel (a test-only trip cell; the shipped notebook has none),
and small functions for the worker pool to run (spawned workers import them from here)."""
from __future__ import annotations

import contextlib
import io
import json
import os
import time
from pathlib import Path

from nianbao import synth

YEAR = 2022
TRIPS = {"trip-raise": "exception", "trip-hang": "timeout", "trip-kill": "kernel-died"}
TRIP_CELL = """\
# test only: this copy of the notebook trips on three agency ids
import os, signal, time
if agency == "trip-raise":
    raise RuntimeError("planted failure / 植入的失败")
if agency == "trip-hang":
    time.sleep(3600)
if agency == "trip-kill":
    os.kill(os.getpid(), signal.SIGKILL)
"""
TRIP_INDEX = 3  # inserted after the load cell; papermill's injected cell shifts it to 4 when executed


def add_trip_cell(root: Path) -> None:
    path = root / "notebooks" / "annual_report.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].insert(TRIP_INDEX, {"cell_type": "code", "execution_count": None, "id": "test-trip",
                                    "metadata": {}, "outputs": [], "source": TRIP_CELL})
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


def add_agencies(root: Path, n: int, *, trips: bool = True, seed: int = 5) -> list[synth.Agency]:
    """n synthetic agencies for YEAR with last year's data too; with trips, the first three get
    the trip ids (their data stays plausible)."""
    agencies = synth.synthesize(n, YEAR, seed=seed, previous=True)
    if trips:
        for agency, trip in zip(agencies, TRIPS):
            agency.id = trip
    synth.write_agencies(agencies, root, YEAR)
    return agencies


@contextlib.contextmanager
def home(root: Path):
    old = os.environ.get("NIANBAO_HOME")
    os.environ["NIANBAO_HOME"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("NIANBAO_HOME", None)
        else:
            os.environ["NIANBAO_HOME"] = old


def cli(root: Path, *argv: str) -> tuple[int, str, str]:
    """Run the nianbao command line in-process with NIANBAO_HOME=root; (exit status, stdout, stderr)."""
    from nianbao.cli import main

    out, err = io.StringIO(), io.StringIO()
    with home(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def out_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# ------------------------------------------------------------------ for the worker pool
def square(x):
    return x * x


def explode(x):
    raise ValueError(f"bad {x}")


def die(x):
    os._exit(3)


def sleep_for(seconds):
    time.sleep(seconds)
    return seconds
