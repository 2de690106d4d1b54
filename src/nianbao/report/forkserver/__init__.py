"""Fork-server kernels: a fresh interpreter per report without paying for its imports.

A server process imports ipykernel, pandas, great_expectations and the report's other
third-party modules once (server.py); each report's kernel is os.fork()ed from it, set up as
`python -m ipykernel_launcher` would be (own session, cwd, environment, signals, RNG seeds,
import-context defaults) and driven by jupyter_client as usual (provisioner.py). Linux ≥ 5.3
only (pidfds); elsewhere, and with fork=False, kernels start the ordinary way.

    papermill.execute_notebook(..., kernel_manager_class=kernel_manager_class(fork=True))
"""
from .client import (ADDRESS_ENV, ForkServer, ForkServerError, fork_supported, start_server, stop_servers,
                     workers_server)
from .provisioner import ForkKernelManager, ForkProvisioner, PlainKernelManager, kernel_manager_class

__all__ = ["ADDRESS_ENV", "ForkKernelManager", "ForkProvisioner", "ForkServer", "ForkServerError",
           "PlainKernelManager", "fork_supported", "kernel_manager_class", "start_server", "stop_servers", "workers_server"]
