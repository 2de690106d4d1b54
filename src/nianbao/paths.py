"""Where things live in a nianbao project, safe agency ids, and atomic writes."""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .errors import UsageError, WriteError

# An agency id becomes a file and directory name: lower-case ASCII words joined by '-' or '_'.
MAX_AGENCY_ID = 64
AGENCY_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?\Z")  # \Z: "$" would let "x\n" through
FIRST_YEAR, LAST_YEAR = 2000, 2100  # what a year argument may be; sources start in formats.FIRST_YEAR


def project_dir() -> Path:
    """The project root: $NIANBAO_HOME, else the nearest parent holding notebooks/annual_report.ipynb;
    UsageError (exit 2) outside any project."""
    env = os.environ.get("NIANBAO_HOME")
    if env:
        return Path(env).resolve()
    for here in (Path.cwd(), *Path.cwd().parents):
        if (here / "notebooks" / "annual_report.ipynb").is_file():
            return here
    # No fallback to where the package was installed from: that would read and write someone else's project.
    raise UsageError(f"{Path.cwd()} 不在 nianbao 报告项目中（找不到 notebooks/annual_report.ipynb）；"
                     "请进入项目目录、设置 NIANBAO_HOME，或用 nianbao init DIR 新建项目",
                     f"{Path.cwd()} is not inside a nianbao reports project (no notebooks/annual_report.ipynb here "
                     "or above): cd into one, set NIANBAO_HOME, or create one with 'nianbao init DIR'")


def check_agency_id(agency: str) -> str:
    if not isinstance(agency, str) or not AGENCY_ID.match(agency):
        shown = repr(agency) if len(str(agency)) <= 80 else repr(str(agency)[:77]) + "…"
        raise UsageError(
            f"机构标识 {shown} 不合规：只能用小写字母、数字、- 和 _，以字母或数字开头和结尾，"
            f"最多 {MAX_AGENCY_ID} 个字符（如 jiaozuo-jyj）"
            + (f"，现有 {len(agency)} 个" if isinstance(agency, str) and len(agency) > MAX_AGENCY_ID else ""),
            f"agency id {shown} is not allowed: use lower-case letters, digits, - and _, starting and ending with a "
            f"letter or digit, at most {MAX_AGENCY_ID} characters (e.g. jiaozuo-jyj)"
            + (f"; it has {len(agency)}" if isinstance(agency, str) and len(agency) > MAX_AGENCY_ID else ""),
        )
    return agency


def check_year(year) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value is None or str(value) != str(year).strip() or not FIRST_YEAR <= value <= LAST_YEAR:
        raise UsageError(f"年度 {year!r} 不合规：应为 {FIRST_YEAR}–{LAST_YEAR} 之间的四位年份",
                         f"year {year!r} is not allowed: expected a four-digit year from {FIRST_YEAR} to {LAST_YEAR}")
    return value


def data_dir(root: Path, value=None) -> Path:
    """Where a report's sources live: a parameter file's data_dir, which when relative is relative to the
    project root (never to wherever nianbao or the notebook's kernel runs: both resolve it here, against
    their project), else the project's data/. Kept as written in the parameters and manifest, so that a
    report reads the same from any checkout or batch worker."""
    if value is None or value == "":
        return Path(root) / "data"
    if not isinstance(value, (str, os.PathLike)):
        raise UsageError(f"参数 data_dir 应为目录路径文字，实为 {type(value).__name__}：{str(value)[:60]!r}",
                         f"the data_dir parameter must be a folder path as text, found a {type(value).__name__}: "
                         f"{str(value)[:60]!r}")
    return Path(os.path.normpath(Path(root) / value))  # '..' resolved here: a relative path never climbs unseen


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


def check_inside(path: Path, parent: Path) -> Path:
    """Refuse a path that leads out of parent (a link under it pointing elsewhere, '..'), naming the link."""
    if inside(path, parent):
        return path
    link = next((p for p in (path, *path.parents) if p.is_symlink()), None)
    zh = en = ""
    if link is not None:
        zh, en = f"（{link} 是指向 {os.readlink(link)} 的链接）", f" ({link} is a link to {os.readlink(link)})"
    raise UsageError(f"{path} 不在 {parent} 之内{zh}，不写入", f"{path} is outside {parent}{en}; not writing there")


