"""A reports project of an office's own (`nianbao init DIR`): the kit's report notebook, templates, suites,
the lock and the sample, copied from the wheel's package data (nianbao/kit/) or, in a checkout, from the
checkout itself. What is copied is the project's to change and commit; the code is read from the package."""
from __future__ import annotations

import shutil
from pathlib import Path

from .errors import UsageError

# What a project holds from the kit (setup.py puts the same list into the wheel).
KIT_FILES = ("notebooks/annual_report.ipynb", "templates", "expectations", "requirements.lock",
             "data/2021/jiaozuo-jyj.yaml", "params/2021/jiaozuo-jyj.yaml")
EMPTY_DIRS = ("data", "params", "outputs")
GITIGNORE = ".*.tmp/\n.batch.lock\n.ipynb_checkpoints/\n__pycache__/\n"  # outputs/ are the published reports: kept
README = """# 政府信息公开工作年度报告 / annual reports

A nianbao reports project (made by `nianbao init`). Run the commands anywhere inside it:

```sh
nianbao render --agency jiaozuo-jyj --year 2021     # the sample: outputs/2021/jiaozuo-jyj/
nianbao new --agency ID --year YEAR --name 机构名称   # a new agency's draft: data/YEAR/ID.yaml, params/YEAR/ID.yaml
nianbao batch --year YEAR && nianbao audit outputs/YEAR
```

- `data/<year>/<agency>.yaml`, `params/<year>/<agency>.yaml`: the office's source data and parameters.
- `notebooks/`, `templates/`, `expectations/`: copied from the kit at `nianbao init`; yours to commit.
  Upgrading the kit (`pip install --require-hashes -r requirements.lock` of the new version, then its wheel)
  changes the code only; to take a newer notebook, template or suite, copy it from `nianbao init NEWDIR`.
  A changed notebook, template or suite makes every report rendered before it *stale* in `nianbao audit`.
- `requirements.lock`: the Python environment the reports are rendered in (every manifest records its sha256;
  `audit` names a report rendered outside it).
- `outputs/`: what the kit writes (reports, manifests, the index).
"""


def kit_dir() -> Path:
    """Where the kit's project files are: the wheel's nianbao/kit, else the checkout (editable install)."""
    here = Path(__file__).resolve().parent
    packaged = here / "kit"
    if (packaged / "notebooks" / "annual_report.ipynb").is_file():
        return packaged
    checkout = here.parents[1]
    if (checkout / "notebooks" / "annual_report.ipynb").is_file():
        return checkout
    raise UsageError("安装的 nianbao 缺少项目文件（nianbao/kit）", "the installed nianbao lacks its project files "
                     "(nianbao/kit): reinstall it from its wheel")


def init_project(dest: Path) -> list[str]:
    """Create a reports project in dest (absent or empty); the project-relative paths written."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} 已存在且不是空目录，未写入任何文件", f"{dest} exists and is not an empty directory; "
                         "nothing written", file=str(dest))
    kit = kit_dir()
    dest.mkdir(parents=True, exist_ok=True)
    for name in EMPTY_DIRS:
        (dest / name).mkdir(exist_ok=True)
    for name in KIT_FILES:
        source, target = kit / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        else:
            shutil.copy2(source, target)
    (dest / "README.md").write_text(README, encoding="utf-8")
    (dest / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (dest / "outputs" / ".gitkeep").touch()
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
