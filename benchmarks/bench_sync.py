"""Accuracy, confidence and run time of the insole–mocap clock-offset estimate on a simulated cohort.

    python benchmarks/bench_sync.py [PROFILE] [--subjects N] [--windows W_S ...]

Subjects are simulated one at a time in this process (no pool) and every trial's
``mocap_offset_s`` is estimated by :func:`humaps.data.sync.estimate_offset` and compared
with the simulator's true offset. Prints, for the default signals (insole IMU angular-rate
and specific-force magnitudes vs the mocap foot's) and for the IMU-free ``force`` pair:
the |error| distribution (median, 95th percentile, max, ms), the share within 10 ms, the
confidence range and the estimation time per trial (simulation excluded). Then calibrates
:data:`humaps.data.sync.MIN_CONFIDENCE` and ``MAX_HALVES_MS`` (``OffsetEstimate.trusted``):

- unrelated streams: the insoles of trial k against the mocap of trial k + 1 (no true lag);
- short excerpts: ``--windows`` seconds (default 5 and 10) cut from every trial at random
  starts, where estimates start to fail, to see how confidence separates good from bad.
"""
from __future__ import annotations

import argparse
import dataclasses
import time
from types import SimpleNamespace

import numpy as np

from humaps.config import resolve
from humaps.data.clock_offset import MAX_HALVES_MS, MIN_CONFIDENCE, estimate_offset
from humaps.data.cohort import simulate_subject
from humaps.recordings import MocapRecording


def excerpt(tr, t0: float, seconds: float):
    """Insole [t0, t0 + seconds) and the mocap frames covering it ± 1.5 s (mocap clock), as a trial-like object."""
    mo = tr.mocap
    keep = (mo.time >= t0 - tr.mocap_offset_s - 1.5) & (mo.time < t0 + seconds - tr.mocap_offset_s + 1.5)
    mocap = MocapRecording(time=mo.time[keep], positions=mo.positions[keep], rotations=mo.rotations[keep],
                           frequency=mo.frequency)
    return SimpleNamespace(insole=tr.insole.between(t0, t0 + seconds), mocap=mocap)


def summary(err_ms: np.ndarray) -> str:
    a = np.abs(err_ms)
    return (f"|error| median {np.median(a):.2f} ms, 95th pct {np.percentile(a, 95):.2f} ms, max {a.max():.2f} ms, "
            f"mean error {np.mean(err_ms):+.2f} ms, within 10 ms {np.mean(a <= 10):.1%}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("profile", nargs="?", default="book")
    ap.add_argument("--subjects", type=int, default=None, help="override n_subjects")
    ap.add_argument("--windows", type=float, nargs="*", default=[5.0, 10.0])
    args = ap.parse_args()
    cfg = resolve("cohort", args.profile)
    if args.subjects:
        cfg = dataclasses.replace(cfg, n_subjects=args.subjects)
    variants = {"imu (default)": {}, "force": {"signals": ("force",)}}
    res = {k: {"err": [], "conf": [], "halves": [], "sec": []} for k in variants}
    unrelated, windows = [], {w: [] for w in args.windows}
    rng = np.random.default_rng(0)
    previous = None
    t_sim = 0.0
    for i in range(cfg.n_subjects):
        t0 = time.perf_counter()
        trials = simulate_subject((cfg, i))
        t_sim += time.perf_counter() - t0
        for tr in trials:
            for name, kw in variants.items():
                t0 = time.perf_counter()
                e = estimate_offset(tr, **kw)
                r = res[name]
                r["sec"].append(time.perf_counter() - t0)
                r["err"].append((e.offset_s - tr.mocap_offset_s) * 1000.0)
                r["conf"].append(e.confidence)
                r["halves"].append(abs(e.halves_ms))
            if previous is not None:
                unrelated.append(estimate_offset(SimpleNamespace(insole=tr.insole, mocap=previous.mocap)).confidence)
            for w in args.windows:
                start = rng.uniform(2.0, tr.insole.time[-1] - w - 2.0)
                e = estimate_offset(excerpt(tr, start, w))
                windows[w].append(((e.offset_s - tr.mocap_offset_s) * 1000.0, e.confidence, e.trusted))
            previous = tr
    n = len(res["imu (default)"]["err"])
    print(f"{args.profile}: {cfg.n_subjects} subjects, {n} trials (simulation {t_sim / n:.2f} s/trial)")
    for name, r in res.items():
        conf = np.array(r["conf"])
        r["trusted"] = np.mean((conf >= MIN_CONFIDENCE) & (np.array(r["halves"]) <= MAX_HALVES_MS))
        print(f"  {name:14s} {summary(np.array(r['err']))}; confidence {conf.min():.2f}–{conf.max():.2f}; "
              f"|halves| max {max(r['halves']):.2f} ms; trusted {r['trusted']:.1%}; "
              f"{np.median(r['sec']) * 1000:.0f} ms/trial (median)")
    print(f"  unrelated streams ({len(unrelated)} pairs): confidence max {max(unrelated):.3f}, "
          f"median {np.median(unrelated):.3f} (threshold MIN_CONFIDENCE = {MIN_CONFIDENCE})")
    for w, rows in windows.items():
        err, conf, trusted = np.array(rows).T
        bad, confident, trusted = np.abs(err) > 10, conf >= MIN_CONFIDENCE, trusted > 0
        print(f"  {w:g}-s excerpts ({len(err)}): {bad.mean():.1%} off by > 10 ms; confidence ≥ {MIN_CONFIDENCE}: "
              f"{confident.mean():.1%} ({(bad & confident).sum()} off by > 10 ms); trusted (halves within "
              f"{MAX_HALVES_MS:g} ms too): {trusted.mean():.1%} ({(bad & trusted).sum()} off by > 10 ms)")


if __name__ == "__main__":
    main()
