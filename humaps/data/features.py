"""The paper's per-frame features, the pose model's sequences and the classifier's windows.

Per insole frame (section 3.1; layouts in :mod:`humaps.data.channels`):
- P_t ∈ R^32: pressure cells 1–16 of the left insole, then the right (N/cm²);
- A_t ∈ R^18: acceleration, AHRS orientation, centre of pressure, total force;
- J_t ∈ R^72: 24 joints × xyz in metres, pelvis-centred. The pose sequences keep J
  heading-normalised (the root's yaw removed frame by frame) and that yaw beside it,
  so both the frame the insoles can explain and the paper's frame are at hand.
Classification inputs per frame: pressure 32, COP 4 (L x,y, R x,y), force 2 → 38
channels over T = 300 at 100 Hz, and 24 joints over T = 360 at 120 Hz.

A *trial* is any object with ``subject``, ``trial_id``, ``insole`` (InsoleRecording),
``mocap`` (MocapRecording), ``annotations`` (DataFrame start_s, end_s, label on the
insole clock) and ``mocap_offset_s`` (t_insole = t_mocap + offset).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from humaps.actions import CATEGORIES, CATEGORY_OF, CLASS_INDEX
from humaps.data.channels import AUX, AUX_YAW, CLASSIFIER, N_AUX, N_CLASSIFIER
from humaps.data.orientation import foot_orientation
from humaps.data.sync import fill_short_gaps, interp
from humaps.skeleton import heading_angle, pelvis_centred, rotate_about_z


# ----------------------------------------------------------------------------- frames
def insole_features(rec, orientation: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P (N,32), A (N,18), C (N,38)) at the insole's own samples; ``orientation`` (N,2,3) or computed.

    A's yaw is unwrapped (continuous, not folded into ±180°); its absolute value is arbitrary.
    """
    n = rec.n_frames
    pyr = foot_orientation(rec) if orientation is None else orientation
    P = rec.pressure.reshape(n, 32)
    A = np.empty((n, N_AUX))
    A[:, AUX["acceleration"]] = rec.acceleration.reshape(n, 6)
    A[:, AUX["orientation"]] = pyr.reshape(n, 6)
    # the yaw, unwrapped along the recording: interpolating across a ±180° jump would invent values
    A[:, AUX_YAW] = np.degrees(np.unwrap(np.radians(A[:, AUX_YAW]), axis=0))
    A[:, AUX["cop"]] = rec.cop.reshape(n, 4)
    A[:, AUX["force"]] = rec.total_force.reshape(n, 2)
    C = np.empty((n, N_CLASSIFIER))
    C[:, CLASSIFIER["pressure"]] = P
    C[:, CLASSIFIER["cop"]] = rec.cop.reshape(n, 4)
    C[:, CLASSIFIER["force"]] = rec.total_force.reshape(n, 2)
    return P, A, C


def _frame_labels(ann: pd.DataFrame, t: np.ndarray) -> np.ndarray:
    """Class name at each time (\"\" outside every segment)."""
    lab = np.full(t.shape, "", dtype=object)
    for s, e, l in zip(ann.start_s.to_numpy(), ann.end_s.to_numpy(), ann.label.to_numpy()):
        lab[(t >= s) & (t < e)] = l
    return lab


def majority_labels(labels: np.ndarray) -> list[str]:
    """(W, T) class names per frame ("" = none) → each row's most frequent name, ties to the
    alphabetically first (as ``pandas.Series.mode().iloc[0]``); "" where a row has no name."""
    names, code = np.unique(labels.astype(str), return_inverse=True)  # sorted: "" first if present
    W, K = labels.shape[0], len(names)
    counts = np.bincount((np.arange(W)[:, None] * K + code.reshape(labels.shape)).ravel(),
                         minlength=W * K).reshape(W, K)
    if K and names[0] == "":
        counts[:, 0] = 0
    best = counts.argmax(axis=1) if K else np.zeros(W, dtype=int)
    return [str(names[b]) if K and counts[i, b] else "" for i, b in enumerate(best)]


