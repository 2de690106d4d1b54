"""Provenance: what went into a report and what came out, as manifest.json and as the executed
notebook's metadata (metadata.nianbao.provenance.manifest), so an auditor can prove from the files alone
which data, code and environment produced it. Also the report's cache key, built from the same facts.

Inputs are named by project-relative paths (data/2021/x.yaml) so a manifest reads the same on
any machine; an input that was absent when the report ran (no previous-year source) is recorded
with sha256 null, so its later appearance makes the report stale.
"""
from __future__ import annotations

import functools
import hashlib
import json
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from html import escape
from pathlib import Path

MANIFEST = "manifest.json"
VALIDATION = "validation.json"
FAILED = "failed.json"  # a newer render's failure, beside the complete report it did not replace (see batch)
VALIDATION_MIME = "application/vnd.nianbao.validation+json"  # how the executed notebook keeps the rules' record
NOTEBOOK = "notebooks/annual_report.ipynb"
SHARED_DIRS = ("expectations", "templates")  # every file under these is an input of every report
SCHEMA = 1
TIMES = ("started", "finished", "timings", "cell_times")  # clock readings: manifest.json only, never in the notebook
# Packages whose versions the notebook's provenance table shows (manifest.json lists all of them).
KEY_PACKAGES = ("pandas", "great_expectations", "papermill", "nbclient", "nbconvert", "ipykernel", "PyYAML",
                "playwright")
ROLE_LABELS = {"notebook": "报告笔记本 / notebook", "parameters": "参数文件 / parameters",
               "source": "本年源数据 / source data", "previous": "上年源数据 / previous-year data",
               "suite": "规则套件 / suite", "template": "模板 / template", "lock": "依赖锁定文件 / lock file",
               "register": "登记表 / register", "part": "汇总的组成报告 / a part of the 汇总"}


@dataclass(frozen=True)
class Input:
    role: str  # one of ROLE_LABELS
    path: str  # project-relative (posix), absolute when outside the project
    sha256: str | None  # None: the file did not exist


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        return sha256_bytes(Path(path).read_bytes())
    except (FileNotFoundError, NotADirectoryError):
        return None


def relative(path: Path, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


# ------------------------------------------------------------------ inputs
def lock_file(root: Path) -> Path | None:
    """The project's dependency lock, when it has one (uv.lock, else requirements*.lock/.txt):
    an input of every report, so the manifest and the signed statement record its sha256."""
    for pattern in ("uv.lock", "requirements*.lock", "requirements*.txt"):
        found = sorted(p for p in Path(root).glob(pattern) if p.is_file())
        if found:
            return found[0]
    return None


def shared_files(root: Path) -> list[tuple[str, Path]]:
    """(role, path) of the inputs every report shares: the notebook, the suites, the templates, the lock."""
    found = [("notebook", root / NOTEBOOK)]
    if (lock := lock_file(root)) is not None:
        found.append(("lock", lock))
    for folder, role in zip(SHARED_DIRS, ("suite", "template")):
        base = root / folder
        if base.is_dir():
            found += [(role, p) for p in sorted(base.rglob("*"))
                      if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                                 for part in p.relative_to(base).parts)]
    return found


def shared_inputs(root: Path) -> list[Input]:
    return [Input(role, relative(path, root), sha256_file(path)) for role, path in shared_files(root)]


def data_dir(root: Path, params: dict) -> Path:
    from ..paths import data_dir as resolve  # one rule for the command line and the kernel

    return resolve(root, params.get("data_dir"))


def report_files(root: Path, year: int, agency: str, params: dict) -> list[tuple[str, Path]]:
    """(role, path) of one report's own inputs: its parameters, this year's and last year's source."""
    data = data_dir(root, params)
    return [("parameters", root / "params" / str(year) / f"{agency}.yaml"),
            ("source", data / str(year) / f"{agency}.yaml"),
            ("previous", data / str(year - 1) / f"{agency}.yaml"), *summed_files(root, year, agency, data)]


