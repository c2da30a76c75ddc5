"""Estimating the insole–mocap clock offset from the data, when the manifest does not give it.

Clock convention (as :mod:`humaps.data.sync`): ``t_insole = t_mocap + mocap_offset_s``.
Per foot, the insole IMU's angular-rate and specific-force magnitudes are cross-correlated with
the same quantities computed from the mocap foot (masked, normalised, every lag at once by FFT,
peak refined to a fraction of a sample), and :class:`OffsetEstimate` says how far to trust the
result. :func:`offset_table` reports it per trial (``benchmarks/bench_sync.py`` measures it) and
:func:`fill_missing_offsets` puts it into trials whose manifest lacks it.
"""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from scipy.fft import irfft, next_fast_len, rfft
from scipy.signal import butter, sosfiltfilt

from humaps.constants import G  # mocap accelerations in g, like the insole IMU
from humaps.data.sync import grid, interp
from humaps.skeleton import INDEX

#: (ankle, toe base) joint indices of the left and right foot
FOOT_JOINTS = ((INDEX["LeftFoot"], INDEX["LeftToeBase"]), (INDEX["RightFoot"], INDEX["RightToeBase"]))
#: the insole / mocap signal pairs :func:`estimate_offset` can correlate (per foot)
SIGNALS = ("angular_rate", "acceleration", "force")
#: an estimate is trusted when its confidence is at least MIN_CONFIDENCE and its two halves agree
#: within MAX_HALVES_MS. Calibrated in ``benchmarks/bench_sync.py``: unrelated streams reach 0.05;
#: on 3–20 s excerpts of simulated trials (too short to time reliably) 12 of 219 estimates with
#: confidence ≥ 0.1 are off by > 10 ms, 2 of 142 once the halves must agree too.
MIN_CONFIDENCE = 0.1
MAX_HALVES_MS = 10.0


@dataclass(frozen=True)
class OffsetEstimate:
    """An estimated ``mocap_offset_s`` (t_insole = t_mocap + offset_s) and how far to trust it.

    - ``offset_s``: the lag maximising the combined normalised cross-correlation (NCC), s;
    - ``peak``: the combined NCC there (mean over signals and feet of each pair's NCC, −1…1);
    - ``sidelobe``: the highest combined NCC outside the peak's main lobe, within the search range;
    - ``confidence`` = peak − sidelobe, 0 when the peak sits on the edge of the search range: how
      clearly one lag wins over every other candidate (0.6–0.95 on simulated trials, ≤ 0.05 between
      unrelated streams). It measures ambiguity, not precision: one broad peak can win clearly;
    - ``halves_ms``: the estimate from the second half of the mocap recording minus that from the
      first (ms), the precision check: ≲ 2 ms on whole simulated trials; large values mean too
      little motion to time, or clock drift;
    - ``trusted``: confidence ≥ :data:`MIN_CONFIDENCE` and |halves_ms| ≤ :data:`MAX_HALVES_MS`;
    - ``overlap_s``: seconds of valid samples (mean over channels) the correlation used at the peak.
    """

    offset_s: float
    confidence: float
    peak: float
    sidelobe: float
    halves_ms: float
    overlap_s: float

    @property
    def trusted(self) -> bool:
        return bool(self.confidence >= MIN_CONFIDENCE and abs(self.halves_ms) <= MAX_HALVES_MS)


def _filt(x: np.ndarray, fs: float, cutoff_hz: float, btype: str = "low") -> np.ndarray:
    # 2nd-order Butterworth run forwards and backwards: zero phase, so filtering never shifts a lag
    return sosfiltfilt(butter(2, cutoff_hz / (0.5 * fs), btype=btype, output="sos"), x, axis=0)


