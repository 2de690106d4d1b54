"""Audit a year's outputs from the files alone: each report's manifest against what is on disk now.

Per agency: verified (every output and input hashes as recorded), tampered (an output's hash
differs or an unrecorded file sits in the report), stale (an input changed, appeared or vanished
since rendering), failed (the report failed when rendered), missing (a parameter file with no
report, or an output the manifest lists is gone). Executed notebooks holding an error output are
named too. Signatures are checked against the project's committed keys/*.pub: a report without
one is said to be unsigned (and has that status, a failure, where the project has keys), and the manifest is compared field by
field with the executed notebook's embedded copy and with the signed statement; the year's ledger
names a report added, removed or replaced after the fact. Re-execution renders chosen reports again into a scratch place, with the same task
as the batch, and compares cell outputs and findings after removing what legitimately changes.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import leftovers, paths
from ..provenance import attestation
from ..provenance import envlock
from ..provenance import ledger
from ..provenance import manifest as provenance
from ..provenance import signing
from ..errors import UsageError
from ..batch.index import failure_text, read_failure, report_status

STATUSES = ("verified", "tampered", "stale", "failed", "missing", "unsigned")
PRECEDENCE = ("missing", "tampered", "stale", "failed", "unsigned", "verified")  # the status shown when several apply
BANNER_TAG = "papermill-error-cell-tag"  # papermill's error banner cells, not part of the notebook


@dataclass
class CellDifference:
    cell: int  # index in the executed notebook on disk
    what: str  # outputs | source | cell-type | missing | extra | findings
    detail: str  # a short unified diff, on disk → re-executed


@dataclass
class AgencyAudit:
    agency: str
    status: str = "verified"
    name: str = ""
    tampered: list[str] = field(default_factory=list)  # outputs whose hash differs, or unrecorded files
    missing: list[str] = field(default_factory=list)  # outputs the manifest lists that are gone
    stale: list[str] = field(default_factory=list)  # inputs that changed since rendering
    error_cells: list[int] = field(default_factory=list)  # cells of report.ipynb with an error output
    notes: list[str] = field(default_factory=list)
    signature: str = ""  # valid <keyid> | unsigned | invalid: why
    disagreements: list[str] = field(default_factory=list)  # manifest vs notebook vs statement vs ledger, by field
    reexecuted: bool = False
    differences: list[CellDifference] = field(default_factory=list)
    failure: dict | None = None  # a newer render's failure beside the kept report (failed.json): its error


@dataclass
class AuditResult:
    out_dir: Path
    year: int
    agencies: list[AgencyAudit]
    signing_required: bool = False  # the project commits public keys: an unsigned report is a failure
    ledger: list[str] = field(default_factory=list)  # what is wrong with the year's ledger
    leftovers: list[str] = field(default_factory=list)  # work directories a killed run left in out_dir

    def count(self, status: str) -> int:
        return sum(1 for a in self.agencies if a.status == status)

    @property
    def exit_code(self) -> int:
        return 0 if all(a.status == "verified" and not a.error_cells and not a.differences and not a.failure
                        for a in self.agencies) and not self.ledger else 1

    def to_json(self) -> dict:
        return {"out_dir": str(self.out_dir), "year": self.year,
                "counts": {s: self.count(s) for s in STATUSES}, "ledger": self.ledger, "leftovers": self.leftovers,
                "agencies": [asdict(a) for a in self.agencies]}


def project_root(out_dir: Path) -> Path:
    """outputs/<year> lives in a project: <root>/outputs/<year>; else the current project."""
    candidate = out_dir.resolve().parent.parent
    return candidate if (candidate / "params").is_dir() or (candidate / provenance.NOTEBOOK).is_file() \
        else paths.project_dir()


def audit_outputs(out_dir, *, reexecute: int | str | None = None, root: Path | None = None,
                  jobs: int | None = None, timeout: float | None = None, engine: dict | None = None,
                  fork: bool = True) -> AuditResult:
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UsageError(f"找不到输出目录 {out_dir}", f"no such outputs directory: {out_dir}")
    try:
        year = paths.check_year(out_dir.resolve().name)
    except UsageError:
        raise UsageError(f"{out_dir} 不是某一年度的输出目录（应为 outputs/<年度>）",
                         f"{out_dir} is not a year's outputs directory (expected outputs/<year>)") from None
    root = Path(root) if root else project_root(out_dir)
    params_dir = root / "params" / str(year)
    with_params = {p.stem for p in params_dir.glob("*.yaml")} if params_dir.is_dir() else set()
    rendered = {p.name for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")}
    shared = {i.path: i.sha256 for i in provenance.shared_inputs(root)}
    env_now = provenance.environment_digest(provenance.environment())
    keys = signing.trusted_keys(root)
    book = ledger.check(out_dir, keys)
    result = AuditResult(out_dir, year, [], signing_required=bool(keys), ledger=list(book.problems),
                         leftovers=leftovers.found(out_dir))
    if keys and not book.present:
        result.ledger.append(f"{ledger.LEDGER} 不存在（项目有签名公钥）/ {ledger.LEDGER} is missing (the project "
                             "has signing keys)")
    elif book.present and not book.signed and keys:
        result.ledger.append(f"{ledger.LEDGER} 有未签名的行 / {ledger.LEDGER} has unsigned lines")
    recorded = {a for a, digest in book.latest.items() if digest is not None and paths.AGENCY_ID.match(a)}
    for agency in sorted(with_params | rendered | recorded):
        audit = audit_one(root, out_dir / agency, agency, agency in with_params, shared, env_now, keys)
        if book.present:
            check_ledger(audit, out_dir / agency, book)
        result.agencies.append(audit)
    if reexecute:
        reexecute_reports(root, result, reexecute, jobs=jobs, timeout=timeout, engine=engine, fork=fork)
    return result


def audit_one(root: Path, folder: Path, agency: str, has_params: bool, shared: dict, env_now: str,
              keys: dict | None = None) -> AgencyAudit:
    audit = AgencyAudit(agency)
    manifest, unreadable = _read_manifest(folder)
    if manifest is None:
        audit.status = "tampered" if unreadable else "missing"
        audit.notes.append(unreadable or ("没有报告（无 manifest.json）/ no report (no manifest.json)"
                                          if has_params or not folder.exists()
                                          else "目录中没有 manifest.json / a directory without manifest.json"))
        return audit
    audit.name = manifest.get("name", "")
    if not has_params:
        audit.notes.append("参数文件已不存在 / its parameter file is gone")
    recorded = manifest.get("outputs") or {}
    for name, digest in sorted(recorded.items()):
        now = provenance.sha256_file(folder / name)
        if now is None:
            audit.missing.append(name)
        elif now != digest:
            audit.tampered.append(name)
    failure = read_failure(folder) if (folder / provenance.FAILED).exists() else None
    if failure is not None:
        audit.failure = {k: (failure.get("error") or {}).get(k) for k in ("cause", "cell", "ename", "evalue", "message")}
        audit.failure["finished"] = failure.get("finished")
        audit.notes.append(f"较新的一次渲染失败，已保留这份报告 / a newer render failed, this report was kept: "
                           f"{failure_text(failure.get('error') or {})} ({failure.get('finished')})")
    extra = sorted(p.name for p in folder.iterdir()
                   if p.name not in recorded and p.name not in (provenance.MANIFEST, attestation.STATEMENT)
                   and not (p.name == provenance.FAILED and failure is not None))
    audit.tampered += [f"{name}（未记录 / unrecorded）" for name in extra]
    seen = set()
    for item in manifest.get("inputs") or []:
        seen.add(item["path"])
        path = Path(item["path"]) if Path(item["path"]).is_absolute() else root / item["path"]
        if provenance.sha256_file(path) != item.get("sha256"):
            audit.stale.append(item["path"])
    audit.stale += sorted(p for p in shared if p not in seen)  # a suite or template added since
    environment = manifest.get("environment")
    if environment and provenance.environment_digest(environment) != env_now:
        audit.notes.append("渲染时的环境（nianbao 或依赖包版本）与当前不同 / rendered in another environment "
                           "(nianbao or package versions differ from now)")
    if lock_note := envlock.audit_note(manifest):
        audit.notes.append(lock_note)
    if (folder / "report.ipynb").is_file():
        audit.error_cells = error_cells(folder / "report.ipynb")
    failed = manifest.get("status") != "ok"
    if failed:
        error = manifest.get("error") or {}
        audit.notes.append(f"渲染失败 / failed: [{error.get('cause')}] cell {error.get('cell')}: "
                           f"{error.get('ename') or ''} {error.get('evalue') or error.get('message', '')}".strip())
    audit.disagreements += compare_notebook(manifest, folder / "report.ipynb")
    check_statement(audit, manifest, folder, keys or {})
    flags = {"missing": bool(audit.missing), "tampered": bool(audit.tampered or audit.disagreements),
             "stale": bool(audit.stale), "failed": failed, "unsigned": audit.signature == "unsigned" and bool(keys), "verified": True}
    audit.status = next(s for s in PRECEDENCE if flags[s])
    return audit


def _read_manifest(folder: Path) -> tuple[dict | None, str]:
    """The manifest, or None and why it cannot be read ('' when there is none)."""
    path = folder / provenance.MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return None, ""
    except json.JSONDecodeError as error:
        return None, (f"{path} 不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}）/ {path} is not "
                      f"valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
    except (UnicodeDecodeError, OSError) as error:
        return None, f"{path} 无法读取 / cannot be read: {error}"
    if not isinstance(data, dict):
        return None, f"{path} 应为 JSON 对象 / {path} should hold a JSON object, found {type(data).__name__}"
    return data, ""


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "…"


def _differ(a: dict, b: dict, a_name: str, b_name: str, fields) -> list[str]:
    return [f"{f}: {a_name} {_short(a.get(f))} ≠ {b_name} {_short(b.get(f))}" for f in fields if a.get(f) != b.get(f)]


def compare_notebook(manifest: dict, notebook: Path) -> list[str]:
    """Every field where manifest.json and the executed notebook's embedded provenance differ (the
    notebook's outputs omit itself: a file cannot hold its own hash)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        embedded = nb["metadata"]["nianbao"]["provenance"]
    except (FileNotFoundError, NotADirectoryError):
        return []
    except (ValueError, KeyError, TypeError):
        return [f"report.ipynb: 没有可读的内嵌来源记录 / no readable embedded provenance "
                "(metadata.nianbao.provenance.manifest)"] if manifest.get("status") == "ok" else []
    fields = sorted((set(manifest) | set(embedded)) - {"outputs"})
    found = _differ(manifest, embedded, "manifest.json", "report.ipynb", fields)
    outputs = {k: v for k, v in (manifest.get("outputs") or {}).items() if k != notebook.name}
    if outputs != embedded.get("outputs"):
        names = sorted(k for k in set(outputs) | set(embedded.get("outputs") or {})
                       if outputs.get(k) != (embedded.get("outputs") or {}).get(k))
        found.append(f"outputs: manifest.json 与 report.ipynb 记录的哈希不同 / the hashes recorded by manifest.json "
                     f"and report.ipynb differ: {', '.join(names)}")
    return found


