"""A report's provenance as a signed in-toto Statement v1 with a SLSA-provenance-shaped predicate,
in a DSSE envelope (statement.dsse.json beside the report), built from its sealed manifest.

subject: every output with its sha256, manifest.json included (so no field of it can change
unseen); resolvedDependencies: every input with its sha256, the environment and the lock file.
The client that writes a report signs it (render, or the batch's one writer), so workers never
hold the key; the key is loaded once per process.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import manifest as provenance
from . import signing

STATEMENT = "statement.dsse.json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
BUILD_TYPE = "https://nianbao.invalid/annual-report/v1"
# Manifest fields the statement carries, compared one by one by audit.
REPORT_FIELDS = ("agency", "year", "name", "title", "status", "error", "parameters", "findings", "cache_key")


def build_statement(manifest: dict, hashes: dict[str, str]) -> dict:
    """hashes: output name → sha256 of what is written (manifest.json included)."""
    env = manifest.get("environment") or {}
    dependencies = [{"name": item["path"], "digest": {"sha256": item["sha256"]} if item.get("sha256") else {},
                     "annotations": {"role": item["role"], **({} if item.get("sha256") else {"absent": True})}}
                    for item in manifest.get("inputs") or []]
    if env:
        dependencies.append({"name": "environment", "digest": {"sha256": provenance.environment_digest(env)},
                             "annotations": {"python": env.get("python"), "nianbao": env.get("nianbao"),
                                             "packages": env.get("packages")}})
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha256": digest}} for name, digest in sorted(hashes.items())],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {"buildType": BUILD_TYPE,
                                "externalParameters": {k: manifest.get(k) for k in REPORT_FIELDS},
                                "resolvedDependencies": dependencies},
            "runDetails": {"builder": {"id": f"nianbao {(env.get('nianbao') or {}).get('version', '')}".strip()},
                           "metadata": {"invocationId": manifest.get("cache_key"),
                                        "startedOn": manifest.get("started"), "finishedOn": manifest.get("finished")}},
        },
    }


def statement_file(files: dict[str, bytes], who: signing.Signer | None = None) -> bytes | None:
    """The envelope for a report's files (name → bytes, manifest.json among them); None without a manifest."""
    if provenance.MANIFEST not in files:
        return None
    manifest = json.loads(files[provenance.MANIFEST])
    hashes = {name: provenance.sha256_bytes(data) for name, data in files.items() if name != STATEMENT}
    payload = json.dumps(build_statement(manifest, hashes), ensure_ascii=False, sort_keys=True).encode()
    return signing.envelope_bytes(signing.envelope(payload, who))


def with_statement(files: dict[str, bytes]) -> dict[str, bytes]:
    """files plus their signed statement; as they are without a key (a report written unsigned
    looks as it always did, and audit says unsigned)."""
    who = signing.signer()
    data = statement_file(files, who) if who is not None else None
    return files if data is None else {**files, STATEMENT: data}


def sign_folder(folder: Path) -> bytes | None:
    """Write the signed statement of a report directory being built (render's work directory),
    when there is a key."""
    folder = Path(folder)
    if signing.signer() is None:
        return None
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != STATEMENT}
    data = statement_file(files, signing.signer())
    if data is not None:
        (folder / STATEMENT).write_bytes(data)
    return data


def payload_digest(envelope_data: bytes) -> str | None:
    """The statement's digest the ledger records: sha256 of the envelope's payload."""
    try:
        return provenance.sha256_bytes(signing.open_envelope(json.loads(envelope_data), {})[0])
    except (ValueError, TypeError):
        return None


def manifest_view(statement: dict) -> dict:
    """What a statement says of the manifest's fields, in the manifest's own shape, for comparison."""
    build = statement.get("predicate", {}).get("buildDefinition", {})
    view = dict(build.get("externalParameters") or {})
    deps = build.get("resolvedDependencies") or []
    view["inputs"] = [{"role": d.get("annotations", {}).get("role"), "path": d.get("name"),
                       "sha256": d.get("digest", {}).get("sha256")} for d in deps if d.get("name") != "environment"]
    env = next((d for d in deps if d.get("name") == "environment"), None)
    view["environment"] = env and env.get("digest", {}).get("sha256")
    meta = statement.get("predicate", {}).get("runDetails", {}).get("metadata", {})
    view["started"], view["finished"] = meta.get("startedOn"), meta.get("finishedOn")
    return view
