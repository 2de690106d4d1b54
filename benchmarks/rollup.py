"""Region speed, by hand (not in CI):

    PYTHONPATH=src python benchmarks/rollup.py [--bodies 10000] [--noop 1000] [--jobs 2]

rollup  a synthetic region (`nianbao synth --region`: one city, counties with departments and 乡镇)
        of about --bodies bodies; `nianbao rollup --recursive` from the city, from the command line
        (start-up included): cold (no parts cache: every source parsed) and warm (parts unchanged
        since the last rollup, read from outputs/<year>/.parts-cache.json); then `nianbao status`.
noop    a region of about --noop bodies whose outputs are all current (one report rendered, the
        others given its outputs under their own cache keys, as a finished batch leaves them);
        `nianbao batch --no-pdf` timed three times: it plans the tree (parts before 汇总, each
        汇总's parts hashed into its key, rollup staleness checked) and renders nothing.
Targets (issue 14): rollup of 10,000 bodies under 10 s; the no-op plan of 1,000 under 10 s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
YEAR = 2022


def shape(bodies: int) -> tuple[int, int, int]:
    """(counties, departments, towns) for about `bodies` bodies: 1 + D + C·(1 + D + T)."""
    departments, towns = 20, 29
    counties = max(1, round((bodies - 1 - departments) / (1 + departments + towns)))
    return counties, departments, towns


def nianbao(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "NIANBAO_HOME": str(root), "NIANBAO_KEY": os.devnull + "/no-key.pem"}
    start = time.perf_counter()
    result = subprocess.run([str(BIN / "nianbao"), *args], cwd=root, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, result


def make_region(root: Path, bodies: int) -> int:
    for part in ("notebooks", "templates", "expectations"):
        shutil.copytree(ROOT / part, root / part)
    counties, departments, towns = shape(bodies)
    seconds, result = nianbao(root, "synth", "--region", "--year", str(YEAR), "--out", str(root), "--counties",
                              str(counties), "--departments", str(departments), "--towns", str(towns))
    if result.returncode:
        raise RuntimeError(result.stderr)
    register = (root / "agencies" / f"{YEAR}.yaml").read_text(encoding="utf-8")
    count = register.count("\n- id: ")
    print(f"synthetic region: {count} bodies ({counties} counties × ({departments} departments + {towns} 乡镇)), "
          f"written in {seconds:.1f} s")
    return count


def run_rollup(base: Path, bodies: int) -> list[tuple[str, str, float, str]]:
    root = base / "rollup"
    count = make_region(root, bodies)
    reports = len(list((root / "data" / str(YEAR)).glob("*.yaml")))
    rows = []
    cache = root / "outputs" / str(YEAR) / ".parts-cache.json"
    for label in ("cold (every source parsed)", "warm (parts cache)"):
        if label.startswith("cold"):
            cache.unlink(missing_ok=True)
        seconds, result = nianbao(root, "rollup", "--year", str(YEAR), "--agency", "jiaozuo", "--recursive", "--json")
        ok = "ok" if result.returncode == 0 else f"exit {result.returncode}: {result.stderr[-300:]}"
        if result.returncode == 0:
            done = json.loads(result.stdout)
            ok = f"{len(done)} 汇总 rolled up, {sum(len(r['summed']) for r in done)} parts summed"
        rows.append((f"rollup --recursive, {label}", f"{count} bodies / {reports} reports", seconds, ok))
    seconds, result = nianbao(root, "status", "--year", str(YEAR), "--json")
    ok = f"{len(json.loads(result.stdout)['reports'])} reports" if result.returncode == 0 else result.stderr[-300:]
    rows.append(("status (parts cache warm)", f"{count} bodies", seconds, ok))
    return rows


def seed_outputs(root: Path) -> None:
    """Render one report, then give every other one its outputs under its own cache key."""
    from nianbao.batch import run as batch
    from nianbao.provenance import manifest as provenance

    agencies = sorted(p.stem for p in (root / "params" / str(YEAR)).glob("*.yaml"))
    first = next(a for a in agencies if a.endswith("-jyj"))
    _, result = nianbao(root, "batch", "--year", str(YEAR), "--no-pdf", "--agencies", first)
    template = root / "outputs" / str(YEAR) / first
    if not (template / provenance.MANIFEST).is_file():
        raise RuntimeError(f"seeding failed: {result.stderr[-2000:]}")
    files = {p.name: p.read_bytes() for p in template.iterdir() if p.is_file()}
    manifest = json.loads(files.pop(provenance.MANIFEST))
    os.environ["NIANBAO_HOME"] = str(root)
    plan = batch.plan_batch(root, YEAR, pdf=False)
    for entry in plan.entries:
        if entry.job is not None:
            own = {**manifest, "agency": entry.agency, "cache_key": entry.job.cache_key}
            batch.write_report_dir(root / "outputs" / str(YEAR), entry.agency,
                                   {**files, provenance.MANIFEST: provenance.manifest_bytes(own)})


def run_noop(base: Path, bodies: int, jobs: int) -> list[tuple[str, str, float, str]]:
    root = base / "noop"
    count = make_region(root, bodies)
    seed_outputs(root)
    runs, summary = [], ""
    for _ in range(3):
        seconds, result = nianbao(root, "batch", "--year", str(YEAR), "--no-pdf", "--jobs", str(jobs))
        runs.append(seconds)
        summary = (result.stdout.splitlines() or [result.stderr[-300:]])[0]
    plan = summary[summary.find("plan "):].split(")")[0] if "plan " in summary else "?"
    return [(f"no-op batch --no-pdf with the tree (3 runs: {', '.join(f'{r:.2f}' for r in runs)} s; {plan})",
             f"{count} bodies", min(runs), summary.split(": ", 1)[-1])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bodies", type=int, default=10_000)
    parser.add_argument("--noop", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="nianbao-rollup-bench-"))
    try:
        rows = run_rollup(base, args.bodies) + run_noop(base, args.noop, args.jobs)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'what':<{width}}  {'size':<28} {'seconds':>8}  result")
    for what, size, seconds, result in rows:
        print(f"{what:<{width}}  {size:<28} {seconds:>8.2f}  {result}")
    print(f"load average {os.getloadavg()[0]:.1f}; targets: rollup of 10,000 bodies < 10 s, no-op plan of 1,000 < 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