def check_statement(audit: AgencyAudit, manifest: dict, folder: Path, keys: dict) -> None:
    """The signed statement: its signature, its subjects against the files, its facts against the manifest."""
    path = folder / attestation.STATEMENT
    try:
        env = json.loads(path.read_bytes())
        payload, audit.signature = signing.open_envelope(env, keys)
        statement = json.loads(payload)
        assert isinstance(statement, dict)
    except FileNotFoundError:
        audit.signature = "unsigned"
        return
    except (ValueError, TypeError, AssertionError):
        audit.signature = f"invalid: {attestation.STATEMENT} 不是可读的 DSSE 信封 / not a readable DSSE envelope"
        return
    if env.get("payloadType") != signing.PAYLOAD_TYPE or statement.get("_type") != attestation.STATEMENT_TYPE:
        audit.disagreements.append(f"{attestation.STATEMENT}: 不是 in-toto 声明 / not an in-toto statement")
    if audit.signature.startswith("invalid"):
        audit.disagreements.append(f"{attestation.STATEMENT}: 签名无效 / signature {audit.signature}")
    subjects = {str(s.get("name")): (s.get("digest") or {}).get("sha256") for s in statement.get("subject") or []
                if isinstance(s, dict)}
    on_disk = {p.name for p in folder.iterdir()  # failed.json: a later failure, beside the signed report
               if p.is_file() and p.name not in (attestation.STATEMENT, provenance.FAILED)}
    for name in sorted(on_disk | set(subjects)):
        if name not in subjects:
            audit.disagreements.append(f"{name}: 签名声明中没有 / not in the signed statement")
        elif provenance.sha256_file(folder / name) != subjects[name]:
            audit.disagreements.append(f"{name}: 与签名声明的 sha256 不符 / differs from the signed statement's sha256")
    signed = attestation.manifest_view(statement)
    mine = dict(manifest, environment=manifest.get("environment")
                and provenance.environment_digest(manifest["environment"]))
    fields = (*attestation.REPORT_FIELDS, "inputs", "environment", "started", "finished")
    audit.disagreements += _differ(mine, signed, "manifest.json", "statement", fields)
    outputs = {k: v for k, v in subjects.items() if k != provenance.MANIFEST}
    if (manifest.get("outputs") or {}) != outputs:
        audit.disagreements.append("outputs: manifest.json 与签名声明记录的哈希不同 / the hashes recorded by "
                                   "manifest.json and the signed statement differ")


