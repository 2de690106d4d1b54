"""Which modules the fork server imports before forking: ipykernel and what a kernel imports
while starting, then the third-party modules the report notebook reaches.

Derived, not listed by hand: the notebook's imports are followed through nianbao's own
modules (read with ast, not imported) and every third-party module met on the way is kept.
A new dependency of the kit is therefore preloaded the next time a server starts. Never
preloaded: nianbao itself (an edited module would be stale in every kernel) and
matplotlib.pyplot (it picks its backend at import, and the kernel's differs from the server's).
"""
from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

KIT = "nianbao"
# What IPKernelApp imports while starting, measured by diffing sys.modules of a fresh kernel
# against `import ipykernel.kernelapp` (debugpy alone is ~0.1 s per kernel).
KERNEL_STARTUP = ["ipykernel.kernelapp", "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger",
                  "IPython.core.logger", "IPython.core.oinspect", "IPython.extensions.storemagic",
                  "IPython.utils.wildcard", "psutil", "tornado.gen", "tornado.locks", "tornado.queues",
                  "tornado.platform.asyncio"]
# The report's libraries, kept even while the notebook does not reach them yet (rules, tables).
REPORT_LIBRARIES = ["pandas", "great_expectations", "yaml", "nbformat"]
NEVER = ("matplotlib.pyplot", "matplotlib.pylab", "pylab")


def _is_kit(name: str) -> bool:
    return name == KIT or name.startswith(KIT + ".")


def _is_third_party(name: str) -> bool:
    top = name.split(".")[0]
    return not _is_kit(name) and top not in sys.stdlib_module_names and not top.startswith("_")


def _never(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in NEVER)


def _statements(body: list):
    """Every statement of a body and of the bodies nested in it (imports are statements: no need
    to visit expressions, which are most of a tree and most of the time ast.walk takes)."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from _statements(inner)


def _imports(tree: ast.Module, package: str) -> list[str]:
    """Dotted module names imported anywhere in tree (function-level imports included)."""
    found = []
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append(module)
            # `from . import layout` imports submodules; `from x import name` may too.
            found += [f"{module}.{alias.name}" for alias in node.names if alias.name != "*"]
    return [name for name in found if name]


def _locate(name: str) -> tuple[Path, bool] | None:
    """(file, is_package) of a module, found on disk without importing anything: find_spec on
    a dotted name would import its parents (great_expectations alone costs seconds)."""
    top, *rest = name.split(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if not rest:
        origin = Path(spec.origin) if spec.origin and spec.origin not in ("built-in", "frozen") else None
        return (origin, spec.submodule_search_locations is not None) if origin else None
    places = [Path(p) for p in (spec.submodule_search_locations or [])]
    found = None
    for part in rest:
        found = None
        for place in places:
            if (place / part / "__init__.py").is_file():
                found, places = (place / part / "__init__.py", True), [place / part]
                break
            if (place / f"{part}.py").is_file():
                found, places = (place / f"{part}.py", False), []
                break
            binary = next(iter(sorted(place.glob(f"{part}.*.so"))), None)
            if binary is not None:
                found, places = (binary, False), []
                break
        if found is None:
            return None
    return found


def _module_source(name: str) -> tuple[str, str] | None:
    """(source, package) of a kit module, read without importing it."""
    found = _locate(name)
    if found is None or found[0].suffix != ".py":
        return None
    path, is_package = found
    return path.read_text(encoding="utf-8"), name if is_package else name.rpartition(".")[0]


def notebook_imports(notebook: Path) -> list[str]:
    """Modules imported by a notebook's code cells (magics and shell lines skipped)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            found += _imports(ast.parse(source), "")
        except SyntaxError:
            continue
    return found


def third_party_reached(roots: list[str]) -> list[str]:
    """Third-party modules imported by roots, following kit modules transitively."""
    seen, kept, queue = set(), [], list(roots)
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if _is_kit(name):
            found = _module_source(name)
            if found is not None:
                source, package = found
                queue += _imports(ast.parse(source), package)
        elif _is_third_party(name) and _importable(name):
            kept.append(name)
    return kept


def _importable(name: str) -> bool:
    """A dotted name that is a module (not a class imported with `from x import Name`)."""
    return _locate(name) is not None


def preload_modules(notebook: Path | None = None) -> list[str]:
    """The server's preload list, ipykernel first. notebook defaults to the project's report."""
    if notebook is None:
        from ...errors import UsageError
        from ...paths import project_dir

        try:
            notebook = project_dir() / "notebooks" / "annual_report.ipynb"
        except UsageError:  # a server started outside any project: the fixed lists only
            notebook = None
    reached = third_party_reached(notebook_imports(notebook)) if notebook and Path(notebook).is_file() else []
    ordered = []
    for name in [*KERNEL_STARTUP, *REPORT_LIBRARIES, *reached]:
        if name not in ordered and not _never(name) and not _is_kit(name) and _importable(name):
            ordered.append(name)
    return ordered
