"""Classical baselines for section 7: hand-made features + a random forest, on the deep models' folds.

One forest per input, so each deep model is compared with its own input's baseline: the
insole features below, and simple statistics of the skeleton windows (:func:`skeleton_features`).

It shows what the deep encoders buy over features a gait analyst would compute
by hand from one 3-s insole window (N, T, 38) at 100 Hz — [pressure 32 (N/cm²),
COP 4 (x, y per foot, −0.5…0.5), total force 2 (N)]:

- per-channel statistics: mean, std, min, max, 10th/50th/90th percentiles and
  the std of the first difference (how fast a channel changes) — 8 × 38;
- spectra: log power of the de-meaned channel in the bands
  0.25–1, 1–2, 2–4, 4–8, 8–16, 16–50 Hz (rfft) — 6 × 38;
- step timing from the total force of each foot crossing ``contact_threshold``
  (N): contact fraction, contact onsets per second, mean onset-to-onset
  interval, mean contact duration (per foot), and the double-support,
  single-support and flight (no foot on the ground) fractions — 11.

Everything is vectorised over windows; the classifier is scikit-learn's
RandomForestClassifier with a fixed ``random_state`` (deterministic for any n_jobs). Its depth
and number of trees are selected like the deep models' settings: on each fold's validation
subjects, scoring as many settings as the deep model it is compared with (its epochs × options),
and the selected forest is fitted on the same training subjects as that model.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

from humaps.cache import cached, data_digest
from humaps.data.channels import CLASSIFIER
from humaps.data.features import ActivityWindows
from humaps.experiments.activity_config import ActivityConfig
from humaps.experiments.activity_loso import (
    PRED_COLUMNS,
    ActivityResults,
    fold_split,
    folds_of,
)
from humaps.training.activity import face_forward

FS_INSOLE = 100.0  # Hz
BANDS_HZ: tuple[tuple[float, float], ...] = ((0.25, 1), (1, 2), (2, 4), (4, 8), (8, 16), (16, 50))
STATS = ("mean", "std", "min", "max", "p10", "p50", "p90", "diff_std")


def channel_statistics(x: np.ndarray) -> np.ndarray:
    """(N, T, C) -> (N, 8·C): the ``STATS`` of every channel over time."""
    p10, p50, p90 = np.percentile(x, [10, 50, 90], axis=1)  # each (N, C)
    parts = [x.mean(1), x.std(1), x.min(1), x.max(1), p10, p50, p90, np.diff(x, axis=1).std(1)]
    return np.concatenate(parts, axis=1)


def band_powers(x: np.ndarray, *, fs: float = FS_INSOLE, bands=BANDS_HZ) -> np.ndarray:
    """(N, T, C) -> (N, len(bands)·C): log(1 + mean power) of the de-meaned channel in each band."""
    spectrum = np.abs(np.fft.rfft(x - x.mean(axis=1, keepdims=True), axis=1)) ** 2 / x.shape[1]  # (N, F, C)
    freqs = np.fft.rfftfreq(x.shape[1], d=1.0 / fs)  # (F,)
    parts = []
    for lo, hi in bands:
        inside = (freqs >= lo) & (freqs < hi)
        power = spectrum[:, inside].mean(axis=1) if inside.any() else np.zeros(spectrum[:, 0].shape)
        parts.append(np.log1p(power))  # (N, C)
    return np.concatenate(parts, axis=1)


def step_timing(force: np.ndarray, *, threshold: float, fs: float = FS_INSOLE) -> np.ndarray:
    """(N, T, 2) total force (N) of the left and right foot -> (N, 11) gait-timing features."""
    contact = force > threshold  # (N, T, 2)
    n_frames = force.shape[1]
    onsets = ~contact[:, :-1] & contact[:, 1:]  # (N, T-1, 2): the foot touches down
    count = onsets.sum(axis=1)  # (N, 2)
    first = onsets.argmax(axis=1)  # (N, 2): index of the first onset (0 if none)
    last = (n_frames - 2) - onsets[:, ::-1].argmax(axis=1)  # (N, 2): index of the last onset
    interval = np.where(count >= 2, (last - first) / np.maximum(count - 1, 1) / fs, 0.0)  # s
    fraction = contact.mean(axis=1)  # (N, 2)
    duration = contact.sum(axis=1) / np.maximum(count, 1) / fs  # s per contact
    both = contact.all(axis=2).mean(axis=1, keepdims=True)  # (N, 1) double support
    none = (~contact.any(axis=2)).mean(axis=1, keepdims=True)  # flight
    single = 1.0 - both - none
    return np.concatenate([fraction, count * fs / n_frames, interval, duration, both, single, none], axis=1)


def classical_features(insole: np.ndarray, *, contact_threshold: float, fs: float = FS_INSOLE) -> np.ndarray:
    """(N, T, 38) insole windows -> (N, 8·38 + 6·38 + 11) float32 features."""
    if insole.ndim != 3 or insole.shape[2] != 38:
        raise ValueError(f"insole windows must be (N, T, 38), got {insole.shape}")
    x = insole.astype(np.float64)
    force = x[:, :, CLASSIFIER["force"]]  # (N, T, 2) left, right total force (N)
    feats = [channel_statistics(x), band_powers(x, fs=fs), step_timing(force, threshold=contact_threshold, fs=fs)]
    return np.concatenate(feats, axis=1).astype(np.float32)


def feature_names() -> list[str]:
    channels = [f"p{i}" for i in range(32)] + ["cop_lx", "cop_ly", "cop_rx", "cop_ry", "force_l", "force_r"]
    names = [f"{c}_{s}" for s in STATS for c in channels]
    names += [f"{c}_band{lo:g}-{hi:g}Hz" for lo, hi in BANDS_HZ for c in channels]
    timing = ["contact_fraction", "onsets_per_s", "onset_interval_s", "contact_duration_s"]
    names += [f"{t}_{side}" for t in timing for side in ("l", "r")]
    return names + ["double_support", "single_support", "flight"]


def skeleton_features(pose: np.ndarray) -> np.ndarray:
    """(N, T, 24, 3) pelvis-centred poses → (N, 4·72): mean, sd, min and max over time of every joint
    coordinate, each window first rotated to face +y (as the deep skeleton model sees it)."""
    x = face_forward(pose, "first").reshape(len(pose), pose.shape[1], -1).astype(np.float64)  # (N, T, 72)
    return np.concatenate([x.mean(1), x.std(1), x.min(1), x.max(1)], axis=1).astype(np.float32)


#: the classical baselines: strategy name → (input, its features)
FORESTS = {"classical": "insoles", "classical_skeleton": "skeleton"}
#: how the book names them beside the paper's strategies
FOREST_LABELS = {"classical": "insole-feature forest", "classical_skeleton": "skeleton-statistics forest"}
#: the deep strategy whose selection budget each forest matches
DEEP_PEER = {"classical": "insoles", "classical_skeleton": "skeleton"}


def selection_budget(config: ActivityConfig, strategy: str) -> int:
    """How many settings a deep strategy scores on its validation subjects: every epoch of every
    candidate option (the pose-facing options for the strategies that see poses)."""
    options = len(config.pose_heading_grid) if strategy in ("skeleton", "concat") else 1
    modality = {"skeleton": "pose", "concat": "both"}.get(strategy, "insole")
    return options * config.train.epochs_for(modality)


def tree_counts(config: ActivityConfig, budget: int) -> np.ndarray:
    """The forest sizes scored per depth, so that depths × sizes = ``budget`` settings (at least one
    size per depth; evenly spaced up to ``classical_trees``)."""
    n = int(np.clip(budget // len(config.forest_depths), 1, config.classical_trees))
    return np.unique(np.round(np.linspace(config.classical_trees / n, config.classical_trees, n)).astype(int))


def staged_scores(forest: RandomForestClassifier, x: np.ndarray, y: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Validation balanced accuracy (%) of the forest made of its first k trees, for each k in ``counts``.

    The first k trees of a seeded forest are exactly the trees of the k-tree forest with the same
    seed (scikit-learn draws the trees' seeds in sequence), so one forest scores every size.
    """
    from humaps.training.activity import balanced_accuracy

    probs = np.stack([t.predict_proba(x) for t in forest.estimators_])  # (trees, N, classes)
    cum = np.cumsum(probs, axis=0)
    return np.array([balanced_accuracy(y, forest.classes_[cum[k - 1].argmax(axis=1)]) for k in counts])


