"""The kernel the reports run in: our kernelspec, and the kit's bytecode written ahead of a batch.

Apart from execute.py so that starting a fork server or a batch does not import papermill.
"""
from __future__ import annotations

import sys
from pathlib import Path

KERNEL_NAME = "nianbao"


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """A kernelspec for this interpreter (the venv), installed under sys.prefix on first use,
    so a user-level 'python3' kernel pointing at another Python can never run our reports."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return name
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name="Python (nianbao)", prefix=sys.prefix)
    return name


def compile_kit() -> None:
    """Write the kit's bytecode before a batch starts many kernels. Each kernel imports the kit
    afresh (the fork server preloads third-party modules only), and where no bytecode is written
    (PYTHONDONTWRITEBYTECODE) every kernel would compile it from source again:
    a fifth of the rules' time in a forked kernel. Best effort: nothing is said if it cannot."""
    import compileall

    try:
        compileall.compile_dir(str(Path(__file__).parents[1]), quiet=2)
    except OSError:
        pass
