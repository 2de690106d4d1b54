"""The wheel carries the kit's project files as package data (nianbao/kit/: what `nianbao init` copies),
taken from the checkout at build time so they live in one place. Everything else is in pyproject.toml."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

KIT_FILES = ("notebooks/annual_report.ipynb", "templates", "expectations", "requirements.lock",
             "data/2021/jiaozuo-jyj.yaml", "params/2021/jiaozuo-jyj.yaml")  # as nianbao.project.KIT_FILES


class BuildWithKit(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        here, kit = Path(__file__).resolve().parent, Path(self.build_lib) / "nianbao" / "kit"
        for name in KIT_FILES:
            target = kit / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if (here / name).is_dir():
                shutil.copytree(here / name, target, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns(".*", "__pycache__"))
            else:
                shutil.copy2(here / name, target)


setup(cmdclass={"build_py": BuildWithKit})
