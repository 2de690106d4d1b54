"""Provenance an auditor can trust, through the command line: every report carries a signed in-toto
statement, the year a chained signed ledger; audit checks both against the committed public keys and
names each field where manifest, notebook, statement and ledger disagree."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat

import pytest

from nianbao.provenance import attestation
from nianbao.provenance import signing
from nianbao.cli import main

from conftest import copy_project

A, B, YEAR = "jiaozuo-jyj", "another-jyj", 2021


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """A project with the office's key (outside it) and two reports written by a signed batch."""
    base = tmp_path_factory.mktemp("signed")
    root = copy_project(base / "project")
    shutil.copy(root / "data" / str(YEAR) / f"{A}.yaml", root / "data" / str(YEAR) / f"{B}.yaml")
    (root / "params" / str(YEAR) / f"{B}.yaml").write_text(f"agency: {B}\nyear: {YEAR}\n", encoding="utf-8")
    saved = {k: os.environ.get(k) for k in ("NIANBAO_HOME", signing.KEY_ENV)}
    os.environ.update(NIANBAO_HOME=str(root), NIANBAO_KEY=str(base / "home" / "key.pem"))
    try:
        assert main(["key", "init"]) == 0
        assert main(["batch", "--year", str(YEAR), "--no-pdf", "--jobs", "1"]) == 0
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return root, base / "home" / "key.pem"


@pytest.fixture
def office(signed, tmp_path, monkeypatch):
    """A copy of the signed project to tamper with; the office's key stays where it was."""
    root = tmp_path / "project"
    shutil.copytree(signed[0], root, symlinks=True)
    monkeypatch.setenv("NIANBAO_HOME", str(root))
    monkeypatch.setenv(signing.KEY_ENV, str(signed[1]))
    return root


def audit(root, capsys) -> tuple[int, str, dict]:
    capsys.readouterr()
    code = main(["audit", str(root / "outputs" / str(YEAR))])
    text = capsys.readouterr().out
    assert main(["audit", str(root / "outputs" / str(YEAR)), "--json"]) == code
    data = json.loads(capsys.readouterr().out)
    return code, text, {a["agency"]: a for a in data["agencies"]} | {"": data}