def _bridge(t: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (M, C) with its NaN rows linearly bridged → (filled (M, C), bad rows (M,)).

    Filters and derivatives need finite input; what they compute inside a bridged gap is
    invented, so callers mask those rows (with a guard) instead of trusting them.
    """
    bad = np.isnan(x).any(axis=1)
    if bad.all():
        raise ValueError("no frame without a gap")
    if bad.any():
        x = x.copy()
        x[bad] = np.stack([np.interp(t[bad], t[~bad], col) for col in x[~bad].T], axis=1)  # per channel
    return x, bad


def _dilate(bad: np.ndarray, n: int) -> np.ndarray:
    """Grow the True runs of bad (M, C) by n samples each way."""
    k = np.ones(2 * n + 1)
    return np.stack([np.convolve(b.astype(float), k, mode="same") > 0.5 for b in bad.T], axis=1)


def rotation_rate(q: np.ndarray, fs: float) -> np.ndarray:
    """|ω| (M, ...) rad/s of unit quaternions q (M, ..., 4) by central differences.

    The angle between frames k−1 and k+1 over 2/fs, from the chord |q₊ − ±q₋| = 2 sin(θ/4):
    insensitive to the q ≡ −q sign and well conditioned for small angles (unlike arccos).
    """
    a, b = q[:-2], q[2:]
    s = np.where(np.sum(a * b, axis=-1, keepdims=True) < 0, -1.0, 1.0)
    w = 4.0 * np.arcsin(np.clip(0.5 * np.linalg.norm(b - s * a, axis=-1), 0.0, 1.0)) * fs / 2.0
    return np.concatenate([w[:1], w, w[-1:]])


def insole_signals(insole, signals=SIGNALS[:2], *, cutoff_hz: float = 8.0,
                   guard_s: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """The insole half of each signal pair → (x (N, 2·S), valid (N, 2·S)), insole clock, columns (signal, foot).

    - ``angular_rate``: |angular rate| rad/s — the foot's rotation rate, the same on every point
      of a rigid foot, so the mocap foot segment measures exactly this quantity;
    - ``acceleration``: |specific force| g — orientation-free, so the unknown IMU mounting and
      heading do not matter;
    - ``force``: d(total force)/dt N/s — loading rises while the foot is lowered onto the ground.
    All low-passed at ``cutoff_hz`` (vectors before their norm), like the mocap half; blank
    (NaN) samples are bridged and masked like mocap gaps.
    """
    fs, N = insole.rate_hz, insole.n_frames
    raw = np.concatenate([insole.angular_rate.reshape(N, 6), insole.acceleration.reshape(N, 6),
                          insole.total_force.reshape(N, 2)], axis=1)
    bad = np.isnan(raw)
    raw, _ = _bridge(insole.time, raw)
    foot = [np.r_[0:3, 6:9, 12], np.r_[3:6, 9:12, 13]]                         # left, right columns
    gap = _dilate(np.stack([bad[:, f].any(1) for f in foot], 1), int(round(guard_s * fs)))
    out = []
    for name in signals:
        if name == "angular_rate":
            out.append(_filt(np.radians(np.linalg.norm(raw[:, :6].reshape(N, 2, 3), axis=-1)), fs, cutoff_hz))
        elif name == "acceleration":
            out.append(np.linalg.norm(_filt(raw[:, 6:12], fs, cutoff_hz).reshape(N, 2, 3), axis=-1))
        elif name == "force":
            out.append(_filt(np.gradient(raw[:, 12:], 1.0 / fs, axis=0), fs, cutoff_hz))
        else:
            raise ValueError(f"unknown signal {name!r}; choose from {SIGNALS}")
    return np.concatenate(out, axis=1), np.tile(~gap, len(signals))


def mocap_signals(mocap, signals=SIGNALS[:2], *, cutoff_hz: float = 8.0,
                  guard_s: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """The mocap half of each signal pair → (y (M, 2·S), valid (M, 2·S)), mocap clock, columns (signal, foot).

    From the Foot segment's rotation (``angular_rate``, rad/s) and the mid-foot point halfway
    between ankle and toe base, nearest the insole (``acceleration``: |a + g ẑ| / g;
    ``force``: downward velocity −v_z, m/s). Gaps are bridged for the filters and masked,
    with ``guard_s`` either side where the derivatives and filters smear the bridge.
    """
    fs = 1.0 / float(np.median(np.diff(mocap.time)))
    M = mocap.n_frames
    joints = [j for pair in FOOT_JOINTS for j in pair]
    raw = np.concatenate([mocap.positions[:, joints].reshape(M, 12),
                          mocap.rotations[:, [a for a, _ in FOOT_JOINTS]].reshape(M, 8)], axis=1)
    bad = np.isnan(raw)
    raw, _ = _bridge(mocap.time, raw)
    gap = _dilate(np.stack([bad[:, :6].any(1) | bad[:, 12:16].any(1), bad[:, 6:12].any(1) | bad[:, 16:].any(1)], 1),
                  int(round(guard_s * fs)))                                     # (M, 2) per foot
    mid = raw[:, :12].reshape(M, 2, 2, 3).mean(axis=2)                          # (M, 2, 3) m
    q = raw[:, 12:].reshape(M, 2, 4)
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    out = []
    for name in signals:
        if name == "angular_rate":
            out.append(_filt(rotation_rate(q, fs), fs, cutoff_hz))
        elif name == "acceleration":
            acc = _filt(np.gradient(np.gradient(mid, 1.0 / fs, axis=0), 1.0 / fs, axis=0).reshape(M, 6), fs, cutoff_hz)
            out.append(np.linalg.norm(acc.reshape(M, 2, 3) + [0.0, 0.0, G], axis=-1) / G)
        elif name == "force":
            out.append(_filt(-np.gradient(mid[..., 2], 1.0 / fs, axis=0), fs, cutoff_hz))
        else:
            raise ValueError(f"unknown signal {name!r}; choose from {SIGNALS}")
    return np.concatenate(out, axis=1), np.tile(~gap, len(signals))


def _masked_ncc(x, mx, y, my, lags, split: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Masked NCC r[L] = Σ x[k+L]·y[k] / √(Σ x[k+L]² · Σ y[k]²), sums over the k where both are valid,
    for all of y, y[:split] and y[split:] → ([r_all, r_first, r_second], count of terms of r_all).

    x (N,), y (M,) with masks mx, my (float 0/1); every lag at once by FFT (Padfield's masked NCC:
    three correlations per ratio). The sums are linear in y's mask, so the whole recording's sums
    are the halves' sums added; zero padding to ≥ N + M keeps the circular products from wrapping.
    """
    n = next_fast_len(len(x) + len(y))
    X0, X2, MX = (rfft(a, n) for a in (x * mx, x * x * mx, mx))
    sums = []
    for h in (np.arange(len(y)) < split, np.arange(len(y)) >= split):
        m = my * h
        Y0, Y2, MY = (rfft(a, n) for a in (y * m, y * y * m, m))
        sums.append([irfft(A * np.conj(B), n)[lags] for A, B in ((X0, Y0), (X2, MY), (MX, Y2))])
    sums.insert(0, [a + b for a, b in zip(*sums)])
    cnt = irfft(MX * np.conj(rfft(my, n)), n)[lags]
    return [num / np.sqrt(np.maximum(ex * ey, 1e-300)) for num, ex, ey in sums], cnt


def _peak(c: np.ndarray) -> tuple[int, float]:
    """(index of the maximum, its sub-sample position by a parabola through it and its neighbours)."""
    j = int(np.argmax(c))
    if 0 < j < len(c) - 1:
        den = c[j - 1] - 2.0 * c[j] + c[j + 1]
        return j, j + (0.5 * (c[j - 1] - c[j + 1]) / den if den < 0 else 0.0)
    return j, float(j)


def estimate_lag(t_x, x, t_y, y, *, x_valid=None, y_valid=None, fs_hz: float = 100.0, max_lag_s: float = 1.0,
                 centre_s: float = 0.0, highpass_hz: float = 0.5) -> OffsetEstimate:
    """The offset d at which y(τ) best matches x(τ + d): x (N, C) at increasing times t_x (N,) s,
    y (M, C) at t_y (M,) s, channel c of x paired with channel c of y; valid (N, C)/(M, C) masks.

    Both are interpolated onto grids of ``fs_hz`` on their own clocks and high-passed (levels such as
    gravity or body weight carry no timing), each channel pair's masked NCC is computed for every lag
    in ``centre_s ± max_lag_s`` (the prior), and the channels' curves are averaged. The maximum is
    refined by a parabola (sub-sample: 1/fs_hz is 10 ms by default). See :class:`OffsetEstimate`.
    """
    x, y = np.asarray(x, float).reshape(len(t_x), -1), np.asarray(y, float).reshape(len(t_y), -1)
    mx = np.isfinite(x) & (True if x_valid is None else np.asarray(x_valid).reshape(x.shape))
    my = np.isfinite(y) & (True if y_valid is None else np.asarray(y_valid).reshape(y.shape))
    gx, gy = grid(t_x[0], t_x[-1], fs_hz), grid(t_y[0], t_y[-1], fs_hz)
    xs = _filt(interp(t_x, np.where(mx, x, 0.0), gx), fs_hz, highpass_hz, "high")
    ys = _filt(interp(t_y, np.where(my, y, 0.0), gy), fs_hz, highpass_hz, "high")
    mxs = (interp(t_x, mx.astype(float), gx) > 0.999).astype(float)            # both neighbours valid
    mys = (interp(t_y, my.astype(float), gy) > 0.999).astype(float)
    base = gx[0] - gy[0]                                   # offset of lag 0: x[k + L] ↔ y[k]
    lo = max(int(np.floor((centre_s - max_lag_s - base) * fs_hz)), -(len(gy) - 1))
    hi = min(int(np.ceil((centre_s + max_lag_s - base) * fs_hz)), len(gx) - 1)
    lags = np.arange(lo, hi + 1)
    curves, counts = [], []                                # per channel: [all, first half, second half]
    for c in range(xs.shape[1]):
        if mys[:, c].sum() < fs_hz or np.ptp(xs[:, c]) == 0 or np.ptp(ys[:, c]) == 0:
            continue                                       # a dead or fully gapped channel says nothing
        r, cnt = _masked_ncc(xs[:, c], mxs[:, c], ys[:, c], mys[:, c], lags, len(gy) // 2)
        curves.append(r)
        counts.append(cnt)
    if not curves:
        raise ValueError("no channel pair with valid, varying samples to correlate")
    c, first, second = np.mean(curves, axis=0)
    j, jf = _peak(c)
    # main lobe: downhill from the peak to the first local minimum on each side
    left = np.flatnonzero(np.diff(c[:j + 1]) <= 0)
    right = np.flatnonzero(np.diff(c[j:]) >= 0)
    a, b = (left[-1] + 1 if left.size else 0), (j + right[0] if right.size else len(c) - 1)
    side = float(np.concatenate([c[:a + 1], c[b:]]).max())
    edge = j in (0, len(c) - 1)
    h1, h2 = _peak(first)[1], _peak(second)[1]
    return OffsetEstimate(offset_s=float(base + (lo + jf) / fs_hz), confidence=0.0 if edge else float(c[j] - side),
                          peak=float(c[j]), sidelobe=side, halves_ms=float((h2 - h1) / fs_hz * 1000.0),
                          overlap_s=float(np.mean([k[j] for k in counts]) / fs_hz))


def estimate_offset(trial, *, signals=SIGNALS[:2], cutoff_hz: float = 8.0, **kw) -> OffsetEstimate:
    """Estimate a trial's ``mocap_offset_s`` (t_insole = t_mocap + offset) from its two streams.

    ``trial``: anything with ``insole`` (:class:`~humaps.recordings.InsoleRecording`) and ``mocap``
    (:class:`~humaps.recordings.MocapRecording`); its own ``mocap_offset_s`` is not used.
    ``signals``: which pairs of :data:`SIGNALS` to combine, both feet each. The default, the insole
    IMU's angular-rate and specific-force magnitudes against the mocap foot's, compares the same
    physical quantities, so nothing biases the lag; ``force`` (loading rate vs the foot's downward
    velocity) is an IMU-free fallback whose pairing is only approximately lag-free and whose curve
    is broad (on the simulated book cohort: 94 % of trials within 10 ms, worst 19 ms, confidence
    0.1–0.3, vs < 1 ms and 0.6–0.95 for the default). Keywords go to :func:`estimate_lag`
    (``max_lag_s``, ``centre_s``, ``fs_hz``, ``highpass_hz``).
    """
    x, mx = insole_signals(trial.insole, signals, cutoff_hz=cutoff_hz)
    y, my = mocap_signals(trial.mocap, signals, cutoff_hz=cutoff_hz)
    return estimate_lag(trial.insole.time, x, trial.mocap.time, y, x_valid=mx, y_valid=my, **kw)


def offset_table(trials, **kw) -> pd.DataFrame:
    """One row per trial: subject, trial, offset_true_s (NaN when unknown), offset_s (estimate),
    error_ms (estimate − truth), confidence, trusted, peak, halves_ms. ``trials``: any iterable of
    Trial-like objects (a generator keeps one trial in memory at a time); keywords → :func:`estimate_offset`.
    """
    rows = []
    for tr in trials:
        e = estimate_offset(tr, **kw)
        true = getattr(tr, "mocap_offset_s", None)
        true = np.nan if true is None else float(true)
        rows.append({"subject": tr.subject, "trial": str(tr.trial_id), "offset_true_s": true,
                     "offset_s": e.offset_s, "error_ms": (e.offset_s - true) * 1000.0,
                     "confidence": e.confidence, "trusted": e.trusted, "peak": e.peak, "halves_ms": e.halves_ms})
    return pd.DataFrame(rows, columns=["subject", "trial", "offset_true_s", "offset_s", "error_ms", "confidence",
                                       "trusted", "peak", "halves_ms"])


def fill_missing_offsets(trials, **kw) -> list:
    """The trials with every missing (NaN/None) ``mocap_offset_s`` replaced by its estimate — the
    loader's step for a manifest without offsets. The estimate is kept as a dict in the trial's
    ``mocap.meta["offset_estimate"]``; an untrusted one is used anyway but warned about.
    Trials with a known offset are returned unchanged. Keywords → :func:`estimate_offset`.
    """
    out = []
    for tr in trials:
        if tr.mocap_offset_s is not None and np.isfinite(tr.mocap_offset_s):
            out.append(tr)
            continue
        e = estimate_offset(tr, **kw)
        if not e.trusted:
            warnings.warn(f"{tr.subject} {tr.trial_id}: estimated mocap offset {e.offset_s * 1000:.1f} ms is not "
                          f"trusted (confidence {e.confidence:.2f}, halves differ by {e.halves_ms:.1f} ms)",
                          stacklevel=2)
        mocap = replace(tr.mocap, meta={**tr.mocap.meta, "offset_estimate": {**asdict(e), "trusted": e.trusted}})
        out.append(replace(tr, mocap=mocap, mocap_offset_s=e.offset_s))
    return out
