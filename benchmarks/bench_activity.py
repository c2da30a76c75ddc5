"""Speed of the section-7 networks: training time per fold and inference windows/s.

    python benchmarks/bench_activity.py                     # book and paper profiles, CPU, 1 thread
    python benchmarks/bench_activity.py --profiles book --threads 2 --train-windows 480

For each profile and each strategy (insoles, skeleton, concat, student_teacher
given a trained teacher) it times ``--measure-epochs`` epochs on
``--train-windows`` synthetic windows and extrapolates to one fold of the
profile (a run of 1 and of 2 × ``--measure-epochs`` separates the per-epoch
cost from the fixed one: normalisation, the teacher's forward pass), scaled to
the training windows of one fold (the cohort profile's n_subjects × repetitions
× 30 windows, minus the fold's test subjects). The sweep in the book runs 3 + 9 student jobs per fold; the chapter
estimate printed at the end adds them up and divides by the worker count.
It then times inference of each encoder + classifier (eval mode, batch 256).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the synthetic windows (tests/fakes.py)


def fold_train_windows(profile: str, activity) -> int:
    from humaps.config import resolve
    from humaps.experiments.activity_loso import folds_of

    cohort = resolve("cohort", profile)
    subjects = [f"S{s + 1:02d}" for s in range(cohort.n_subjects)]
    n_test = len(folds_of(activity, subjects)[0])
    return (cohort.n_subjects - n_test) * cohort.repetitions * 30


def main() -> None:
    from fakes import make_fake_windows

    from humaps.config import resolve, update
    from humaps.models.activity_net import ActivityNet, count_parameters
    from humaps.training.activity import InputTransform, fit_strategy

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profiles", nargs="+", default=["book", "paper"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-windows", type=int, default=240)
    ap.add_argument("--measure-epochs", type=int, default=1)
    ap.add_argument("--infer-windows", type=int, default=512)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    for profile in args.profiles:
        full = resolve("activity", profile)
        cfg = update(full, epochs=args.measure_epochs, threads=args.threads, device="cpu")

        def fit(strategy, w, *, epochs, teacher=None):
            c = update(cfg, epochs=epochs)
            return fit_strategy(strategy, insole=w.insole, pose=w.pose, labels=w.label, model_cfg=c.model,
                                train_cfg=c.train, seed=0, alpha=c.alpha, distill_loss=c.distill_loss,
                                teacher=teacher)

        n_fold = fold_train_windows(profile, full)
        per_class = max(1, args.train_windows // 30)
        w = make_fake_windows(n_subjects=1, per_class=per_class, seed=0)
        n = len(w.label)
        print(f"\n== profile {profile}: {full.train.epochs} epochs, fold of {n_fold} training windows, "
              f"folds={full.folds}, threads={args.threads}")
        fold_s = {}
        teacher = None
        fit("insoles", make_fake_windows(n_subjects=1, per_class=2, seed=2), epochs=1)  # warm-up (allocations)
        for strategy in ("insoles", "skeleton", "concat", "student_teacher"):
            times = []
            for epochs in (args.measure_epochs, 2 * args.measure_epochs):  # fixed cost + per-epoch cost
                t0 = time.perf_counter()
                m = fit(strategy, w, epochs=epochs, teacher=teacher)
                times.append(time.perf_counter() - t0)
            per_epoch = (times[1] - times[0]) / args.measure_epochs
            fixed = max(times[0] - per_epoch * args.measure_epochs, 0.0)
            if strategy == "skeleton":
                teacher = m
            fold_s[strategy] = (fixed + per_epoch * full.train.epochs) * n_fold / n
            print(f"  train {strategy:16s} {per_epoch / n * 1000:7.2f} ms/window/epoch + {fixed / n * 1000:5.2f} "
                  f"ms/window once -> {fold_s[strategy]:8.1f} s per fold ({count_parameters(m.model):,} parameters)")
        n_students = len(full.student_variants())
        n_folds = 32 if full.folds == "loso" else int(full.folds)
        chapter = n_folds * (fold_s["insoles"] + fold_s["skeleton"] + fold_s["concat"]
                             + n_students * fold_s["student_teacher"]) / full.workers
        print(f"  chapter estimate: {n_folds} folds x (3 + {n_students} student jobs) / {full.workers} workers "
              f"= {chapter / 60:.1f} min")
        wi = make_fake_windows(n_subjects=1, per_class=max(1, args.infer_windows // 30), seed=1)
        for modality, x in (("insole", "insole"), ("pose", "pose")):
            net = ActivityNet(config=full.model, modality=modality).eval()
            norm = InputTransform.fit(insole=wi.insole, pose=wi.pose, config=full.train)
            inp = norm.insole(wi.insole) if x == "insole" else norm.pose(wi.pose)
            with torch.no_grad():
                net(**{x: inp[:8]})  # warm-up
                t0 = time.perf_counter()
                for s in range(0, len(inp), 256):
                    net(**{x: inp[s : s + 256]})
                dt = time.perf_counter() - t0
            print(f"  infer {modality:6s} encoder+classifier: {len(inp) / dt:9.0f} windows/s "
                  f"(input {tuple(inp.shape[1:])})")


if __name__ == "__main__":  # the guard matters: fold workers are spawned processes
    np.set_printoptions(precision=3)
    main()
