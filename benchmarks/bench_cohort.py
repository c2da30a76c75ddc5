"""Time and peak memory of the simulated cohort per profile, split into kinematics and insoles.

    python benchmarks/bench_cohort.py [smoke book paper]

For each profile, the trials of the first ``SAMPLE_SUBJECTS[profile]`` subjects are
generated one at a time, single-threaded, exactly as :func:`humaps.data.cohort._simulate_subject`
does (kinematics = ``build_trial`` + ``mocap_from_motion``; insoles = ``simulate_insoles``).
The whole cohort's time is extrapolated from them (printed as "extrapolated"), and the
wall time with 2 worker processes is projected as total / 2 (subjects are independent jobs
of equal size, so the pool is close to ideal). ``--measure-smoke`` also runs the real
2-worker ``simulate`` on the smoke profile as a check of that projection. Peak memory is
the peak resident set size of this process (resource.getrusage, ru_maxrss).
"""
from __future__ import annotations

import resource
import sys
import time

import numpy as np

from humaps.config import resolve
from humaps.sim.anthropometry import sample_subjects
from humaps.sim.cohort import trial_rng
from humaps.sim.insoles import simulate_insoles
from humaps.sim.trials import build_trial, mocap_from_motion

SAMPLE_SUBJECTS = {"smoke": 4, "book": 2, "paper": 2}
WORKERS = 2


def peak_mib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0          # Linux reports KiB


def run(profile: str) -> None:
    cfg = resolve("cohort", profile)
    n_sub = min(SAMPLE_SUBJECTS.get(profile, 2), cfg.n_subjects)
    subjects = sample_subjects(cfg.n_subjects, cfg.cohort_seed)
    t_kin, t_ins, motion_s, n = 0.0, 0.0, 0.0, 0
    for i in range(n_sub):
        for rep in range(cfg.repetitions):
            subj, rng = subjects[i], trial_rng(cfg, i, rep)
            t0 = time.perf_counter()
            motion, _ = build_trial(subj, rng, cfg.sim_rate_hz, cfg.transition_s)
            mocap_from_motion(motion, cfg, rng)
            t1 = time.perf_counter()
            simulate_insoles(motion, mass_kg=subj.mass_kg, insole_size=subj.insole_size,
                             rng=np.random.default_rng([cfg.cohort_seed, 3, i, rep]),
                             subject_rng=np.random.default_rng([cfg.cohort_seed, 4, i]))
            t2 = time.perf_counter()
            t_kin, t_ins, n = t_kin + (t1 - t0), t_ins + (t2 - t1), n + 1
            motion_s += motion.n_frames / motion.fs
    n_total = cfg.n_subjects * cfg.repetitions
    kin, ins = t_kin / n, t_ins / n
    single = (kin + ins) * n_total
    how = "measured" if n == n_total else f"extrapolated from {n_sub} of {cfg.n_subjects} subjects"
    print(f"{profile:6s} {cfg.n_subjects} subjects x {cfg.repetitions} trials ({motion_s / n:.0f} s of motion/trial, "
          f"{cfg.sim_rate_hz:.0f} Hz): per trial kinematics {kin:.3f} s + insoles {ins:.3f} s = {kin + ins:.3f} s; "
          f"cohort single-threaded {single:.1f} s, projected with {WORKERS} workers {single / WORKERS:.1f} s "
          f"({how}); peak RSS {peak_mib():.0f} MiB")


def measure_smoke() -> None:
    from humaps.data.cohort import simulate

    cfg = resolve("cohort", "smoke")
    t0 = time.perf_counter()
    trials = simulate(cfg, workers=WORKERS, progress=False)
    dt = time.perf_counter() - t0
    print(f"smoke  measured simulate(workers={WORKERS}): {len(trials)} trials in {dt:.1f} s (incl. pool start-up); "
          f"peak RSS parent {peak_mib():.0f} MiB, largest worker {peak_mib(resource.RUSAGE_CHILDREN):.0f} MiB")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    for p in args or ["smoke", "book", "paper"]:
        run(p)
    if "--measure-smoke" in sys.argv:
        measure_smoke()
