"""Fold jobs on a Dask cluster (a LocalCluster of 2 worker processes): same results as the local pool,
cached jobs never submitted, a killed worker's job run again and reported once."""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from fakes import make_fake_sequences, make_fake_windows

from humaps.config import ParameterError, resolve, update
from humaps.experiments import cluster
from humaps.experiments.cluster import ENV, use_cluster
from humaps.experiments.crossval import FoldResult, run_jobs


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster of 2 single-threaded workers; $HUMAPS_CLUSTER is set per run below."""
    with use_cluster("local:2") as address, pytest.MonkeyPatch.context() as mp:
        assert os.environ[ENV] == address
        mp.delenv(ENV)
        yield address


def _ran_on(address: str) -> set[str]:
    """The names of the jobs (Dask key prefixes) the scheduler at ``address`` has run."""
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        return set(client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes)))


def _on(address: str, monkeypatch, run):
    """``run()`` with $HUMAPS_CLUSTER = ``address``."""
    monkeypatch.setenv(ENV, address)
    try:
        return run()
    finally:
        monkeypatch.delenv(ENV)


def test_activity_jobs_and_their_followers_match_the_local_pool(scheduler, monkeypatch):
    from humaps.experiments.activity_loso import run_strategies

    windows = make_fake_windows(n_subjects=4, per_class=1, seed=0, insole_frames=60, pose_frames=72)
    cfg = update(resolve("activity", "smoke"), epochs=1, n_folds=2, insole_frame_step=2, pose_frame_step=2)
    run = lambda: run_strategies(cfg, windows, strategies=("insoles", "student_teacher"), sweep=False,  # noqa: E731
                                 cache=False)
    local = run()
    remote = _on(scheduler, monkeypatch, run)
    assert "activity_fold" in _ran_on(scheduler)
    # 2 folds × (insoles, and the student that follows each fold's skeleton teacher)
    assert len(remote.timings) == 4 and set(remote.predictions["strategy"]) == {"insoles", "student_teacher"}
    pd.testing.assert_frame_equal(remote.predictions, local.predictions, check_exact=True)


def test_pose_folds_match_the_local_pool_bit_for_bit(scheduler, monkeypatch):
    from humaps.experiments.pose_cv import run_cv

    seqs = make_fake_sequences(n=16, T=40, n_subjects=4)
    cfg = update(resolve("pose", "smoke"), n_folds=2, epochs=1, cycle_epochs=1, max_train_windows=8,
                 max_test_windows=4, fs_hz=100.0)
    local = run_cv(cfg, seqs, cache=False)
    remote = _on(scheduler, monkeypatch, lambda: run_cv(cfg, seqs, cache=False))
    assert "pose_fold" in _ran_on(scheduler)
    for a, b in zip(local.folds, remote.folds, strict=True):
        assert a.job == b.job
        pd.testing.assert_frame_equal(a.tables["paper"], b.tables["paper"], check_exact=True)
        np.testing.assert_array_equal(a.predictions["pred"], b.predictions["pred"])
        assert all(torch.equal(a.model_state[k], b.model_state[k]) for k in a.model_state)


def test_train_pose_sends_its_candidates_to_the_cluster(scheduler, monkeypatch, tmp_path):
    from humaps.experiments.pose_export import fit_pose_model

    cfg = update(resolve("pose", "smoke"), epochs=1, cycle_epochs=1, fs_hz=100.0, max_train_windows=8)
    seqs = make_fake_sequences(n=16, T=20, n_subjects=4)
    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "local"))
    local, _, _ = fit_pose_model(cfg, seqs)
    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "remote"))  # an empty cache: every candidate is submitted
    remote, used, _ = _on(scheduler, monkeypatch, lambda: fit_pose_model(cfg, seqs))
    assert "pose_export" in _ran_on(scheduler) and used.train.w_mpjae in cfg.w_mpjae_grid
    # the same candidates and seeds give the same weights up to the last bits, which differ between processes
    # under ATEN_CPU_CAPABILITY=default with one thread (max 1e-6 seen); any other difference is far larger
    assert all(torch.allclose(a.float(), b.float(), rtol=0.0, atol=1e-5)
               for a, b in zip(local.model.state_dict().values(), remote.model.state_dict().values()))


# --------------------------------------------------------------------------- tiny jobs

@dataclass(frozen=True)
class Counts:
    values: np.ndarray  # (n,) int


@dataclass(frozen=True)
class Job:
    fold: int
    folder: str  # where each attempt is logged


def _logged_attempts(job: Job) -> list[str]:
    log = Path(job.folder) / f"{job.fold}.attempts"
    with log.open("a") as fh:
        fh.write(f"{os.getpid()}\n")
    return log.read_text().split()


def _count(job: Job, data: Counts) -> FoldResult:
    """Logs the attempt; its result reads the (broadcast) data."""
    _logged_attempts(job)
    return FoldResult(job, (f"S{job.fold}",), int(data.values[job.fold]), 1, 0.0)


def _dies_the_first_time(job: Job, data: Counts) -> FoldResult:
    """Fold 0 kills its own worker process on its first attempt (as an OOM killer or a lost node would)."""
    attempts = _logged_attempts(job)
    if job.fold == 0 and len(attempts) == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return FoldResult(job, (f"S{job.fold}",), int(data.values[job.fold]), 1, 0.0)


def _torch_threads(job: Job, data: Counts) -> FoldResult:
    return FoldResult(job, (), torch.get_num_threads(), 0, 0.0)


def _attempts(folder: Path) -> dict[int, list[int]]:
    """{fold: process id of each attempt}."""
    return {int(p.name.split(".")[0]): [int(x) for x in p.read_text().split()] for p in folder.glob("*.attempts")}


def test_a_killed_workers_job_runs_again_and_is_reported_once(scheduler, monkeypatch, tmp_path):
    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    jobs = [Job(k, str(tmp_path)) for k in range(4)]
    results = _on(scheduler, monkeypatch, lambda: run_jobs(_dies_the_first_time, jobs, Counts(np.arange(10, 14)),
                                                           name="tiny"))
    assert sorted((r.job.fold, r.n_train) for r in results) == [(0, 10), (1, 11), (2, 12), (3, 13)]
    attempts = _attempts(tmp_path)
    assert len(attempts[0]) == 2 and len(set(attempts[0])) == 2  # killed once, then run again in another process
    assert [len(attempts[k]) for k in (1, 2, 3)] == [1, 1, 1]
    assert os.getpid() not in {pid for pids in attempts.values() for pid in pids}  # all on the workers
    assert len(list((tmp_path / "cache" / "tiny").iterdir())) == 4  # one cache entry per job, no temporary left


def test_jobs_run_with_the_requested_torch_threads(scheduler, monkeypatch, tmp_path):
    for threads in (1, 2):
        jobs = [Job(10 * threads + k, str(tmp_path)) for k in range(2)]  # threads is no part of a job's key
        results = _on(scheduler, monkeypatch, lambda: run_jobs(_torch_threads, jobs, Counts(np.arange(2)),
                                                               name="tiny", threads=threads, cache=False))
        assert [r.n_train for r in results] == [threads, threads]


def test_cached_jobs_are_not_submitted(scheduler, monkeypatch, tmp_path):
    import dask

    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    data = Counts(np.arange(5))
    follow = lambda r: [Job(r.job.fold + 2, r.job.folder)] if r.job.fold < 2 else []  # noqa: E731
    first = _on(scheduler, monkeypatch, lambda: run_jobs(_count, [Job(0, str(tmp_path)), Job(1, str(tmp_path))],
                                                         data, name="tiny", follow=follow))
    attempts = _attempts(tmp_path)
    assert sorted(attempts) == [0, 1, 2, 3] and all(len(pids) == 1 for pids in attempts.values())
    # everything (followers included) is in the workers' cache entries: nothing may reach a scheduler
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        again = _on("tcp://127.0.0.1:9", monkeypatch, lambda: run_jobs(
            _count, [Job(0, str(tmp_path)), Job(1, str(tmp_path))], data, name="tiny", follow=follow))
    assert sorted(r.job.fold for r in again) == sorted(r.job.fold for r in first) == [0, 1, 2, 3]
    assert _attempts(tmp_path) == attempts  # not one more attempt


def test_the_local_pool_starts_no_process_when_every_job_is_cached(monkeypatch, tmp_path):
    from humaps.experiments import crossval

    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    data = Counts(np.arange(5))
    follow = lambda r: [Job(r.job.fold + 2, r.job.folder)] if r.job.fold < 2 else []  # noqa: E731
    jobs = [Job(0, str(tmp_path)), Job(1, str(tmp_path))]
    first = run_jobs(_count, jobs, data, name="tiny", workers=2, follow=follow)
    monkeypatch.setattr(crossval, "ProcessPoolExecutor", None)  # starting a pool now would raise
    again = run_jobs(_count, jobs, data, name="tiny", workers=2, follow=follow)
    assert sorted(r.job.fold for r in again) == sorted(r.job.fold for r in first) == [0, 1, 2, 3]
    assert all(len(pids) == 1 for pids in _attempts(tmp_path).values())


def test_a_worker_with_another_humaps_source_refuses_jobs(tmp_path):
    from humaps.experiments.crossval import _on_worker

    with pytest.raises(RuntimeError, match="install the same commit on every worker"):
        _on_worker(_count, Job(0, str(tmp_path)), Counts(np.arange(2)), "tiny", "digest", False, str(tmp_path), 1,
                   source="0" * 64)
    assert not list(tmp_path.glob("*.attempts"))  # refused before running


def test_a_worker_running_two_tasks_at_once_refuses_jobs(monkeypatch, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as two_threads:
        with pytest.raises(RuntimeError, match="start fold-job workers with --nthreads 1"):
            _on(two_threads.scheduler_address, monkeypatch,
                lambda: run_jobs(_count, [Job(0, str(tmp_path))], Counts(np.arange(1)), name="tiny", cache=False))
    assert not list(tmp_path.glob("*.attempts"))


def test_use_cluster_sets_and_restores_the_variable(scheduler, monkeypatch):
    monkeypatch.setenv(ENV, "tcp://before:1")
    with use_cluster(scheduler) as address:
        assert address == os.environ[ENV] == scheduler
    assert os.environ[ENV] == "tcp://before:1"


def test_the_notebooks_command_passes_cluster_to_its_kernels(scheduler, monkeypatch, tmp_path):
    import humaps.book.notebooks
    from humaps.cli import main

    seen = []
    monkeypatch.setattr(humaps.book.notebooks, "execute_all", lambda **kw: seen.append(os.environ.get(ENV)))
    assert main(["notebooks", "--profile", "smoke", "--out", str(tmp_path), "--cluster", scheduler]) == 0
    assert seen == [scheduler] and ENV not in os.environ  # set while the kernels run, unset after
    with pytest.raises(SystemExit) as exit_:
        main(["notebooks", "--cluster", "local:0"])
    assert exit_.value.code == 2


def test_an_unreachable_scheduler_or_a_bad_spec_is_refused(monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(ParameterError, match="no Dask scheduler answered"):
        with use_cluster("tcp://127.0.0.1:9"):
            pass
    for bad in ("local:0", "local", "8786", "tcp://host"):
        with pytest.raises(ParameterError, match="expected local:N"):
            with use_cluster(bad):
                pass