def fit_forest(x: np.ndarray, y: np.ndarray, *, trees: int, depth: int, seed: int, workers: int) -> RandomForestClassifier:
    return RandomForestClassifier(n_estimators=trees, max_depth=depth or None, random_state=seed,
                                  n_jobs=workers).fit(x, y)


def run_classical(config: ActivityConfig, windows: ActivityWindows, *, cache: bool = True) -> ActivityResults:
    """Both forests on the folds of ``config.n_folds``, their depth and size selected on each fold's
    validation subjects with the budget of their deep peer; predictions as ``activity_loso``'s
    (strategies "classical" on the insole features and "classical_skeleton" on the skeleton's)."""
    key = (config.classical_trees, config.forest_depths, config.contact_threshold, config.n_folds, config.val_subjects,
           config.train.epochs, config.pose_heading_grid, config.train.seed, data_digest(windows))
    return cached("activity_classical", key, lambda: _run(config, windows), enabled=cache)


def _run(config: ActivityConfig, windows: ActivityWindows) -> ActivityResults:
    features = {"classical": classical_features(windows.insole, contact_threshold=config.contact_threshold),
                "classical_skeleton": skeleton_features(windows.pose)}
    folds = folds_of(config, windows.subject)
    preds, timings, selection = [], [], []
    for strategy, x in features.items():
        counts = tree_counts(config, selection_budget(config, DEEP_PEER[strategy]))
        for f in range(len(folds)):
            m = fold_split(config, windows.subject, f)
            start = time.perf_counter()
            scores, forests = {}, {}  # (depth, trees) → validation balanced accuracy; depth → its largest forest
            for depth in config.forest_depths:
                forests[depth] = fit_forest(x[m.train], windows.label[m.train], trees=int(counts[-1]), depth=depth,
                                            seed=config.train.seed + f, workers=config.workers)
                for k, score in zip(counts, staged_scores(forests[depth], x[m.val], windows.label[m.val], counts)):
                    scores[(depth, int(k))] = score
            best = max(scores, key=lambda key: (scores[key], -list(scores).index(key)))  # ties: the first tried
            forest = forests[best[0]]
            forest.estimators_, forest.n_estimators = forest.estimators_[:best[1]], best[1]  # = the best[1]-tree forest
            seconds = time.perf_counter() - start
            selection += [{"strategy": strategy, "fold": f, "max_depth": d or "unlimited", "trees": k,
                           "validation subjects": " ".join(m.val_subjects), "validation accuracy (%)": v,
                           "selected": (d, k) == best} for (d, k), v in scores.items()]
            preds.append(pd.DataFrame({"strategy": strategy, "alpha": np.nan, "distill_loss": "", "main": True,
                                       "fold": f, "subject": windows.subject[m.test], "true": windows.label[m.test],
                                       "pred": forest.predict(x[m.test])}))
            timings.append({"strategy": strategy, "alpha": None, "distill_loss": "", "fold": f,
                            "n_train": len(m.train), "n_test": len(m.test), "train_seconds": seconds})
    return ActivityResults(pd.concat(preds, ignore_index=True)[PRED_COLUMNS], pd.DataFrame(timings), folds,
                           pd.DataFrame(selection))