def relative_yaw(A: np.ndarray) -> np.ndarray:
    """A (N, T, 18) windows with each foot's AHRS yaw (deg) unwrapped along the window and taken
    relative to the window's mean; the other channels unchanged.

    Why: the yaw an orientation filter integrates from the gyroscope starts at an arbitrary value
    and drifts (no magnetometer), so its absolute value carries no information; how it changes
    within the window (the foot turning) does. Unwrapping removes the ±180° jumps.
    """
    out = np.array(A, dtype=np.float32, copy=True)
    for c in AUX_YAW:
        yaw = np.degrees(np.unwrap(np.radians(A[:, :, c].astype(np.float64)), axis=1))
        out[:, :, c] = yaw - yaw.mean(axis=1, keepdims=True)
    return out


#: per-recording input normalisations of the pose model (``PoseConfig.input_norm``): none, or the
#: device's gyroscope offsets and the wearer's body weight taken out (:func:`humaps.data.calibration.device_normalised`)
INPUT_NORMS: tuple[str, ...] = ("none", "device")


def normalised_input(rec, input_norm: str = "none"):
    """The insole recording ``rec`` as the pose model's input pipeline sees it under ``input_norm``."""
    if input_norm not in INPUT_NORMS:
        raise ValueError(f"input_norm must be one of {INPUT_NORMS}, got {input_norm!r}")
    if input_norm == "none":
        return rec
    from humaps.data.calibration import device_normalised

    return device_normalised(rec)


# ----------------------------------------------------------------------------- pose sequences
@dataclass
class PoseSequences:
    """Windows for 3D pose estimation on one grid at ``fs`` Hz (float32).

    P (N,T,32) N/cm², A (N,T,18) (:mod:`humaps.data.channels`; yaw relative to the window,
    :func:`relative_yaw`); J (N,T,24,3) m,
    pelvis-centred and heading-normalised (the body faces +y in every frame);
    yaw (N,T) rad, the root yaw that normalisation removed, so
    ``rotate_about_z(J, yaw)`` is the paper's pelvis-centred frame;
    subject/label/trial (N,) str; t0 (N,) s on the insole clock;
    ``dropped_gaps`` windows excluded for long mocap gaps.
    """

    P: np.ndarray
    A: np.ndarray
    J: np.ndarray
    yaw: np.ndarray
    subject: np.ndarray
    label: np.ndarray
    trial: np.ndarray
    t0: np.ndarray
    fs: float
    dropped_gaps: int = 0

    def __len__(self) -> int:
        return len(self.P)

    def take(self, idx: np.ndarray) -> "PoseSequences":
        """The windows ``idx`` (same fs; ``dropped_gaps`` kept as the whole set's count)."""
        return PoseSequences(P=self.P[idx], A=self.A[idx], J=self.J[idx], yaw=self.yaw[idx],
                             subject=self.subject[idx], label=self.label[idx], trial=self.trial[idx],
                             t0=self.t0[idx], fs=self.fs, dropped_gaps=self.dropped_gaps)

    @property
    def J_paper(self) -> np.ndarray:
        """(N,T,24,3) m: the poses in the paper's frame (pelvis-centred, heading kept)."""
        return rotate_about_z(self.J, self.yaw).astype(np.float32)