def summed_files(root: Path, year: int, agency: str, data: Path) -> list[tuple[str, Path]]:
    """A 汇总 report's further inputs: the register and every part it sums (rule R36 reads them),
    so a changed part makes the 汇总 stale. [] for any other report, or a project without a register."""
    from ..errors import NianbaoError
    from ..region.register import SUMMARY, load_register, register_path

    try:
        register = load_register(root, year)
    except NianbaoError:  # unreadable: the 汇总 cannot tell its parts; the register's change still shows
        return [("register", register_path(root, year))]
    entry = register.reports.get(agency) if register else None
    if entry is None or entry.role != SUMMARY:
        return []
    return [("register", register_path(root, year)),
            *(("part", data / str(year) / f"{p}.yaml") for p in register.parts(agency))]


def report_inputs(root: Path, year: int, agency: str, params: dict) -> list[Input]:
    return [Input(role, relative(path, root), sha256_file(path)) for role, path in report_files(root, year, agency, params)]


# ------------------------------------------------------------------ environment
def git_commit(folder: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


@functools.cache
def code_identity() -> dict:
    """nianbao's version, a hash over its source files, and its git commit when run from a checkout."""
    import nianbao

    package = Path(nianbao.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return {"version": nianbao.__version__, "source_sha256": digest.hexdigest(), "commit": git_commit(package)}


@functools.cache
def packages() -> dict[str, str]:
    """Every installed distribution and its version (once per process: ~0.1 s)."""
    from importlib.metadata import distributions

    found = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(name, dist.version)
    return dict(sorted(found.items(), key=lambda kv: kv[0].lower()))


@functools.cache
def environment() -> dict:
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "executable": sys.executable, "nianbao": code_identity(),
            "packages": packages()}


def environment_digest(env: dict) -> str:
    """What of the environment decides a report's content (not where Python lives)."""
    relevant = {"python": env["python"], "nianbao": {k: env["nianbao"][k] for k in ("version", "source_sha256")},
                "packages": env["packages"]}
    return sha256_bytes(json.dumps(relevant, sort_keys=True).encode())


# ------------------------------------------------------------------ cache key
def shared_digest(inputs: list[Input], env_digest: str, pdf: bool) -> str:
    """The part of every report's cache key computed once per batch."""
    return sha256_bytes(json.dumps({"inputs": [asdict(i) for i in inputs], "environment": env_digest, "pdf": pdf},
                                   sort_keys=True).encode())


def report_key(shared: str, inputs: list[Input], params: dict) -> str:
    """A report is rendered again only when this changes."""
    own = json.dumps({"inputs": [asdict(i) for i in inputs], "parameters": params}, sort_keys=True, default=str)
    return sha256_bytes(f"{shared}\n{own}".encode())


def key_for(root: Path, year: int, agency: str, params: dict, pdf: bool) -> str:
    shared = shared_digest(shared_inputs(root), environment_digest(environment()), pdf)
    return report_key(shared, report_inputs(root, year, agency, params), params)


# ------------------------------------------------------------------ findings
SEVERITIES = ("error", "warning", "info")


def findings_summary(folder: Path) -> dict:
    """Counts of findings by severity from validation.json (written by the rules), the one place
    batch and audit read it. No file: findings unknown, counted as none."""
    path = Path(folder) / VALIDATION
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"known": False, **{s: 0 for s in SEVERITIES}}
    findings = data.get("findings", []) if isinstance(data, dict) else []
    counts, rules = {s: 0 for s in SEVERITIES}, set()
    for finding in findings:
        severity = str(finding.get("severity", "")).lower() if isinstance(finding, dict) else ""
        severity = {"critical": "error", "warn": "warning"}.get(severity, severity)
        if severity in counts:
            counts[severity] += 1
            rules.add(str(finding.get("rule", "")))
    return {"known": True, **counts, "rules": sorted(rules)}  # rules: what index.html filters by


