"""Subject-wise k-fold cross-validation of the section-6 pose model (Tables 4–6).

Subjects (not windows) are split into ``n_folds`` groups (seeded shuffle, then
``np.array_split``): no subject is ever in a fold's training and test sets at once.
Each fold trains from scratch on the other folds' windows (normalisation and
cycle networks included) and is evaluated on its own subjects' windows; a
"test sequence" for Instability is one window. The paper's ± is the spread
across folds: we report mean and sample std over the ``n_folds`` folds.

``run_fold`` is a pure function of a picklable :class:`FoldSpec`, so folds can
run in separate processes; each fold and each whole CV run is cached on disk
(:func:`humaps.cache.cached`), keyed on the config, variant and a digest of the data.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from humaps.cache import cached
from humaps.metrics import mean_std_over_folds, per_joint_table
from humaps.experiments.pose_config import VARIANTS, PoseConfig
from humaps.training.pose import cycle_errors, predict, train_pose_model

ARRAYS = ("P", "A", "J", "subject", "label", "trial", "t0")


def sequences_to_dict(sequences) -> dict:
    """A ``PoseSequences`` (or any object / dict with P, A, J, subject, label, trial, t0, fs) → dict of arrays."""
    get = sequences.get if isinstance(sequences, dict) else lambda k: getattr(sequences, k, None)
    out = {k: np.asarray(get(k)) for k in ARRAYS if get(k) is not None}
    missing = {"P", "A", "J", "subject"} - set(out)
    if missing:
        raise ValueError(f"pose sequences need arrays {sorted(missing)} (contract of humaps.data.features.pose_sequences)")
    n = len(out["P"])
    for k, v in out.items():
        if len(v) != n:
            raise ValueError(f"pose sequences: {k!r} has {len(v)} rows, P has {n}")
    out.setdefault("label", np.array([""] * n))
    out.setdefault("trial", np.arange(n))
    out.setdefault("t0", np.zeros(n))
    out["fs"] = float(get("fs")) if get("fs") is not None else float("nan")
    return out


def data_digest(data: dict) -> str:
    """SHA-256 (20 hex) over every array's dtype, shape and bytes."""
    h = hashlib.sha256()
    for k in sorted(data):
        v = np.asarray(data[k])
        h.update(k.encode()), h.update(str(v.dtype).encode()), h.update(str(v.shape).encode())
        h.update(np.ascontiguousarray(v).tobytes() if v.dtype != object else repr(v.tolist()).encode())
    return h.hexdigest()[:20]


def subject_folds(subjects: np.ndarray, n_folds: int, seed: int) -> list[np.ndarray]:
    """Test subjects of each fold: sorted unique subjects, shuffled with ``seed``, split in ``n_folds``."""
    unique = np.unique(np.asarray(subjects).astype(str))
    if len(unique) < n_folds:
        raise ValueError(f"{n_folds}-fold subject-wise CV needs at least {n_folds} subjects, got {len(unique)}")
    order = np.random.default_rng(seed).permutation(len(unique))
    return [np.sort(part) for part in np.array_split(unique[order], n_folds)]