def pose_sequences(trials, *, fs_hz: float = 100.0, window_s: float = 1.0, stride_s: float = 0.5,
                   max_gap_s: float = 0.1, input_norm: str = "none") -> PoseSequences:
    """Slide ``window_s`` windows with ``stride_s`` over each trial's insole/mocap overlap, both streams on one grid;
    each trial's insoles first pass :func:`normalised_input` (``input_norm``)."""
    T = int(round(window_s * fs_hz))
    if T < 1 or stride_s <= 0:
        raise ValueError(f"bad window {window_s} s / stride {stride_s} s at {fs_hz} Hz")
    out = {k: [] for k in ("P", "A", "J", "yaw", "subject", "label", "trial", "t0")}
    dropped = 0
    for tr in trials:
        ins, mo = normalised_input(tr.insole, input_norm), tr.mocap
        P, A, _ = insole_features(ins)
        tm = mo.time + tr.mocap_offset_s
        pos, _ = fill_short_gaps(tm, mo.positions, max_gap_s=max_gap_s)
        t0, t1 = max(ins.time[0], tm[0]), min(ins.time[-1], tm[-1])
        starts = np.arange(t0, t1 - (T - 1) / fs_hz + 1e-9, stride_s)
        if starts.size == 0:
            continue
        tg = starts[:, None] + np.arange(T)[None, :] / fs_hz          # (W, T)
        J = pelvis_centred(interp(tm, pos, tg))                        # (W, T, 24, 3)
        ok = ~np.isnan(J).any(axis=(1, 2, 3))
        dropped += int((~ok).sum())
        J = J[ok]
        yaw = heading_angle(J)                                         # (W, T)
        labels = _frame_labels(tr.annotations, tg[ok])
        maj = majority_labels(labels)
        n = int(ok.sum())
        out["P"].append(interp(ins.time, P, tg[ok]))
        out["A"].append(relative_yaw(interp(ins.time, A, tg[ok])))
        out["J"].append(rotate_about_z(J, -yaw))
        out["yaw"].append(yaw)
        out["subject"] += [tr.subject] * n
        out["trial"] += [str(tr.trial_id)] * n
        out["label"] += maj
        out["t0"].append(starts[ok])
    cat = lambda k, shape: (np.concatenate(out[k]).astype(np.float32) if out[k] else np.zeros(shape, np.float32))
    return PoseSequences(P=cat("P", (0, T, 32)), A=cat("A", (0, T, N_AUX)), J=cat("J", (0, T, 24, 3)),
                         yaw=cat("yaw", (0, T)), subject=np.array(out["subject"], dtype=str),
                         label=np.array(out["label"], dtype=str), trial=np.array(out["trial"], dtype=str),
                         t0=np.concatenate(out["t0"]) if out["t0"] else np.zeros(0), fs=fs_hz, dropped_gaps=dropped)


# ----------------------------------------------------------------------------- activity windows
@dataclass
class ActivityWindows:
    """Classification windows: one per action onset (the paper's 3-second rule).

    insole (N, 300, 38) at 100 Hz [pressure 32, COP L x,y R x,y, force L, R];
    pose (N, 360, 24, 3) m at 120 Hz, pelvis-centred; label (N,) int index into
    :data:`humaps.actions.ACTIONS`; category, subject, trial (N,) str; t0 (N,) s;
    ``counts`` per category: kept, relabelled, dropped (short action, no class
    > majority), dropped_range (window past a stream's end), dropped_gaps.
    """

    insole: np.ndarray
    pose: np.ndarray
    label: np.ndarray
    category: np.ndarray
    subject: np.ndarray
    trial: np.ndarray
    t0: np.ndarray
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)


def window_decisions(ann: pd.DataFrame, *, window_s: float = 3.0, majority: float = 0.6) -> pd.DataFrame:
    """Apply the paper's rule to one trial's segments.

    A window is the first ``window_s`` from each segment's onset. A segment at
    least ``window_s`` long keeps its label. Otherwise the class covering more
    than ``majority`` of the window labels it ("kept" if that is the segment's
    own class, "relabelled" if not); with no such class it is "dropped".
    Returns one row per segment: onset, original label, decision, final label.
    """
    s, e, lab = ann.start_s.to_numpy(float), ann.end_s.to_numpy(float), ann.label.to_numpy()
    rows = []
    for i in range(len(ann)):
        w0, w1 = s[i], s[i] + window_s
        if e[i] - s[i] >= window_s - 1e-9:
            rows.append((w0, lab[i], "kept", lab[i]))
            continue
        ov = np.clip(np.minimum(e, w1) - np.maximum(s, w0), 0, None)   # overlap of every segment
        cover = pd.Series(ov).groupby(lab).sum() / window_s
        best = cover.idxmax()
        if cover[best] > majority:
            rows.append((w0, lab[i], "kept" if best == lab[i] else "relabelled", best))
        else:
            rows.append((w0, lab[i], "dropped", ""))
    return pd.DataFrame(rows, columns=["t0", "action", "decision", "label"])


