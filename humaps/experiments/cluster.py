"""Where fold jobs run: on this machine, or on a Dask cluster named by ``$HUMAPS_CLUSTER``.

:func:`humaps.experiments.crossval.run_jobs` sends every job to the Dask
scheduler at ``$HUMAPS_CLUSTER`` (e.g. ``tcp://host:8786``) when it is set,
and otherwise runs them here, in its local process pool. The choice travels
in the environment because the book's notebooks run in papermill kernels,
separate processes started by the command: ``python -m humaps <command>
--cluster ADDRESS`` (:func:`add_cluster_argument`) sets the variable for the
duration of the command (:func:`use_cluster`), before any kernel starts.
``--cluster local:N`` first starts a ``distributed.LocalCluster`` of N worker
processes with one thread each (one job at a time per process, as in the local
pool), and stops it when the command ends.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import contextmanager
from typing import Iterator

from humaps.config import ParameterError

ENV = "HUMAPS_CLUSTER"
LOCAL = re.compile(r"local:(\d+)")
ADDRESS = re.compile(r"([a-z]+://)?[^\s:/]+:\d+")  # [scheme://]host:port, as `dask scheduler` prints it
CONNECT_TIMEOUT_S = 20  # a scheduler that does not answer by then is reported as unreachable


def cluster_address() -> str | None:
    """The scheduler address jobs go to (``$HUMAPS_CLUSTER``), or None: the local process pool."""
    return os.environ.get(ENV) or None


def cluster_spec(text: str) -> str:
    """``local:N`` (N ≥ 1) or a scheduler address ``[scheme://]host:port``; else an error naming both forms."""
    local = LOCAL.fullmatch(text)
    if (local and int(local.group(1)) >= 1) or (not local and ADDRESS.fullmatch(text)):
        return text
    raise argparse.ArgumentTypeError(f"{text!r}: expected local:N (N >= 1 worker processes) "
                                     "or a Dask scheduler address such as tcp://host:8786")


def add_cluster_argument(parser: argparse.ArgumentParser) -> None:
    """Give a subcommand ``--cluster``; :func:`humaps.cli.main` runs the command inside :func:`use_cluster`."""
    parser.add_argument("--cluster", type=cluster_spec, metavar="ADDRESS|local:N",
                        help="run every fold job on the Dask scheduler at ADDRESS (e.g. tcp://host:8786), "
                             "or on a local Dask cluster of N single-threaded worker processes "
                             f"(default: the local process pool); sets ${ENV} for the command")


def _local_cluster(n_workers: int):
    """A LocalCluster whose workers start with this process's environment, like the local pool's processes.

    Dask's nanny writes its ``pre-spawn-environ`` (OMP_NUM_THREADS=1 where unset, PYTHONHASHSEED=6640)
    into *this* process's ``os.environ`` before spawning each worker, where the papermill kernels
    started later would inherit it: their thread counts and hash seed would differ from a run
    without ``--cluster``. This nanny spawns with the environment unchanged instead.
    """
    from distributed import LocalCluster, Nanny

    class InheritingNanny(Nanny):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.pre_spawn_env, self.env = {}, {}

    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, worker_class=InheritingNanny,
                        dashboard_address=":0")  # any free port: another user's cluster may hold 8787


def _check_scheduler(address: str) -> int:
    """Number of workers connected to the scheduler at ``address``; ParameterError if it does not answer."""
    from distributed import Client

    try:
        with Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False) as client:
            return len(client.nthreads())
    except (OSError, TimeoutError) as err:
        raise ParameterError(f"--cluster {address}: no Dask scheduler answered within "
                             f"{CONNECT_TIMEOUT_S} s ({err})") from None


@contextmanager
def use_cluster(spec: str | None) -> Iterator[str | None]:
    """Set ``$HUMAPS_CLUSTER`` for the ``with`` block (restored afterwards); yields the scheduler address.

    ``spec``: None (nothing changes: the local pool), ``local:N`` (a LocalCluster started here and
    closed on exit) or the address of a running scheduler (checked to answer first).
    """
    if spec is None:
        yield None
        return
    try:
        cluster_spec(spec)
    except argparse.ArgumentTypeError as err:
        raise ParameterError(f"--cluster {err}") from None
    local = LOCAL.fullmatch(spec)
    cluster = _local_cluster(int(local.group(1))) if local else None
    previous = os.environ.get(ENV)
    try:
        address = cluster.scheduler_address if cluster else spec
        n = len(cluster.workers) if cluster else _check_scheduler(address)
        print(f"fold jobs on the Dask scheduler {address} ({n} workers now)", file=sys.stderr, flush=True)
        os.environ[ENV] = address
        yield address
    finally:
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous
        if cluster is not None:
            cluster.close()
