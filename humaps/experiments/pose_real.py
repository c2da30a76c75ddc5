"""The trained pose model on real Moticon recordings, and the checks we can compute there.

The real walking recordings have no motion capture, so there is no ground
truth. What can be checked is timing: a foot's predicted contact (the end of
its forward swing relative to the pelvis, :func:`predicted_contacts`) should
coincide with that insole's force onset after a swing (:func:`force_onsets`),
and the rhythm of the predicted ankles should match the insoles' step time
(:func:`step_time`). Nothing here uses labels. When the check fails, the
channels are compared one by one (:func:`shift_table`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from humaps.data.features import insole_features, normalised_input, relative_yaw
from humaps.data.realism import MIN_SWING_S, foot_contact, gait_stances, runs
from humaps.data.sync import grid, interp
from humaps.experiments.pose_cv import PoseFold
from humaps.models.pose_net import PoseNet
from humaps.skeleton import INDEX
from humaps.training.pose import predict
from humaps.verdicts import Verdict, verdict

FOOT = {0: INDEX["LeftFoot"], 1: INDEX["RightFoot"]}


def trained_model(fold: PoseFold) -> PoseNet:
    """Rebuild a fold's trained PoseNet (normalisation buffers included) from a :func:`run_fold` result."""
    model = PoseNet(fold.model_config)
    model.load_state_dict(fold.model_state)
    return model.eval()


def window_starts(n: int, window: int, hop: int) -> np.ndarray:
    """First frames of ``window``-frame windows every ``hop`` frames over ``n`` frames, the last one moved
    back to end at frame ``n`` so that every frame is covered (``n`` ≥ ``window``)."""
    assert 0 < hop <= window <= n, f"need 0 < hop {hop} <= window {window} <= frames {n}"
    starts = np.arange(0, n - window + 1, hop)
    return starts if starts[-1] + window == n else np.append(starts, n - window)