def check_ledger(audit: AgencyAudit, folder: Path, book: ledger.LedgerCheck) -> None:
    """The ledger's last word on this report against the statement on disk."""
    try:
        digest = attestation.payload_digest((folder / attestation.STATEMENT).read_bytes())
    except (FileNotFoundError, NotADirectoryError):
        digest = None
    recorded = book.latest.get(audit.agency)
    if audit.agency not in book.latest:
        if digest is not None or (folder / provenance.MANIFEST).exists():
            audit.disagreements.append(f"{ledger.LEDGER}: 账本中没有此报告（事后加入？）/ not in the ledger (added "
                                       "after the fact?)")
    elif recorded is not None and digest is None:
        if not (folder / provenance.MANIFEST).exists():
            audit.status = "missing"
        audit.disagreements.append(f"{ledger.LEDGER}: 账本记录了此报告，现已不在 / the ledger records a report "
                                   "here that is gone (removed after the fact)")
    elif recorded != digest:
        audit.disagreements.append(f"{ledger.LEDGER}: 账本记录的声明摘要不同（报告事后被替换）/ the ledger records "
                                   "another statement digest (the report was replaced after the fact)")
    if audit.disagreements and audit.status in ("verified", "unsigned", "stale", "failed"):
        audit.status = "tampered"