def activity_windows(trials, *, insole_T: int = 300, mocap_T: int = 360, insole_hz: float = 100.0,
                     mocap_hz: float = 120.0, majority: float = 0.6, max_gap_s: float = 0.1) -> ActivityWindows:
    """Build the classification windows of all trials (see :func:`window_decisions`)."""
    window_s = insole_T / insole_hz
    assert abs(mocap_T / mocap_hz - window_s) < 1e-9, "insole and mocap windows must span the same time"
    buf = {k: [] for k in ("insole", "pose", "label", "category", "subject", "trial", "t0")}
    counts = {c: dict(kept=0, relabelled=0, dropped=0, dropped_range=0, dropped_gaps=0) for c in CATEGORIES}
    for tr in trials:
        dec = window_decisions(tr.annotations, window_s=window_s, majority=majority)
        for d, a in zip(dec.decision, dec.action):
            if d == "dropped":
                counts[CATEGORY_OF[a]]["dropped"] += 1
        dec = dec[dec.decision != "dropped"]
        if dec.empty:
            continue
        ins, mo = tr.insole, tr.mocap
        tm = mo.time + tr.mocap_offset_s
        ti = dec.t0.to_numpy()[:, None] + np.arange(insole_T)[None] / insole_hz        # (W, 300)
        tp = dec.t0.to_numpy()[:, None] + np.arange(mocap_T)[None] / mocap_hz          # (W, 360)
        in_range = (ti[:, 0] >= ins.time[0] - 1e-9) & (ti[:, -1] <= ins.time[-1] + 1e-9) \
            & (tp[:, 0] >= tm[0] - 1e-9) & (tp[:, -1] <= tm[-1] + 1e-9)
        _, _, C = insole_features(ins, orientation=np.zeros((ins.n_frames, 2, 3)))     # C needs no orientation
        pos, _ = fill_short_gaps(tm, mo.positions, max_gap_s=max_gap_s)
        X = interp(ins.time, C, ti)
        J = pelvis_centred(interp(tm, pos, tp))
        gaps = np.isnan(J).any(axis=(1, 2, 3)) & in_range
        for a, d, r, g in zip(dec.action, dec.decision, in_range, gaps):
            c = counts[CATEGORY_OF[a]]
            if not r:
                c["dropped_range"] += 1
            elif g:
                c["dropped_gaps"] += 1
            else:
                c[d] += 1
        ok = in_range & ~gaps
        n = int(ok.sum())
        buf["insole"].append(X[ok].astype(np.float32))
        buf["pose"].append(J[ok].astype(np.float32))
        labels = dec.label.to_numpy()[ok]
        buf["label"] += [CLASS_INDEX[l] for l in labels]
        buf["category"] += [CATEGORY_OF[l] for l in labels]
        buf["subject"] += [tr.subject] * n
        buf["trial"] += [str(tr.trial_id)] * n
        buf["t0"].append(dec.t0.to_numpy()[ok])
    cat = lambda k, shape: np.concatenate(buf[k]) if buf[k] else np.zeros(shape, np.float32)
    return ActivityWindows(
        insole=cat("insole", (0, insole_T, 38)), pose=cat("pose", (0, mocap_T, 24, 3)),
        label=np.array(buf["label"], dtype=np.int64), category=np.array(buf["category"], dtype=str),
        subject=np.array(buf["subject"], dtype=str), trial=np.array(buf["trial"], dtype=str),
        t0=cat("t0", (0,)), counts=pd.DataFrame(counts).T.rename_axis("category"))
