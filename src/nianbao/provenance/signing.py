"""The office's signing key and DSSE envelopes (ed25519 through `cryptography`).

The private key lives outside the project (default ~/.config/nianbao/signing-key.pem, mode 0600;
$NIANBAO_KEY names another file) and is never written into it; its public key is committed as
keys/<keyid>.pub, and audit trusts only those. An envelope is DSSE v1: the signature covers
PAE(payloadType, payload), so a payload cannot be re-read as another type.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import UsageError

KEY_ENV = "NIANBAO_KEY"
KEYS_DIR = "keys"  # in the project: the committed public keys
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def key_path() -> Path:
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV]).expanduser()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "nianbao" / "signing-key.pem"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def _raw_public(public) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public) -> str:
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


def public_pem(public) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class Signer:
    keyid: str
    private: object  # Ed25519PrivateKey

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def init_key(root: Path, path: Path | None = None) -> tuple[Path, Path]:
    """Make the office's key at path (refusing to replace one, or to put it inside the project)
    and commit-ready keys/<keyid>.pub in the project. Returns (private path, public path)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(path or key_path()).absolute()
    if paths.inside(path, root):
        raise UsageError(f"私钥不能放在项目内：{path}（用 {KEY_ENV} 指向项目外的文件）",
                         f"the private key must not live inside the project: {path} (point {KEY_ENV} outside it)")
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} 已有私钥，不会覆盖（换一个 {KEY_ENV} 路径，或先自行移走旧钥）",
                         f"{path} already holds a key; it is not overwritten (choose another {KEY_ENV} path, "
                         "or move the old key away first)")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:  # O_EXCL: a key made meanwhile by another process is not replaced either
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} 已有私钥，不会覆盖", f"{path} already holds a key; it is not overwritten") from None
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    public = private.public_key()
    pub_path = root / KEYS_DIR / f"{key_id(public)}.pub"
    paths.write_atomic(pub_path, public_pem(public), within=root)
    load_signer.cache_clear()
    return path, pub_path


@functools.cache
def load_signer(path: Path | None = None) -> Signer | None:
    """The office's key, loaded once per process; None when there is none (reports go unsigned)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(path or key_path())
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise UsageError(f"无法读取签名私钥 {path}：{error.strerror}",
                         f"cannot read the signing key {path}: {error.strerror}") from None
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        private = None
    if not isinstance(private, Ed25519PrivateKey):
        raise UsageError(f"{path} 不是 ed25519 私钥（PEM）", f"{path} is not an ed25519 private key (PEM)")
    return Signer(key_id(private.public_key()), private)


def signer() -> Signer | None:
    return load_signer(key_path())


def trusted_keys(root: Path) -> dict[str, object]:
    """keyid → public key, from the project's committed keys/*.pub (unreadable files are skipped)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    found = {}
    for pub in sorted((Path(root) / KEYS_DIR).glob("*.pub")):
        try:
            public = serialization.load_pem_public_key(pub.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(public, Ed25519PublicKey):
            found[key_id(public)] = public
    return found


def verify(signature: dict, data: bytes, keys: dict) -> str:
    """'valid', or why not: 'unknown key …' / 'bad signature'."""
    from cryptography.exceptions import InvalidSignature

    keyid = str(signature.get("keyid", ""))
    if keyid not in keys:
        return f"unknown key {keyid!r}"
    try:
        keys[keyid].verify(base64.b64decode(str(signature.get("sig", "")), validate=True), data)
    except (InvalidSignature, ValueError):
        return "bad signature"
    return "valid"


# ------------------------------------------------------------------ DSSE
def envelope(payload: bytes, who: Signer | None, payload_type: str = PAYLOAD_TYPE) -> dict:
    """A DSSE envelope; with no key its signatures are empty (audit says unsigned)."""
    signatures = [] if who is None else [
        {"keyid": who.keyid, "sig": base64.b64encode(who.sign(pae(payload_type, payload))).decode()}]
    return {"payloadType": payload_type, "payload": base64.b64encode(payload).decode(), "signatures": signatures}


def envelope_bytes(env: dict) -> bytes:
    return (json.dumps(env, indent=2) + "\n").encode()


def open_envelope(env: dict, keys: dict) -> tuple[bytes, str]:
    """(payload, verdict): verdict 'valid <keyid>', 'unsigned' or 'invalid: …'. Raises ValueError
    when the envelope is not one."""
    if not isinstance(env, dict) or not isinstance(env.get("payload"), str):
        raise ValueError("not a DSSE envelope")
    payload = base64.b64decode(env["payload"], validate=True)
    signatures = env.get("signatures") or []
    if not signatures:
        return payload, "unsigned"
    data = pae(str(env.get("payloadType", "")), payload)
    verdicts = [(s, verify(s, data, keys)) for s in signatures if isinstance(s, dict)]
    for s, verdict in verdicts:
        if verdict == "valid":
            return payload, f"valid {s['keyid']}"
    return payload, "invalid: " + "; ".join(v for _, v in verdicts) if verdicts else "invalid: no signature"