def error_cells(notebook: Path) -> list[int]:
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except ValueError:
        return [-1]
    return [i for i, cell in enumerate(_cells(nb))
            if any(o.get("output_type") == "error" for o in cell.get("outputs", []))]


def _cells(nb: dict) -> list[dict]:
    return [c for c in nb.get("cells", []) if BANNER_TAG not in c.get("metadata", {}).get("tags", [])]


# ------------------------------------------------------------------ re-execution
# What legitimately changes between two runs of the same inputs.
SCRUB = [
    (re.compile(r"/\S*?nianbao-worker-\d+-\w+/job-[\w-]+/"), "<project>/"),  # a worker's scratch project
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d|Z)?"), "<time>"),
    (re.compile(r"\b0x[0-9a-f]{6,16}\b"), "0x…"),  # object addresses in reprs
    (re.compile(r"\x1b\[[0-9;]*m"), ""),  # terminal colours in tracebacks
]


def _scrub(text: str, root: str | None) -> str:
    if root:
        text = text.replace(root.rstrip("/") + "/", "<project>/")
    for pattern, replacement in SCRUB:
        text = pattern.sub(replacement, text)
    return text


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def normal_outputs(cell: dict, root: str | None = None) -> list[str]:
    """A cell's outputs as comparable text: no execution counts, metadata or ids; times scrubbed."""
    found = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            found.append(f"[{out.get('name')}]\n{_scrub(_text(out.get('text', '')), root)}")
        elif kind in ("display_data", "execute_result"):
            for mime, value in sorted(out.get("data", {}).items()):
                value = _text(value) if not isinstance(value, dict) else json.dumps(value, sort_keys=True)
                found.append(f"[{mime}]\n{_scrub(value, root)}")
        elif kind == "error":
            found.append(f"[error] {out.get('ename')}: {_scrub(out.get('evalue', ''), root)}\n"
                         + _scrub("\n".join(out.get("traceback", [])), root))
    return found