def overlap_average(pred: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """(n, ...) the windows' predictions ``pred`` (W, T, ...) blended where they overlap, each frame
    weighted by a Hann taper over its window (strictly positive, so a frame only one window covers
    keeps that window's value)."""
    T = pred.shape[1]
    w = np.hanning(T + 2)[1:-1]                                        # (T,)
    idx = (starts[:, None] + np.arange(T)).ravel()                     # (W·T,)
    total = np.zeros((n,) + pred.shape[2:])
    weight = np.zeros(n)
    np.add.at(total, idx, (pred * w.reshape((1, T) + (1,) * (pred.ndim - 2))).reshape((-1,) + pred.shape[2:]))
    np.add.at(weight, idx, np.tile(w, len(starts)))
    return total / weight.reshape((n,) + (1,) * (pred.ndim - 2))


def predict_recording(model: PoseNet, rec, *, window: int, fs_hz: float = 100.0, input_norm: str = "none",
                      transform=None) -> tuple[np.ndarray, np.ndarray]:
    """(time (M,) s, poses (M, 24, 3) m heading frame) over the whole recording: the recording's features
    (after :func:`~humaps.data.features.normalised_input`, as the model was trained) resampled onto a
    ``fs_hz`` grid (the rate the model was trained at), cut into windows of ``window`` frames overlapping
    by half, the windows' poses blended (:func:`overlap_average`). ``transform``: applied to the windowed
    model inputs (W, T, 50), columns :data:`CHANNELS` (the pressures, then the relative-yaw auxiliary
    channels), before the model sees them (:mod:`humaps.experiments.pose_transplant`).

    Why overlapping windows: the model starts every window without context, so consecutive windows left
    a jump in the poses at each boundary; a swing crossing one broke into two, neither long enough to count
    as a step, and a 2-s stride (the slow real recording) crosses one in most swings. Blending raised the
    real onsets matched from 55 % to 64 % (the same four fold models, book profile).
    """
    P, A, _ = insole_features(normalised_input(rec, input_norm))
    t = grid(rec.time[0], rec.time[-1], fs_hz)
    if len(t) < window:                                                # too short for one window
        return t[:0], np.zeros((0, 24, 3))
    P, A = interp(rec.time, P, t), interp(rec.time, A, t)
    starts = window_starts(len(t), window, max(window // 2, 1))
    idx = starts[:, None] + np.arange(window)                          # (W, T) frames of each window
    P, A = P[idx].astype(np.float32), relative_yaw(A[idx])
    if transform is not None:
        x = transform(np.concatenate([P, A], axis=-1))
        P, A = x[..., :P.shape[-1]], x[..., P.shape[-1]:]
    poses = predict(model, P, A)  # (W, T, 24, 3)
    return t, overlap_average(poses, starts, len(t))


#: a swing, seen in the poses: the foot moves forward relative to the pelvis faster than this (m/s) ...
SWING_SPEED_M_S = 0.3
#: ... for at least this long (s) ...
SWING_RUN_S = 0.12
#: ... and advances at least this far (m): a step, not a shuffle (walking steps are ≥ 0.4 m long, so the
#: ankle moves ≥ 0.2 m forward relative to the pelvis in every swing)
SWING_ADVANCE_M = 0.1


def predicted_contacts(poses: np.ndarray, fs: float) -> list[np.ndarray]:
    """Per side (left, right), frame indices where the foot lands, from poses (M, 24, 3) m in the heading
    frame (pelvis-centred, body facing +y) at ``fs`` Hz.

    A landing ends a forward swing: the ankle's forward speed relative to the pelvis exceeds
    :data:`SWING_SPEED_M_S` for :data:`SWING_RUN_S` while it advances :data:`SWING_ADVANCE_M`; it lands
    at its most forward point, where that speed reaches zero after the swing's peak (the kinematic heel
    strike of Zeni et al. 2008). Standing, and a foot planted under a moving body (it moves backward),
    give none.

    The landing is the speed's zero, not its fall to a fraction of the peak: terminal swing decelerates
    for longer in slow walking, and with a landing at 30 % of the peak the true poses of simulated walks
    at 60–85 steps/min (25 Hz) matched 80 % of their force onsets, with the zero 87 % (99 % either way
    at the subjects' own pace, 94–120 steps/min).
    """
    out = []
    for side in (0, 1):
        y = poses[:, FOOT[side], 1]
        v = np.gradient(y) * fs if len(y) > 1 else np.zeros_like(y)
        on, off = runs(v > SWING_SPEED_M_S)
        hits = []
        for a, b in zip(on, off):                       # one run per step, not per frame
            if (b - a) / fs < SWING_RUN_S or y[min(b, len(y) - 1)] - y[a] < SWING_ADVANCE_M:
                continue
            peak = a + int(np.argmax(v[a:b]))
            stop = np.flatnonzero(v[peak:] <= 0.0)
            if stop.size:
                hits.append(peak + int(stop[0]))
        out.append(np.asarray(hits, dtype=int))
    return out


def force_onsets(rec) -> list[np.ndarray]:
    """Per side, the times (s) where the insole's force rises after a swing of at least
    :data:`~humaps.data.realism.MIN_SWING_S` (:func:`humaps.data.realism.foot_contact`)."""
    f = rec.total_force
    mask = foot_contact(f, rec.rate_hz)
    min_gap = int(round(MIN_SWING_S * rec.rate_hz))
    out = []
    for side in (0, 1):
        gap_on, gap_off = runs(~mask[:, side])
        ends = gap_off[(gap_off - gap_on >= min_gap) & (gap_on > 0) & (gap_off < len(f))]
        out.append(rec.time[ends])
    return out


def onset_matches(rec, time: np.ndarray, poses: np.ndarray, *, tolerance_s: float = 0.15) -> pd.DataFrame:
    """One row per force onset (:func:`force_onsets`) of ``rec`` where there are poses: its side, time (s),
    the signed lag (s, predicted − force) of the nearest predicted contact (:func:`predicted_contacts`; NaN
    without one), whether that lies within ``tolerance_s``, and its place in the foot's walk: ``"first"``
    or ``"last"`` onset of that foot in the recording (starting and stopping), else ``"inside"``.

    ``time`` (M,) s and ``poses`` (M, 24, 3): :func:`predict_recording`'s output.
    """
    fs_pose = 1.0 / float(np.median(np.diff(time)))
    rec = rec.between(rec.time[0], time[-1] + 1e-9)          # the force where there are poses
    rows, counts = [], []
    for side, (contacts, onsets) in enumerate(zip(predicted_contacts(poses, fs_pose), force_onsets(rec))):
        contacts = time[contacts]
        if len(contacts) and len(onsets):
            lag = contacts[None, :] - onsets[:, None]  # (onsets, contacts) s
            nearest = lag[np.arange(len(onsets)), np.abs(lag).argmin(axis=1)]
        else:
            nearest = np.full(len(onsets), np.nan)
        place = np.full(len(onsets), "inside", dtype=object)
        if len(onsets):
            place[-1], place[0] = "last", "first"             # a single onset counts as the first
        rows.append(pd.DataFrame({"side": "left" if side == 0 else "right", "onset (s)": onsets,
                                  "lag (s)": nearest, "matched": np.abs(nearest) <= tolerance_s,
                                  "step": place}))
        counts.append(len(contacts))
    out = pd.concat(rows, ignore_index=True)
    out.attrs["predicted contacts"] = counts                  # per side, for contact_agreement
    return out


def contact_agreement(rec, time: np.ndarray, poses: np.ndarray, *, tolerance_s: float = 0.15) -> pd.DataFrame:
    """Per side: force onsets (:func:`force_onsets`), predicted contacts (:func:`predicted_contacts`), how
    many onsets have a predicted contact within ``tolerance_s``, and the median signed lag
    (predicted − force) of those matches (:func:`onset_matches`, summed per side).

    ``time`` (M,) s and ``poses`` (M, 24, 3): :func:`predict_recording`'s output.
    """
    per = onset_matches(rec, time, poses, tolerance_s=tolerance_s)
    n_contacts = per.attrs["predicted contacts"]
    rows = []
    for side, name in enumerate(("left", "right")):
        mine = per[per["side"] == name]
        hit = mine["matched"].to_numpy(bool)
        rows.append({"side": name, "force onsets": len(mine), "predicted contacts": n_contacts[side],
                     f"matched within {tolerance_s:g} s": int(hit.sum()),
                     "median lag (s)": float(np.median(mine["lag (s)"][hit])) if hit.any() else float("nan")})
    return pd.DataFrame(rows)


def onsets_by_place(matches: pd.DataFrame) -> pd.DataFrame:
    """Share of force onsets matched (%) and their number, per recording, at the first or last onset of a
    foot (starting and stopping) and inside the walk (``matches``: :func:`onset_matches` rows with a
    ``recording`` column, pooled over fold models when they have a ``fold`` column)."""
    edge = np.where(matches["step"] == "inside", "inside the walk", "first or last step of a foot")
    g = matches.assign(where=edge).groupby(["recording", "where"])["matched"]
    table = pd.DataFrame({"onsets": g.size(), "matched (%)": 100 * g.mean()}).unstack("where")
    table.columns = [f"{b}: {a}" for a, b in table.columns]
    return table.sort_index(axis=1)


def step_time(rec, time: np.ndarray, poses: np.ndarray, *, max_step_s: float = 1.5) -> dict:
    """Step time (s) of one recording two ways that share nothing but the clock: from the insoles, the
    median interval between successive force onsets of alternate feet (:func:`force_onsets`, intervals
    up to ``max_step_s``); from the predicted poses, half the period of the left−right difference of the
    ankles' forward positions, over the span the insoles say is walking (the first autocorrelation maximum after its first negative value, refined by a
    parabola). No contact detector on the poses: an independent check of their rhythm."""
    onsets = sorted((t, s) for s, ts in enumerate(force_onsets(rec)) for t in ts)
    steps = [b[0] - a[0] for a, b in zip(onsets, onsets[1:]) if a[1] != b[1] and b[0] - a[0] <= max_step_s]
    force = float(np.median(steps)) if steps else float("nan")
    pose = float("nan")
    if len(onsets) >= 2:
        span = (time >= onsets[0][0]) & (time <= onsets[-1][0])
        d = poses[span, FOOT[0], 1] - poses[span, FOOT[1], 1]
        d = d - d.mean()
        fs = 1.0 / float(np.median(np.diff(time)))
        ac = np.correlate(d, d, mode="full")[len(d) - 1:]
        negative = np.flatnonzero(ac < 0)              # half a stride: the feet in anti-phase
        lo = int(negative[0]) if negative.size else len(ac)
        hi = min(len(ac) - 1, int(round(2 * max_step_s * fs)))
        if hi > lo + 2:
            k = lo + int(np.argmax(ac[lo:hi]))         # one stride: the first peak after it
            if 0 < k < len(ac) - 1:                    # parabolic refinement of the peak
                den = ac[k - 1] - 2 * ac[k] + ac[k + 1]
                k = k + (0.5 * (ac[k - 1] - ac[k + 1]) / den if den != 0 else 0.0)
            pose = float(k / fs / 2)
    return {"step time, insoles (s)": force, "step time, poses (s)": pose, "error (s)": pose - force}


# --------------------------------------------------------------------------- when the check fails: why

CHANNELS: tuple[str, ...] = (*(f"pressure L{k}" for k in range(1, 17)), *(f"pressure R{k}" for k in range(1, 17)),
                             "acc L x", "acc L y", "acc L z", "acc R x", "acc R y", "acc R z",
                             "pitch L", "yaw L", "roll L", "pitch R", "yaw R", "roll R",
                             "COP L x", "COP L y", "COP R x", "COP R y", "force L", "force R")


def walking_segments(trials, *, label: str = "Walking") -> list:
    """The insole recordings of every ``label`` segment of simulated (annotated) trials."""
    return [tr.insole.between(s, e) for tr in trials
            for s, e in tr.annotations.loc[tr.annotations["label"] == label, ["start_s", "end_s"]].to_numpy()]


def input_frames(recordings: list, *, input_norm: str = "none", window: int = 100, walking_only: bool = False,
                 augment: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Every frame of ``recordings`` as the model's input channels: (frames, 50), columns :data:`CHANNELS`.

    As the model sees them: after ``input_norm`` (:func:`~humaps.data.features.normalised_input`), each
    foot's yaw relative to consecutive windows of ``window`` frames (:func:`relative_yaw`; absolute yaw
    is arbitrary; a last partial window is left out), and with ``augment`` > 0 through the training's
    device augmentation (:func:`humaps.training.augment.augment_windows`, seeded by ``seed``).
    ``walking_only``: just the windows inside each recording's walking (:func:`walking_span`), so that
    standing before and after a walk does not count.
    """
    import torch

    from humaps.training.augment import augment_windows

    out = []
    generator = torch.Generator().manual_seed(seed)
    for r in recordings:
        P, A, _ = insole_features(normalised_input(r, input_norm))
        a, b = walking_span(r) if walking_only else (0, len(P))
        n = ((b - a) // window) * window
        P = P[a:a + n].reshape(-1, window, P.shape[1]).astype(np.float32)
        A = relative_yaw(A[a:a + n].reshape(-1, window, A.shape[1]))
        if augment > 0 and len(P):
            P, A = (x.numpy() for x in augment_windows(torch.as_tensor(P), torch.as_tensor(A), generator, augment))
        out.append(np.concatenate([P, A], axis=-1).reshape(-1, len(CHANNELS)))
    return pd.DataFrame(np.concatenate(out), columns=list(CHANNELS))


def walking_span(rec) -> tuple[int, int]:
    """(first, last + 1) frame of ``rec``'s walking: from the first complete gait stance's start to the
    last one's end, either foot (:func:`humaps.data.realism.gait_stances`); the whole recording without."""
    try:
        stances, _ = gait_stances(rec)
    except ValueError:
        return 0, rec.n_frames
    on = [o for o, _ in stances if len(o)]
    off = [e for _, e in stances if len(e)]
    return (min(o[0] for o in on), max(e[-1] for e in off)) if on else (0, rec.n_frames)


def channel_shift(simulated: pd.DataFrame, real: pd.DataFrame) -> pd.DataFrame:
    """Per model input channel (:func:`input_frames` of each), the median of the simulated and of the real
    frames and their two-sample Kolmogorov–Smirnov distance, largest first."""
    from scipy.stats import ks_2samp

    rows = [{"channel": name, "simulated median": simulated[name].median(), "real median": real[name].median(),
             "KS distance": ks_2samp(simulated[name], real[name]).statistic}
            for name in CHANNELS]
    return pd.DataFrame(rows).sort_values("KS distance", ascending=False).set_index("channel")


#: why a channel's real walking may lie far from the simulated one: the physics, by channel group
WHY: dict[str, str] = {
    "pitch": "the foot's pitch through the stride: the simulated foot, driven by normative joint-angle curves, "
             "leaves the floor less steeply than the real feet and stays flat for a shorter part of the stance; "
             "raw, a gyroscope offset near the orientation filter's correction rate also drifts it (the real right "
             "insole of the main wearer has one)",
    "roll": "the foot's roll in walking: the simulated foot rolls mirror-symmetrically (supination at push-off), "
            "while both real insoles read the same roll; raw, gyroscope offsets drift it as they drift pitch",
    "yaw": "the foot's turning within a window: the simulated foot yaws by one program per subject, real walks "
           "turn and weave",
    "acc": "gravity and the foot's own acceleration along the insole: its tilt (mounting, and the foot's roll) "
           "and, in swing, the simulated foot accelerating forward at toe-off where the real one does not",
    "COP": "where the load sits across the insole: the simulated line of progression is one line per foot",
    "pressure": "the simulated centre of pressure, that of a kinematic body's inverted pendulum, stays on the "
                "heel longer in stance than the real one: heel cells loaded more, forefoot cells less",
    "force": "how long each foot carries how much: the simulated stance is a shorter part of the stride than the "
             "real one, so its force is zero more often; raw, also the wearers' weights",
}


def why(channel: str) -> str:
    """The physics behind a real-vs-simulated difference in ``channel`` (:data:`WHY`)."""
    return next(text for key, text in WHY.items() if channel.split()[0] == key or channel.startswith(key))


def shift_table(simulated: list, real: list, *, input_norm: str, window: int, augment: float = 0.0) -> pd.DataFrame:
    """Per model input channel, the KS distance between the walking of the ``real`` and of the ``simulated``
    recordings (:func:`input_frames`, walking only): raw, and as the model sees them (``input_norm``, and
    for the training side ``augment``); the medians of the latter; and, where it exceeds
    :data:`KS_MAX`, :func:`why`. Largest model-input distance first."""
    kw = dict(window=window, walking_only=True)
    raw = channel_shift(input_frames(simulated, **kw), input_frames(real, **kw))
    seen = channel_shift(input_frames(simulated, input_norm=input_norm, augment=augment, **kw),
                         input_frames(real, input_norm=input_norm, **kw))
    out = seen.rename(columns={"KS distance": "KS, model input"})
    out.insert(0, "KS, raw", raw["KS distance"])
    out["why"] = [why(c) if d > KS_MAX else "" for c, d in out["KS, model input"].items()]
    return out


#: the largest KS distance between real and simulated walking a channel may have
KS_MAX = 0.2


def true_poses_at(trial, t: np.ndarray) -> np.ndarray | None:
    """(M, 24, 3) m ``trial``'s motion capture at the times ``t`` (s, insole clock) in the heading frame, its
    short gaps filled (:func:`~humaps.data.sync.fill_short_gaps`, as the training windows); None when a
    longer gap remains inside ``t``: a detector fed made-up positions would be tested on them."""
    from humaps.data.sync import fill_short_gaps
    from humaps.skeleton import heading_normalised

    positions, _ = fill_short_gaps(trial.mocap.time, trial.mocap.positions)
    poses = heading_normalised(interp(trial.mocap.time + trial.mocap_offset_s, positions, t))
    return None if np.isnan(poses).any() else poses


def walking_agreement(model: PoseNet | None, trials, *, window: int, fs_hz: float, input_norm: str = "none",
                      transform=None) -> pd.DataFrame:
    """:func:`contact_agreement` rows of every annotated walk of simulated ``trials``, with the true poses
    (:func:`true_poses_at`; ``poses`` = "true") and, given a ``model``, its predicted poses ("predicted") on the
    same frames. A walk whose motion capture has a long gap is left out of both (counted in the column
    ``walks left out (mocap gaps)``). ``transform``: applied to the model's inputs (:func:`predict_recording`)."""
    rows, skipped = [], 0
    for tr in trials:
        for s, e in tr.annotations.loc[tr.annotations["label"] == "Walking", ["start_s", "end_s"]].to_numpy():
            rec = tr.insole.between(s, e)
            t = grid(rec.time[0], rec.time[-1], fs_hz)
            true = true_poses_at(tr, t) if len(t) >= window else None
            if true is None:
                skipped += 1
                continue
            rows.append(contact_agreement(rec, t, true).assign(poses="true"))
            if model is not None:
                t, pred = predict_recording(model, rec, window=window, fs_hz=fs_hz, input_norm=input_norm,
                                            transform=transform)
                rows.append(contact_agreement(rec, t, pred).assign(poses="predicted"))
    if not rows:  # no walk as long as a window: an empty table with its columns, not a crash in pd.concat
        rows = [pd.DataFrame(columns=["side", "force onsets", "predicted contacts", "matched within 0.15 s",
                                      "median lag (s)", "poses"])]
    return pd.concat(rows, ignore_index=True).assign(**{"walks left out (mocap gaps)": skipped})


def simulated_control(model: PoseNet, trials, *, window: int, fs_hz: float, input_norm: str = "none",
                      transform=None, true_poses: bool = True) -> pd.DataFrame:
    """The same timing check on simulated walking (subjects the model never saw), where the truth is
    known: with the model's predicted poses and (``true_poses``) with the true poses through the same
    detector (:func:`walking_agreement`, summed per kind of poses)."""
    rows = walking_agreement(model, trials, window=window, fs_hz=fs_hz, input_norm=input_norm, transform=transform)
    rows = rows if true_poses else rows[rows["poses"] == "predicted"]
    return rows.groupby("poses")[["force onsets", "predicted contacts", "matched within 0.15 s"]].sum()


# --------------------------------------------------------------------------- the chapter's verdicts (issue 18's bars)

ONSETS_MATCHED = 0.75  # real recordings, and simulated walking with predicted poses: share of force onsets matched
DETECTOR_MATCHED = 0.95  # the contact detector on the true poses of simulated walking
STEP_TIME_TOLERANCE = 0.10  # step time from the predicted ankles, as a fraction of the insoles'


def onsets_by_fold(agreement: pd.DataFrame) -> pd.DataFrame:
    """Share of force onsets matched (%), recording × fold model, with every recording's and every fold's
    pooled share (``agreement``: :func:`contact_agreement` rows with ``recording`` and ``fold`` columns)."""
    sums = agreement.groupby(["recording", "fold"])[["matched within 0.15 s", "force onsets"]].sum()
    table = (100 * sums.iloc[:, 0] / sums.iloc[:, 1]).unstack("fold")
    table.columns = [f"fold {k}" for k in table.columns]
    by_rec = sums.groupby("recording").sum()
    table["all folds"] = 100 * by_rec.iloc[:, 0] / by_rec.iloc[:, 1]
    by_fold = sums.groupby("fold").sum()
    table.loc["all recordings"] = [*(100 * by_fold.iloc[:, 0] / by_fold.iloc[:, 1]),
                                   100 * sums.iloc[:, 0].sum() / sums.iloc[:, 1].sum()]
    return table


def coverage(real: list, simulated: list, agreement: pd.DataFrame) -> pd.DataFrame:
    """Per real recording (in ``real``'s order, named "recording k"): its cadence and stance duration from the
    insoles (:func:`humaps.data.realism.gait_statistics`), the simulated walking segments' 5–95 % range of each
    (in the column names) and whether the recording lies inside it, and its share of force onsets matched
    over the fold models (``agreement`` as in :func:`onsets_by_fold`). A recording outside the walking the
    models trained on asks them to extrapolate."""
    from humaps.data import realism

    sim = []
    for seg in simulated:
        try:
            sim.append(realism.gait_statistics(seg))
        except ValueError:                          # no complete stance in that segment
            continue
    rows = {}
    for k, rec in enumerate(real):
        d = realism.gait_statistics(rec)
        rows[f"recording {k + 1}"] = {key: d[key] for key in ("cadence_spm", "stance_s")}
    table = pd.DataFrame(rows).T
    out = pd.DataFrame(index=table.index)
    for key, label in (("cadence_spm", "cadence (steps/min)"), ("stance_s", "stance (s)")):
        lo, hi = np.nanpercentile([d[key] for d in sim], [5, 95])
        out[f"{label}; simulated {lo:.2f}–{hi:.2f}"] = table[key]
        out[f"{label.split(' (')[0]} inside"] = table[key].between(lo, hi)
    sums = agreement.groupby("recording")[["matched within 0.15 s", "force onsets"]].sum()
    out["matched, all folds (%)"] = 100 * sums.iloc[:, 0] / sums.iloc[:, 1]
    return out


def onsets_verdict(agreement: pd.DataFrame) -> Verdict:
    """Real recordings: at least :data:`ONSETS_MATCHED` of force onsets have a predicted contact within 0.15 s
    (``agreement``: :func:`contact_agreement` rows of every recording, of every fold model when it has a
    ``fold`` column: the onsets are pooled over the models and the evidence gives each model's share)."""
    matched, onsets = int(agreement["matched within 0.15 s"].sum()), int(agreement["force onsets"].sum())
    evidence = f"{matched} of {onsets} onsets matched ({matched / max(onsets, 1):.0%})"
    if "fold" in agreement:
        per = agreement.groupby("fold")[["matched within 0.15 s", "force onsets"]].sum()
        share = per.iloc[:, 0] / per.iloc[:, 1]
        evidence += (f" over {len(per)} fold models; one model alone: {share.min():.0%}–{share.max():.0%}")
    return verdict(f"On real recordings, at least {ONSETS_MATCHED:.0%} of force onsets have a predicted foot contact "
                   "within 0.15 s", matched >= ONSETS_MATCHED * onsets, evidence)


def step_time_verdict(steps: pd.DataFrame) -> Verdict:
    """Every real recording's step time from the predicted ankles within :data:`STEP_TIME_TOLERANCE` of the
    insoles' (``steps``: one :func:`step_time` row per recording)."""
    err = steps["error (s)"].abs()
    return verdict(f"On every real recording the step time from the predicted ankles is within "
                   f"{STEP_TIME_TOLERANCE:.0%} of the insoles'", bool((err <= STEP_TIME_TOLERANCE *
                                                                     steps["step time, insoles (s)"]).all()),
                   f"mean |error| {err.mean():.3f} s; largest {err.max():.3f} s")


def detector_verdict(truth: pd.DataFrame) -> Verdict:
    """The contact detector on true poses matches at least :data:`DETECTOR_MATCHED` of force onsets (``truth``:
    :func:`walking_agreement` rows without a model: every simulated subject's walking, since the detector
    needs no trained model)."""
    matched, onsets = int(truth["matched within 0.15 s"].sum()), int(truth["force onsets"].sum())
    left_out = int(truth["walks left out (mocap gaps)"].iloc[0]) if len(truth) else 0
    return verdict(f"The contact detector, fed the true poses of simulated walking, matches at least "
                   f"{DETECTOR_MATCHED:.0%} of force onsets within 0.15 s", matched >= DETECTOR_MATCHED * onsets,
                   f"{matched} of {onsets} onsets ({matched / max(onsets, 1):.0%}) over every subject's walks; "
                   f"{left_out} walks left out for gaps in their motion capture")


def control_verdict(control: pd.DataFrame) -> Verdict:
    """The model on simulated walking of unseen subjects matches at least :data:`ONSETS_MATCHED` of force
    onsets (``control``: :func:`simulated_control`)."""
    share = control["matched within 0.15 s"] / control["force onsets"]
    return verdict(f"On simulated walking of unseen subjects, at least {ONSETS_MATCHED:.0%} of force onsets have a "
                   "predicted foot contact within 0.15 s", share["predicted"] >= ONSETS_MATCHED,
                   f"{share['predicted']:.0%} with the predicted poses")


def shift_verdict(shift: pd.DataFrame) -> Verdict:
    """Every model input channel within :data:`KS_MAX` of real walking (``shift``: :func:`shift_table`)."""
    ks = shift["KS, model input"]
    return verdict(f"For every model input channel the KS distance between real and simulated walking is at most "
                   f"{KS_MAX}", ks.max() <= KS_MAX,
                   f"{int((ks <= KS_MAX).sum())} of {len(shift)} channels; largest {ks.max():.2f} ({ks.idxmax()}); "
                   f"raw largest {shift['KS, raw'].max():.2f}")