def forge(folder, name="伪造局"):
    """Edit report.html and the manifest consistently: the manifest's hash fits the new page."""
    html = (folder / "report.html").read_text(encoding="utf-8").replace("焦作市教育局", name)
    (folder / "report.html").write_text(html, encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"]["report.html"] = hashlib.sha256(html.encode()).hexdigest()
    manifest["name"], manifest["findings"]["warning"] = name, 0
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")


def test_a_signed_batch_audits_as_verified_and_signed(office, capsys):
    code, text, by = audit(office, capsys)
    assert code == 0, text
    assert {by[a]["status"] for a in (A, B)} == {"verified"}
    assert all(by[a]["signature"].startswith("valid ") for a in (A, B))
    envelope = json.loads((office / "outputs" / str(YEAR) / A / attestation.STATEMENT).read_text())
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    lines = (office / "outputs" / str(YEAR) / "ledger.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["agency"] for line in lines) == sorted([A, B])


def test_an_output_rewritten_with_its_manifest_is_caught_field_by_field(office, capsys):
    forge(office / "outputs" / str(YEAR) / A)
    code, text, by = audit(office, capsys)
    assert code == 1 and by[A]["status"] == "tampered" and by[B]["status"] == "verified"
    said = "\n".join(by[A]["disagreements"])
    assert 'name: manifest.json "伪造局" ≠ report.ipynb "焦作市教育局"' in said
    assert 'name: manifest.json "伪造局" ≠ statement "焦作市教育局"' in said
    assert "findings: manifest.json" in said and "report.html: 与签名声明的 sha256 不符" in said
    assert "伪造局" in text


def test_a_statement_regenerated_without_the_key_is_caught(office, capsys):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = office / "outputs" / str(YEAR) / A
    forge(folder)
    # The forger also rewrites the notebook's embedded record, so the files agree with each other.
    nb = json.loads((folder / "report.ipynb").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    nb["metadata"]["nianbao"]["provenance"].update(name=manifest["name"], findings=manifest["findings"],
                                                   outputs={k: v for k, v in manifest["outputs"].items()
                                                            if k != "report.ipynb"})
    (folder / "report.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    manifest["outputs"]["report.ipynb"] = hashlib.sha256((folder / "report.ipynb").read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != attestation.STATEMENT}
    own = Ed25519PrivateKey.generate()
    for who, verdict in ((None, "unsigned"), (signing.Signer(signing.key_id(own.public_key()), own), "invalid")):
        (folder / attestation.STATEMENT).write_bytes(attestation.statement_file(files, who))
        code, text, by = audit(office, capsys)
        assert code == 1 and by[A]["status"] == "tampered", text
        assert by[A]["signature"].startswith(verdict)
        said = "\n".join(by[A]["disagreements"])
        assert "report.ipynb" not in said and 'name:' not in said  # the files agree: only key and ledger tell
        assert "the ledger records another statement digest" in said
    assert "unknown key" in by[A]["signature"]


def test_the_ledger_finds_a_report_removed_or_replaced_after_the_fact(office, capsys):
    out = office / "outputs" / str(YEAR)
    old = office.parent / "old-report"
    shutil.copytree(out / A, old)
    source = office / "data" / str(YEAR) / f"{A}.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "\n# corrected\n", encoding="utf-8")
    assert main(["batch", "--year", str(YEAR), "--no-pdf", "--jobs", "1"]) == 0  # signs A anew
    shutil.rmtree(out / A)
    shutil.copytree(old, out / A)  # yesterday's report, validly signed, put back
    source.write_text(source.read_text(encoding="utf-8").replace("\n# corrected\n", ""), encoding="utf-8")
    shutil.rmtree(out / B)  # and B removed with its parameter file: nothing else remembers it
    (office / "params" / str(YEAR) / f"{B}.yaml").unlink()
    code, text, by = audit(office, capsys)
    assert code == 1, text
    assert by[A]["signature"].startswith("valid") and by[A]["status"] == "tampered"
    assert any("replaced after the fact" in d for d in by[A]["disagreements"])
    assert by[B]["status"] == "missing" and any("removed after the fact" in d for d in by[B]["disagreements"])
    # A line taken out of the ledger breaks its chain.
    ledger = out / "ledger.jsonl"
    lines = ledger.read_text().splitlines(keepends=True)
    ledger.write_text("".join(lines[:1] + lines[2:]))
    code, text, by = audit(office, capsys)
    assert code == 1 and any("the chain breaks" in p for p in by[""]["ledger"]), text


def test_an_unsigned_project_audits_as_unsigned(project, tmp_path, monkeypatch, signed, capsys):
    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "no-key.pem"))
    assert main(["render", "--agency", A, "--year", str(YEAR), "--no-pdf"]) == 0
    code, text, by = audit(project, capsys)
    assert code == 0 and by[A]["status"] == "verified" and by[A]["signature"] == "unsigned"
    assert "未签名 unsigned" in text
    # Once the office commits a public key, a report without a signature is a failure.
    shutil.copytree(signed[0] / "keys", project / "keys")
    code, text, by = audit(project, capsys)
    assert code == 1 and by[A]["status"] == "unsigned"


def test_key_init_refuses_to_overwrite_and_never_writes_the_key_into_the_project(project, tmp_path, monkeypatch,
                                                                                signed, capsys):
    key = tmp_path / "config" / "key.pem"
    monkeypatch.setenv(signing.KEY_ENV, str(key))
    assert main(["key", "init"]) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    before = key.read_bytes()
    assert main(["key", "init"]) == 2
    assert key.read_bytes() == before and "not overwritten" in capsys.readouterr().err
    [pub] = (project / "keys").glob("*.pub")
    assert b"PUBLIC KEY" in pub.read_bytes()
    monkeypatch.setenv(signing.KEY_ENV, str(project / "secret" / "key.pem"))
    assert main(["key", "init"]) == 2
    assert not (project / "secret").exists() and "must not live inside the project" in capsys.readouterr().err
    # Nothing a signed batch wrote holds the private key.
    secret = signed[1].read_bytes()
    for path in signed[0].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"PRIVATE KEY" not in data and secret not in data, path


def test_a_manifest_that_is_not_json_is_named_so(office, capsys):
    (office / "outputs" / str(YEAR) / A / "manifest.json").write_text('{"agency": "x",\n', encoding="utf-8")
    code, text, by = audit(office, capsys)
    assert code == 1 and by[A]["status"] == "tampered"
    assert "manifest.json is not valid JSON (line 2, column 1" in text and "no manifest.json" not in text


def test_the_lock_file_is_an_input_of_every_report_and_the_envelope_is_dsse(project):
    from nianbao.provenance import manifest as provenance

    params = {"agency": A, "year": YEAR}
    before = provenance.key_for(project, YEAR, A, params, False)
    (project / "uv.lock").write_text("version = 1\n", encoding="utf-8")
    [lock] = [i for i in provenance.shared_inputs(project) if i.role == "lock"]
    assert lock.path == "uv.lock" and lock.sha256 == hashlib.sha256(b"version = 1\n").hexdigest()
    assert provenance.key_for(project, YEAR, A, params, False) != before
    manifest = {"inputs": [{"role": "lock", "path": "uv.lock", "sha256": lock.sha256}], "agency": A}
    statement = attestation.build_statement(manifest, {"report.html": "0" * 64})
    deps = statement["predicate"]["buildDefinition"]["resolvedDependencies"]
    assert deps == [{"name": "uv.lock", "digest": {"sha256": lock.sha256}, "annotations": {"role": "lock"}}]
    # DSSE's pre-authentication encoding, as its specification spells the example.
    assert signing.pae("http://example.com/HelloWorld", b"hello world") == \
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