def _window(line: str, at: int, width: int = 70) -> str:
    start = max(0, at - width)
    return ("…" if start else "") + line[start:at + width] + ("…" if at + width < len(line) else "")


def _short_diff(a: list[str], b: list[str], limit: int = 12) -> str:
    """The changed lines, on disk (-) and re-executed (+), cut to a window around where they differ."""
    old, new = "\n".join(a).splitlines(), "\n".join(b).splitlines()
    shown = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for x, y in zip(old[i1:i2], new[j1:j2]):
            at = next((k for k, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            shown += [f"- {_window(x, at)}", f"+ {_window(y, at)}"]
        shown += [f"- {_window(x, 0)}" for x in old[i1 + (j2 - j1):i2]]
        shown += [f"+ {_window(y, 0)}" for y in new[j1 + (i2 - i1):j2]]
    return "\n".join(shown[:limit] + (["…"] if len(shown) > limit else []))


def compare_notebooks(disk: dict, rerun: dict, *, disk_root: str | None = None,
                      rerun_root: str | None = None) -> list[CellDifference]:
    """Differences cell by cell between two executed notebooks (dicts), after normalising."""
    a, b = _cells(disk), _cells(rerun)
    found = []
    for index in range(max(len(a), len(b))):
        if index >= len(a):
            found.append(CellDifference(index, "extra", "re-execution has a cell more / 重新执行多出一个单元格"))
            continue
        if index >= len(b):
            found.append(CellDifference(index, "missing", "re-execution lacks this cell / 重新执行缺少此单元格"))
            continue
        if a[index].get("cell_type") != b[index].get("cell_type"):
            found.append(CellDifference(index, "cell-type", f"{a[index].get('cell_type')} → {b[index].get('cell_type')}"))
            continue
        src_a, src_b = _text(a[index].get("source", "")), _text(b[index].get("source", ""))
        if src_a != src_b:
            found.append(CellDifference(index, "source", _short_diff([src_a], [src_b])))
        out_a, out_b = normal_outputs(a[index], disk_root), normal_outputs(b[index], rerun_root)
        if out_a != out_b:
            found.append(CellDifference(index, "outputs", _short_diff(out_a, out_b)))
    return found


def _findings(data: bytes | None) -> list[str]:
    if data is None:
        return []
    try:
        findings = json.loads(data).get("findings", [])
    except (ValueError, AttributeError):
        return ["<unreadable validation.json>"]
    return sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in findings)


def compare_outputs(disk: dict[str, bytes], rerun: dict[str, bytes], *, disk_root: str | None = None,
                    rerun_root: str | None = None) -> list[CellDifference]:
    """Compare two renders of a report (file name → bytes): cell outputs, then findings."""
    if "report.ipynb" not in disk or "report.ipynb" not in rerun:
        return [CellDifference(-1, "missing", "report.ipynb absent on one side / 一方缺少 report.ipynb")]
    found = compare_notebooks(json.loads(disk["report.ipynb"]), json.loads(rerun["report.ipynb"]),
                              disk_root=disk_root, rerun_root=rerun_root)
    fa, fb = _findings(disk.get(provenance.VALIDATION)), _findings(rerun.get(provenance.VALIDATION))
    if fa != fb:
        found.append(CellDifference(-1, "findings", _short_diff(fa, fb)))
    return found


def pick(candidates: list[str], how_many: int | str) -> list[str]:
    """'all', or n reports spread evenly over the sorted list (first, …, last)."""
    if how_many == "all" or int(how_many) >= len(candidates):
        return list(candidates)
    n = int(how_many)
    return [candidates[i * len(candidates) // n] for i in range(n)]


def reexecute_reports(root: Path, result: AuditResult, how_many: int | str, *, jobs: int | None = None,
                      timeout: float | None = None, engine: dict | None = None, fork: bool = True) -> None:
    from ..batch.run import execute_jobs, plan_batch
    from ..batch.task import DEFAULT_TIMEOUT, bundle_from

    candidates = [a.agency for a in result.agencies
                  if a.status != "missing" and (result.out_dir / a.agency / "report.ipynb").is_file()
                  and report_status(provenance.read_manifest(result.out_dir / a.agency)) != "failed"
                  and (root / "params" / str(result.year) / f"{a.agency}.yaml").is_file()]
    chosen = pick(sorted(candidates), how_many)
    if not chosen:
        return
    plan = plan_batch(root, result.year, agencies=chosen, force=True, pdf=False)
    by_name = {a.agency: a for a in result.agencies}
    jobs_list = plan.jobs
    for outcome in execute_jobs(jobs_list, bundle_from(root), workers=jobs, timeout=timeout or DEFAULT_TIMEOUT,
                                pdf=False, engine=engine, fork=fork):
        job = jobs_list[outcome.index]
        audit = by_name[job.agency]
        audit.reexecuted = True
        if not outcome.ok or outcome.value.status != "ok":
            error = outcome.error if not outcome.ok else (outcome.value.error or {}).get("message", "")
            audit.differences.append(CellDifference(-1, "failed", f"re-execution failed / 重新执行失败: {error}"[:2000]))
            continue
        folder = result.out_dir / job.agency
        disk = {name: (folder / name).read_bytes() for name in ("report.ipynb", provenance.VALIDATION)
                if (folder / name).is_file()}
        audit.differences = compare_outputs(disk, outcome.value.files, disk_root=str(root))
        if audit.differences and audit.stale:
            audit.notes.append("输入在渲染后已变化，差异可能由此而来 / inputs changed since rendering, which may explain "
                               "the differences")


def format_audit(result: AuditResult) -> str:
    lines = [f"{result.year} 年输出审计 / audit of {result.out_dir}: "
             + ", ".join(f"{s} {result.count(s)}" for s in STATUSES), ""]
    if result.leftovers:
        lines += [f"被中断的运行留下的临时目录（下次渲染该年度时清除）/ left by a killed run (the next render or batch "
                  f"of the year removes them): {', '.join(result.leftovers)}", ""]
    width = max([len(a.agency) for a in result.agencies] + [6])
    for a in result.agencies:
        parts = []
        if a.signature.startswith("valid"):
            parts.append(f"已签名 signed ({a.signature.split()[-1]})")
        elif a.signature == "unsigned":
            parts.append("未签名 unsigned")
        if a.disagreements:
            parts.append(f"{len(a.disagreements)} 处不一致 disagreement(s):")
        if a.tampered:
            parts.append("被改动 tampered: " + ", ".join(a.tampered))
        if a.missing:
            parts.append("缺失 missing: " + ", ".join(a.missing))
        if a.stale:
            parts.append("输入已变 stale: " + ", ".join(a.stale))
        if a.error_cells:
            parts.append("含错误输出的单元格 error outputs in cells: " + ", ".join(map(str, a.error_cells)))
        parts += a.notes
        if a.reexecuted:
            parts.append("重新执行无差异 / re-executed: no differences" if not a.differences
                         else f"重新执行有 {len(a.differences)} 处差异 / re-executed: {len(a.differences)} difference(s)")
        lines.append(f"{a.agency:<{width}}  {a.status:<9} {'; '.join(parts)}")
        lines += [f"{'':<{width}}    {d}" for d in a.disagreements]
        for d in a.differences:
            where = f"cell {d.cell}" if d.cell >= 0 else "report"
            lines.append(f"{'':<{width}}    {where} [{d.what}]")
            lines += [f"{'':<{width}}      {line}" for line in d.detail.splitlines()]
    if result.ledger:
        lines += ["", f"账本 / ledger ({ledger.LEDGER}):"] + [f"  {p}" for p in result.ledger]
    return "\n".join(lines)