def write_error(path: Path, error: OSError) -> WriteError:
    """A failed write as one message: the file or folder meant (not a temp file), and why in words
    (a full disk above all)."""
    zh, en = WRITE_REASONS.get(error.errno, (error.strerror or str(error), error.strerror or str(error)))
    return WriteError(f"无法写入：{zh}", f"cannot write: {en}", file=str(path))


WRITE_REASONS = {errno.ENOSPC: ("磁盘空间不足", "no space left on the device"),
                 errno.EDQUOT: ("超出磁盘配额", "disk quota exceeded"),
                 errno.EFBIG: ("文件超过系统允许的大小", "file too large for the system's limits"),
                 errno.EROFS: ("文件系统只读", "read-only file system"),
                 errno.EACCES: ("没有写入权限", "permission denied"),
                 errno.EPERM: ("没有写入权限", "operation not permitted")}


def _write_temp(path: Path, raw: bytes, mode: int | None = None, fsync: bool = True) -> str:
    """A finished (synced unless fsync=False) temp file beside path, removed again if anything fails.
    mode None: readable like any new file (0666 less the umask; mkstemp's 0600 would hide a published file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(raw)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _sync_dir(directory: Path) -> None:
    """Make a rename durable (the new name survives a power cut); best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | str, *, within: Path | None = None, fsync: bool = True) -> None:
    """Write a file so that readers see either the old content or the new, never a part.

    A link at path is replaced, never followed (rename replaces the link itself); with `within`,
    a path whose folders lead outside it (a linked folder) is refused. A failed write (full disk)
    raises WriteError and leaves the old file as it was. fsync=False skips the flush to disk (still
    atomic for readers; for bulk throwaway data)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if within is not None:
        check_inside(path.parent, within)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.is_file() and not path.is_symlink() else None
        tmp = _write_temp(path, raw, mode, fsync)
        try:
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise write_error(path, error) from None
    if fsync:
        _sync_dir(path.parent)


def write_new(path: Path, data: bytes | str, *, within: Path | None = None) -> None:
    """Write a file that must not exist yet, atomically: the complete content appears under its
    name at once (hard link of a finished temp file), and an existing file is never replaced."""
    path = Path(path)
    if within is not None:
        check_inside(path.parent, within)
    if path.exists() or path.is_symlink():
        raise exists_error(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _write_temp(path, raw)
        try:
            os.link(tmp, path)  # fails if path exists: no check-then-write race
        except FileExistsError:
            raise exists_error(path) from None
        except OSError as error:  # a filesystem without hard links: exclusive create, then the content
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            try:
                with open(path, "xb") as f:
                    f.write(raw)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as error:
        raise write_error(path, error) from None
    _sync_dir(path.parent)


def exists_error(path: Path) -> UsageError:
    return UsageError(f"{path} 已存在，不覆盖（如需重做，请先删除或改名）",
                      f"{path} already exists; not overwriting it (delete or rename it first)")


def refuse_links(path: Path, top: Path) -> None:
    """Refuse to write through a link at path or between top and path (top itself may be a link:
    outputs/ moved to a bigger disk is the user's choice; a link planted under it is not followed)."""
    for part in [path, *path.parents]:
        if part == top or top not in part.parents:
            break
        if part.is_symlink():
            raise UsageError(f"{part} 是指向 {os.readlink(part)} 的链接；nianbao 不经链接写入，请删除该链接",
                             f"{part} is a link to {os.readlink(part)}; nianbao does not write through links: remove it")


def replace_dir(new: Path, target: Path) -> None:
    """Put the complete directory new in place of target: readers see the old directory or the new
    one, never none or a part. Swapped in one step where Linux can (renameat2 RENAME_EXCHANGE);
    elsewhere renamed aside and back again if the second rename fails."""
    if target.is_symlink():  # a link planted in its place is removed, never followed
        target.unlink()
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # new now holds the old directory
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where that is not available."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this filesystem or kernel cannot swap
        return False
    raise OSError(code, os.strerror(code), str(b))