def fold_split(config: PoseConfig, data: dict, fold: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(train indices, test indices, test subjects) of ``fold``, after the profile's seeded subsampling."""
    folds = subject_folds(data["subject"], config.n_folds, config.pose_seed)
    if not 0 <= fold < config.n_folds:
        raise ValueError(f"fold must be in 0..{config.n_folds - 1}, got {fold}")
    test_mask = np.isin(np.asarray(data["subject"]).astype(str), folds[fold])
    rng = np.random.default_rng(config.pose_seed * 1000 + fold)
    train, test = np.flatnonzero(~test_mask), np.flatnonzero(test_mask)
    if config.max_train_windows and len(train) > config.max_train_windows:
        train = np.sort(rng.choice(train, config.max_train_windows, replace=False))
    if config.max_test_windows and len(test) > config.max_test_windows:
        test = np.sort(rng.choice(test, config.max_test_windows, replace=False))
    return train, test, folds[fold]


def take(data: dict, idx: np.ndarray) -> dict:
    return {k: (v[idx] if isinstance(v, np.ndarray) and v.ndim else v) for k, v in data.items()}


@dataclass(frozen=True)
class FoldSpec:
    """Everything one fold needs (picklable): config, fold index, data arrays, variant."""

    config: PoseConfig
    fold: int
    data: dict
    variant: str = "full"
    checkpoint_dir: str | None = None
    progress: bool = False


def run_fold(spec: FoldSpec) -> dict:
    """Train on the other folds, evaluate on this fold's subjects. Returns a dict:

    ``fold, variant, test_subjects, n_train, n_test``; ``table`` (Table-4 DataFrame of this
    fold); ``metrics`` (its Global row); ``curves`` / ``cycle_curves`` (lists of dicts);
    ``cycle_errors`` ({"train": ..., "test": ...} physical units, when cycle nets are used);
    ``predictions`` (``plot_windows`` test windows: pred, true (n,T,24,3) m, label, subject,
    trial, t0); ``train_seconds``, ``inference_frames_per_s``; ``model_state`` and
    ``model_config`` to rebuild the trained model.
    """
    cfg = spec.config.variant(spec.variant)
    fs = spec.data.get("fs", float("nan"))
    if np.isfinite(fs) and abs(fs - cfg.fs_hz) > 1e-6:
        raise ValueError(f"pose sequences are at fs={fs} Hz but PoseConfig.fs_hz={cfg.fs_hz}: "
                         "the cycle networks' velocities would be mis-scaled; build windows at fs_hz")
    train_idx, test_idx, test_subjects = fold_split(cfg, spec.data, spec.fold)
    train, test = take(spec.data, train_idx), take(spec.data, test_idx)
    t0 = time.perf_counter()
    result = train_pose_model(cfg.model_config(), cfg.train_config(), train, valid=test,
                              checkpoint_dir=spec.checkpoint_dir, progress=spec.progress)
    train_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = predict(result.model, test["P"], test["A"])
    infer_s = time.perf_counter() - t0
    table = per_joint_table(pred, test["J"])
    errors = {}
    if result.press_net is not None:
        errors = {name: cycle_errors(result.press_net, result.accel_net, part, result.stats)
                  for name, part in (("train", train), ("test", test))}
    keep = np.random.default_rng(cfg.pose_seed + spec.fold).permutation(len(test_idx))[:cfg.plot_windows]
    keep = np.sort(keep)
    return {
        "fold": spec.fold, "variant": spec.variant, "test_subjects": list(test_subjects),
        "n_train": len(train_idx), "n_test": len(test_idx), "table": table,
        "metrics": table.loc["Global", ["mpjpe_cm", "instability_cm", "mpjae_deg"]].to_dict(),
        "curves": result.curves, "cycle_curves": result.cycle_curves, "cycle_errors": errors,
        "predictions": {"pred": pred[keep], "true": test["J"][keep], "label": test["label"][keep],
                        "subject": test["subject"][keep], "trial": test["trial"][keep], "t0": test["t0"][keep]},
        "train_seconds": train_seconds,
        "inference_frames_per_s": pred.shape[0] * pred.shape[1] / max(infer_s, 1e-9),
        "model_config": cfg.model_config(),
        "model_state": {k: v.clone() for k, v in result.model.state_dict().items()},
    }


def _summarise(config: PoseConfig, variant: str, folds: list[dict]) -> dict:
    table = mean_std_over_folds([f["table"] for f in folds])
    return {"variant": variant, "config": config, "folds": folds, "table": table,
            "global": table.loc["Global"].drop("group").to_dict()}


def run_cv(config: PoseConfig, sequences, variant: str = "full", *, cache: bool = True, progress: bool = False,
           workers: int = 1, checkpoint_root: str | Path | None = None) -> dict:
    """All folds of ``variant`` → {variant, config, folds: [run_fold dicts], table, global}.

    ``table``: Table 4 layout with ``<metric>_mean`` / ``<metric>_std`` over folds (the
    paper's ±). ``workers`` > 1 runs folds in spawned processes (set ``pose_threads`` so the
    total stays within the CPU). ``checkpoint_root``: per-fold checkpoint folders, so an
    interrupted run resumes mid-fold.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown pose variant {variant!r}; expected one of {VARIANTS}")
    data = sequences_to_dict(sequences)
    digest = data_digest(data)

    def fold(k: int) -> dict:
        ckpt = None if checkpoint_root is None else str(Path(checkpoint_root) / f"{variant}_fold{k}")
        spec = FoldSpec(config=config, fold=k, data=data, variant=variant, checkpoint_dir=ckpt, progress=progress)
        return cached("pose_fold", (config, variant, k, digest), lambda: run_fold(spec), enabled=cache)

    def everything() -> dict:
        if workers > 1:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
                folds = list(pool.map(_fold_worker, [(config, data, variant, k, digest, cache, checkpoint_root)
                                                     for k in range(config.n_folds)]))
        else:
            folds = [fold(k) for k in range(config.n_folds)]
        return _summarise(config, variant, folds)

    return cached("pose_cv", (config, variant, digest), everything, enabled=cache)


def _fold_worker(args) -> dict:
    config, data, variant, k, digest, cache, checkpoint_root = args
    torch.set_num_threads(max(1, config.pose_threads))
    ckpt = None if checkpoint_root is None else str(Path(checkpoint_root) / f"{variant}_fold{k}")
    spec = FoldSpec(config=config, fold=k, data=data, variant=variant, checkpoint_dir=ckpt)
    return cached("pose_fold", (config, variant, k, digest), lambda: run_fold(spec), enabled=cache)
