"""Where things live in a nianbao project, safe agency ids, and atomic writes."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import UsageError

# An agency id becomes a file and directory name: lower-case ASCII words joined by '-' or '_'.
AGENCY_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")


def project_dir() -> Path:
    """The project root: $NIANBAO_HOME, else the nearest parent holding notebooks/annual_report.ipynb."""
    env = os.environ.get("NIANBAO_HOME")
    if env:
        return Path(env).resolve()
    for here in (Path.cwd(), *Path.cwd().parents):
        if (here / "notebooks" / "annual_report.ipynb").is_file():
            return here
    # Installed from a checkout (editable): the package sits in <root>/src/nianbao.
    return Path(__file__).resolve().parents[2]


def check_agency_id(agency: str) -> str:
    if not isinstance(agency, str) or not AGENCY_ID.match(agency):
        raise UsageError(
            f"机构标识 {agency!r} 不合规：只能用小写字母、数字、- 和 _（如 jiaozuo-jyj）",
            f"agency id {agency!r} is not allowed: use lower-case letters, digits, - and _ (e.g. jiaozuo-jyj)",
        )
    return agency


def check_year(year) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value is None or str(value) != str(year).strip() or not 2000 <= value <= 2100:
        raise UsageError(f"年度 {year!r} 不是四位年份", f"year {year!r} is not a four-digit year")
    return value


def source_path(root: Path, year: int, agency: str) -> Path:
    return root / "data" / str(year) / f"{check_agency_id(agency)}.yaml"


def params_path(root: Path, year: int, agency: str) -> Path:
    return root / "params" / str(year) / f"{check_agency_id(agency)}.yaml"


def output_dir(root: Path, year: int, agency: str) -> Path:
    return root / "outputs" / str(year) / check_agency_id(agency)


def inside(path: Path, parent: Path) -> bool:
    """True when path (resolved, symlinks followed) lies inside parent."""
    try:
        path.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def write_atomic(path: Path, data: bytes | str, *, fsync: bool = True) -> None:
    """Write a file so that readers see either the old content or the new, never a part.
    fsync=False skips the flush to disk (still atomic for readers; for bulk throwaway data)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():  # never write through a link planted under outputs/
        path.unlink()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 would hide a published file from its readers
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new(path: Path, data: bytes | str) -> None:
    """Write a file that must not exist yet, atomically: the complete content appears under its
    name at once (hard link of a finished temp file), and an existing file is never replaced."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise exists_error(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a project file is readable like any other
        try:
            os.link(tmp, path)  # fails if path exists: no check-then-write race
        except FileExistsError:
            raise exists_error(path) from None
        except OSError:  # a filesystem without hard links: exclusive create, then the content
            with open(path, "xb") as f:
                f.write(raw)
    finally:
        Path(tmp).unlink(missing_ok=True)


def exists_error(path: Path) -> UsageError:
    return UsageError(f"{path} 已存在，不覆盖（如需重做，请先删除或改名）",
                      f"{path} already exists; not overwriting it (delete or rename it first)")