# ------------------------------------------------------------------ manifest
def build_manifest(*, agency: str, year: int, name: str, title: str, status: str, parameters: dict,
                   inputs: list[Input], outputs: dict[str, str], started: str, finished: str,
                   cache_key: str | None, findings: dict, error: dict | None = None,
                   timings: dict | None = None, context: dict | None = None) -> dict:
    return {
        "nianbao_manifest": SCHEMA,
        "agency": agency, "year": year, "name": name, "title": title,
        "status": status,  # ok | failed
        "error": error,  # {cause, cell, ename, evalue, source, message} when failed
        "parameters": parameters,
        "inputs": [asdict(i) for i in inputs],
        "outputs": dict(sorted(outputs.items())),
        "findings": findings,
        "environment": environment(),
        "project": context or {},
        "started": started, "finished": finished,
        "timings": {k: round(v, 3) for k, v in (timings or {}).items()},
        "cache_key": cache_key,
    }


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def output_hashes(folder: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(Path(folder).iterdir())
            if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")}


def seal(folder: Path, nb, manifest: dict) -> dict:
    """Embed the manifest in the executed notebook (a file cannot hold its own hash, so there the
    outputs omit report.ipynb), rewrite it, then write manifest.json with every output's hash."""
    import nbformat

    notebook = Path(folder) / "report.ipynb"
    if nb is not None:
        papermill = nb.metadata.get("papermill")
        if papermill is not None:  # where the files live in the project, not the scratch paths of the run
            papermill["input_path"] = NOTEBOOK
            papermill["output_path"] = f"outputs/{manifest['year']}/{manifest['agency']}/report.ipynb"
        others = {k: v for k, v in output_hashes(folder).items() if k != notebook.name}
        timeless = {k: v for k, v in manifest.items() if k not in TIMES}  # the same inputs, the same notebook bytes
        nb.metadata.setdefault("nianbao", {})["provenance"] = json.loads(json.dumps(dict(timeless, outputs=others),
                                                                                   default=str))
        nbformat.write(nb, str(notebook))
    manifest = dict(manifest, outputs=output_hashes(folder))
    (Path(folder) / MANIFEST).write_bytes(manifest_bytes(manifest))
    return manifest


def read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# ------------------------------------------------------------------ the notebook's table
def provenance_html(report, data_dir_param: str | Path = "") -> str:
    """The audit cell's table: parameters, every input with its sha256, the code and key versions.
    Run inside the kernel; it shows no times, so a re-execution reproduces it exactly."""
    from .. import paths

    root = paths.project_dir()
    agency, year = Path(report.path).stem, report.year
    params = {"agency": agency, "year": year, "data_dir": str(data_dir_param)}
    inputs = report_inputs(root, year, agency, params) + shared_inputs(root)
    code = code_identity()
    rows = [("参数 / parameter", k, json.dumps(v, ensure_ascii=False)) for k, v in params.items()]
    rows += [(ROLE_LABELS[i.role], i.path, i.sha256 or "（不存在 / absent）") for i in inputs]
    rows += [("程序 / code", "nianbao", f"{code['version']} · 源码 sha256 {code['source_sha256'][:16]}… · "
                                        f"commit {code['commit'] or '未知 / unknown'}"),
             ("环境 / environment", "Python", platform.python_version())]
    from importlib.metadata import PackageNotFoundError, version

    for name in KEY_PACKAGES:
        try:
            rows.append(("环境 / environment", name, version(name)))
        except PackageNotFoundError:
            pass
    body = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td><code>{escape(c)}</code></td></tr>"
                   for a, b, c in rows)
    return ('<table class="nianbao-provenance"><caption>来源记录 / provenance（完整记录见 manifest.json 与 '
            'metadata.nianbao.provenance.manifest）</caption><thead><tr><th>项目 / item</th><th>名称 / name</th>'
            f'<th>值 / value</th></tr></thead><tbody>{body}</tbody></table>')


def validation_record(nb) -> dict | None:
    """The validation an executed report notebook keeps in its outputs (what validation.json holds)."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if VALIDATION_MIME in data:
                return data[VALIDATION_MIME]
    return None
