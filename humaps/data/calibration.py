"""Device and gait parameters of the simulated insoles, measured on real Moticon recordings.

``python -m humaps calibrate`` reads the real walking recordings (the folder of
:func:`humaps.data.realism.real_recordings_dir`, through its manifest like any
recordings folder), measures what the simulator needs to look like them, and
writes the fitted *values* — never samples — with their provenance (file names,
SHA-256 of every file, date, command) to :data:`humaps.sim.device.CALIBRATION_JSON`,
which the simulator reads (:mod:`humaps.sim.device`). Per recording and insole:

- **IMU at rest** (:func:`quiet_frames`: 0.5-s windows whose angular rate and
  acceleration barely vary): the gyroscope's zero-rate offset (median angular
  rate), its white noise (standard deviation about a 0.1-s running mean), the
  accelerometer's noise and the magnitude of gravity it reads (scale error), and
  the insole's mounting tilt (pitch and roll of the gravity direction);
- **IMU in gait** (:func:`gait_rest`): a device without a quiet moment (a
  recording that is all walking) still returns to the same pitch every stride,
  so its mean pitch rate over whole strides is the pitch axis' offset, and its
  foot-flat moments show the mounting tilt;
- **gyroscope drift**: how much the zero-rate offset of one device moves between
  its quiet moments at the start and at the end of a recording, per second;
- **cells**: per cell, the share of gait-stance frames that read 0 and the mean
  stance pressure per body weight; the cells' noise in quiet standing;
- **force**: the summed force in quiet standing over the body weight (the mean
  summed force over whole strides, :func:`humaps.data.realism.gait_stances`);
- **gait timing**: stance fraction of the stride, double support, the time from
  force onset to the first peak (heel strike → loading) and from the second peak
  to the force's end (push-off → toe-off);
- **clock**: the time step's spread, samples missing from the time axis, and rows
  where one insole's cells are blank (filled by the loader).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import re
from pathlib import Path

import numpy as np

from humaps.data.realism import foot_contact, gait_stances, real_recordings_dir, runs
from humaps.recordings import SIDES, InsoleRecording

QUIET_WINDOW_S = 0.5     # a quiet moment lasts at least this long
QUIET_GYRO_SD_DPS = 1.0  # ... with every angular-rate axis varying less than this (noise is ≈ 0.1–0.3)
QUIET_ACC_SD_G = 0.01    # ... and every acceleration axis less than this (noise ≈ 0.003 g)
MIN_QUIET_FRAMES = 50    # fewer quiet frames than this: the device has no usable rest
FOOT_FLAT_FRAMES = 8     # consecutive frames of a gait stance at rest (the foot flat lasts ≈ 0.1–0.3 s)
#: noise is the spread about a running mean this short (s): slower changes are the body swaying, not the
#: sensor. About an n-frame mean white noise of sd σ shows σ·√(1 − 1/n); the estimates are divided by it
NOISE_WINDOW_S = 0.1


def _running(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Centred running mean and standard deviation of x (N, ...) over n frames (cumulative sums, edges shrink)."""
    N = len(x)
    c1 = np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(x, 0)])
    c2 = np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(x * x, 0)])
    lo = np.clip(np.arange(N) - n // 2, 0, N)
    hi = np.clip(np.arange(N) + n - n // 2, 0, N)
    k = (hi - lo).reshape((-1,) + (1,) * (x.ndim - 1))
    mean = (c1[hi] - c1[lo]) / k
    var = np.maximum((c2[hi] - c2[lo]) / k - mean ** 2, 0.0)
    return mean, np.sqrt(var)


def quiet_frames(rec: InsoleRecording, side: int) -> np.ndarray:
    """(N,) frames where insole ``side`` rests: inside a :data:`QUIET_WINDOW_S` window whose angular
    rate (each axis) and acceleration vary less than :data:`QUIET_GYRO_SD_DPS` / :data:`QUIET_ACC_SD_G`."""
    n = max(2, int(round(QUIET_WINDOW_S * rec.rate_hz)))
    _, g_sd = _running(rec.angular_rate[:, side], n)
    _, a_sd = _running(rec.acceleration[:, side], n)
    quiet = (g_sd.max(1) < QUIET_GYRO_SD_DPS) & (a_sd.max(1) < QUIET_ACC_SD_G)
    on, off = runs(quiet)
    keep = np.zeros_like(quiet)
    for a, b in zip(on, off):        # a few runs, not frames
        if b - a >= n:
            keep[a:b] = True
    return keep


def gait_rest(rec: InsoleRecording, side: int, stances) -> tuple[np.ndarray, np.ndarray]:
    """(angular rate (3,) deg/s, acceleration (3,) g) in gait without a quiet moment, from the gait stances
    (on, off) of ``side``.

    The angular rate about the pitch axis (Y) is its mean over whole strides (from the first stance's
    start to the last one's): a foot returns to the orientation it had one stride earlier, so its pitch
    rate averages to zero and the gyroscope's mean is its offset (within 0.3–3.6 deg/s of the
    quiet-standing value on the real insoles that have both). About X and Z the foot's coupled pitch
    and yaw leave a mean of their own (coning: 7–16 deg/s about X on those insoles), so those stay NaN.
    The frames of least angular magnitude would not do either: with a large offset they are those where
    the foot turns against it (they gave the size-3 insoles a 16 deg/s offset their drift-free pitch
    contradicts). The acceleration is that of each stance's :data:`FOOT_FLAT_FRAMES` steadiest
    consecutive frames (gravity alone), medianed over stances.
    """
    g, a = rec.angular_rate[:, side], rec.acceleration[:, side]
    on, off = stances
    if len(on) < 2:
        return np.full(3, np.nan), np.full(3, np.nan)
    gyro = np.array([np.nan, g[on[0]:on[-1], 1].mean(), np.nan])
    n = FOOT_FLAT_FRAMES
    a_mean, a_sd = _running(a, n)
    spread = a_sd.max(1)
    steady = [a_mean[b + n // 2 + int(np.argmin(spread[b + n // 2:e - n // 2]))] for b, e in zip(on, off) if e - b > n]
    return gyro, np.median(steady, 0)


def tilt_deg(acc: np.ndarray) -> tuple[float, float]:
    """(pitch, roll) degrees of the insole from the gravity it reads at rest (..., 3) g: pitch toe-down > 0."""
    x, y, z = acc / np.linalg.norm(acc)
    return float(np.degrees(np.arcsin(-x))), float(np.degrees(np.arctan2(y, z)))


def _listed(x: np.ndarray, digits: int = 3) -> list:
    """A JSON list of ``x`` rounded, NaN as null."""
    return [None if np.isnan(v) else round(float(v), digits) for v in np.asarray(x, float).ravel()]


def imu_at_rest(rec: InsoleRecording, side: int, stances) -> dict:
    """One insole's IMU: zero-rate offset, noise, gravity magnitude, mounting tilt, drift (see module doc)."""
    quiet = quiet_frames(rec, side)
    g, a = rec.angular_rate[:, side], rec.acceleration[:, side]
    n = max(2, int(round(NOISE_WINDOW_S * rec.rate_hz)))
    g_mean, _ = _running(g, n)
    a_mean, _ = _running(a, n)
    unbias = 1.0 / np.sqrt(1.0 - 1.0 / n)
    g_st, a_st = gait_rest(rec, side, stances)
    out = {"quiet_frames": int(quiet.sum()), "gait_offset_dps": _listed(g_st)}
    if quiet.sum() >= MIN_QUIET_FRAMES:
        gq, aq = g[quiet], a[quiet]
        out |= {"gyro_offset_dps": np.median(gq, 0).round(3).tolist(),
                "gyro_noise_dps": (unbias * np.std(g[quiet] - g_mean[quiet], 0)).round(4).tolist(),
                "acc_noise_g": (unbias * np.std(a[quiet] - a_mean[quiet], 0)).round(5).tolist(),
                "gravity_g": round(float(np.linalg.norm(aq.mean(0))), 4)}
        pitch, roll = tilt_deg(aq.mean(0))
        on, off = runs(quiet)
        first, last = slice(on[0], off[0]), slice(on[-1], off[-1])
        span = (on[-1] - off[0]) / rec.rate_hz
        if span >= 5.0:   # quiet at both ends of the recording: how far the offset moved in between
            out["gyro_drift_dps_per_s"] = ((np.median(g[last], 0) - np.median(g[first], 0)) / span).round(4).tolist()
    else:
        out["gyro_offset_dps"] = _listed(g_st)
        pitch, roll = tilt_deg(a_st)
    out |= {"offset_from": "quiet" if quiet.sum() >= MIN_QUIET_FRAMES else "stance",
            "mount_pitch_deg": round(pitch, 2), "mount_roll_deg": round(roll, 2)}
    return out


def cells(rec: InsoleRecording, side: int, stances, bw: float) -> dict:
    """Per cell: share of gait-stance frames reading 0, mean stance pressure per body weight (N/cm² per kN),
    and the noise of loaded cells in quiet standing (N/cm², about a 0.1-s running mean)."""
    inside = np.zeros(rec.n_frames, bool)
    for on, off in zip(*stances):
        inside[on:off] = True
    p = rec.pressure[:, side]
    out = {"zero_share": (p[inside] == 0).mean(0).round(4).tolist(),
           "stance_pressure_per_kn": (p[inside].mean(0) / bw * 1000.0).round(4).tolist()}
    quiet = quiet_frames(rec, 0) & quiet_frames(rec, 1)
    if quiet.sum() >= MIN_QUIET_FRAMES:
        n = max(2, int(round(NOISE_WINDOW_S * rec.rate_hz)))
        m, _ = _running(p, n)
        loaded = quiet[:, None] & (m > 1.0)
        out["noise_n_cm2"] = round(float(np.std((p - m)[loaded]) / np.sqrt(1.0 - 1.0 / n)), 4) if loaded.any() else None
    return out


def gait_timing(rec: InsoleRecording, stances, bw: float) -> dict:
    """Stance fraction of the stride, double-support fraction, loading (onset → first peak) and unloading
    (second peak → end) times, and the standing-to-walking force ratio of one recording."""
    fs = rec.rate_hz
    f = rec.total_force
    frac, load, unload = [], [], []
    for s, (on, off) in enumerate(stances):
        stride = np.diff(on) / fs
        frac += list(((off - on)[:-1] / fs / stride)[stride < 3.0])
        for a, b in zip(on, off):
            half = a + (b - a) // 2
            load.append((a + np.argmax(f[a:half, s]) - a) / fs)
            unload.append((b - (half + np.argmax(f[half:b, s]))) / fs)
    mask = foot_contact(f, fs, bw)
    walk = slice(min(o[0] for o, _ in stances if len(o)), max(e[-1] for _, e in stances if len(e)))
    both = mask[walk].all(1)
    quiet = quiet_frames(rec, 0) & quiet_frames(rec, 1) & mask.all(1)
    return {"stance_fraction": round(float(np.median(frac)), 4) if frac else None,
            "double_support_fraction": round(float(both.mean()), 4),
            "loading_s": round(float(np.median(load)), 3), "unloading_s": round(float(np.median(unload)), 3),
            "standing_over_walking_force": round(float(f[quiet].sum(1).mean() / bw), 4)
            if quiet.sum() >= MIN_QUIET_FRAMES else None}


def clock(rec: InsoleRecording) -> dict:
    """The time axis: step spread about 1/rate, share of missing samples, share of one-sided (filled) rows."""
    dt = np.diff(rec.time)
    step = 1.0 / rec.rate_hz
    filled = rec.filled or {}
    return {"step_sd_s": round(float(np.std(dt[dt < 1.5 * step])), 6),
            "missing_share": round(float((np.round(dt / step) - 1).clip(0).sum() / max(len(dt), 1)), 6),
            "one_sided_row_share": [round(filled.get(f"{s} rows", 0) / max(rec.n_frames, 1), 5) for s in SIDES]}


def measure(rec: InsoleRecording) -> dict:
    """Everything :mod:`humaps.sim.device` is fitted to, for one recording (see the module docstring)."""
    stances, bw = gait_stances(rec)
    return {"insole_size": int(rec.meta.get("Size", 0)), "sensors": rec.meta.get("Sensor insoles", ""),
            "body_weight_n": round(bw, 1), "duration_s": round(float(rec.time[-1] - rec.time[0]), 2),
            "imu": {SIDES[s]: imu_at_rest(rec, s, stances[s]) for s in range(2)},
            "cells": {SIDES[s]: cells(rec, s, stances[s], bw) for s in range(2)},
            "gait": gait_timing(rec, stances, bw), "clock": clock(rec)}


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- one recording's device, removed
#: :func:`device_normalised` scales every recording to a body of this weight (N): 70 kg
REFERENCE_BODY_WEIGHT_N = 686.5


def zero_rate_offsets(rec: InsoleRecording) -> np.ndarray:
    """(2, 3) deg/s each insole's gyroscope offset, from the recording itself: the median angular rate of
    its quiet frames (:func:`quiet_frames`), or, with fewer than :data:`MIN_QUIET_FRAMES`, about the
    pitch axis its mean over whole strides (:func:`gait_rest`); 0 where neither tells."""
    out = np.zeros((2, 3))
    stances = None
    for s in range(2):
        quiet = quiet_frames(rec, s)
        if quiet.sum() >= MIN_QUIET_FRAMES:
            out[s] = np.median(rec.angular_rate[quiet, s], 0)
            continue
        if stances is None:
            try:
                stances = gait_stances(rec)[0]
            except (ValueError, IndexError):
                stances = [(np.zeros(0, int), np.zeros(0, int))] * 2
        g, _ = gait_rest(rec, s, stances[s])
        out[s] = np.nan_to_num(g)
    return out


def body_weight_estimate(rec: InsoleRecording) -> float:
    """N: the median summed force over the frames where the feet carry at least a tenth of its 95th
    percentile (standing, walking; not flight or sitting). In standing and averaged over strides the
    feet carry the body weight."""
    total = rec.total_force.sum(1)
    loaded = total > 0.1 * np.percentile(total, 95)
    return float(np.median(total[loaded])) if loaded.any() else float("nan")


def device_normalised(rec: InsoleRecording) -> InsoleRecording:
    """``rec`` with what belongs to its device and wearer taken out, from the recording alone (per-recording
    input normalisation of the pose model, ``PoseConfig.input_norm = "device"``):

    - each gyroscope's zero-rate offset (:func:`zero_rate_offsets`) subtracted: the orientation filter
      corrects at most ≈ 3.8 deg/s (gain 0.033), so an offset near that (the size-7 wearer's right
      insole: −3.4 deg/s about Y) drifts its pitch by tens of degrees over a walk;
    - pressures and forces scaled to a body of :data:`REFERENCE_BODY_WEIGHT_N` by the recording's own
      body-weight estimate (:func:`body_weight_estimate`): what the model sees no longer depends on how
      heavy the wearer is nor on how much of it the insoles register.
    """
    from dataclasses import replace

    bw = body_weight_estimate(rec)
    scale = REFERENCE_BODY_WEIGHT_N / bw if np.isfinite(bw) and bw > 0 else 1.0
    return replace(rec, angular_rate=rec.angular_rate - zero_rate_offsets(rec)[None],
                   pressure=rec.pressure * scale, total_force=rec.total_force * scale)


# ----------------------------------------------------------------------------- fitting the simulator's values
def _sensors(meta_value: str) -> tuple[str, str]:
    """('SN5968', 'SN9171') from a header's ``Sensor insoles: Left SN5968, Right SN9171`` (or the side names)."""
    parts = [p.strip().split()[-1] for p in str(meta_value).split(",")]
    return tuple(parts) if len(parts) == 2 and all(parts) else ("left", "right")


def response_fit(rec: InsoleRecording) -> dict | None:
    """The cells' response ``reading = gain · max(p − deadband, 0)`` (N/cm²) of one recording, or None
    without quiet standing. Two facts fix the two values: in quiet standing and averaged over whole
    strides the feet carry the body weight, so the true summed force (readings mapped back) must be
    equal in both; and the stride average of the readings is the body weight (the convention of
    :func:`humaps.data.realism.gait_stances`). The readings alone say standing reads 0.74–0.82 of it."""
    from humaps.insole import areas_cm2

    stances, _ = gait_stances(rec)
    quiet = quiet_frames(rec, 0) & quiet_frames(rec, 1)
    on = stances[0][0] if len(stances[0][0]) >= 2 else stances[1][0]
    if quiet.sum() < MIN_QUIET_FRAMES or len(on) < 2:
        return None
    area = areas_cm2(int(rec.meta.get("Size", 4)))
    read = (rec.pressure * area).sum((-1, -2))               # summed readings (N)
    loaded = ((rec.pressure > 0) * area).sum((-1, -2))       # loaded area (cm²)
    walk = slice(on[0], on[-1])
    # true = read / gain + deadband · loaded area, in both conditions equal to the stride-mean reading
    m = np.array([[read[walk].mean(), loaded[walk].mean()], [read[quiet].mean(), loaded[quiet].mean()]])
    inv_gain, deadband = np.linalg.solve(m, np.full(2, read[walk].mean()))
    return {"gain": round(float(1.0 / inv_gain), 4), "deadband_n_cm2": round(float(deadband), 4)}


def fit(recordings: list[InsoleRecording]) -> dict:
    """The simulator's device and timing values (see :mod:`humaps.sim.device`) from real recordings."""
    meas = [measure(r) for r in recordings]
    devices: dict[str, list] = {}                       # serial → measurements of that insole
    for rec, m in zip(recordings, meas):
        for s, serial in enumerate(_sensors(rec.meta.get("Sensor insoles", ""))):
            devices.setdefault(f"{serial} ({SIDES[s]}, size {m['insole_size']})", []).append(
                (m["imu"][SIDES[s]], m["cells"][SIDES[s]]))
    imu = {name: {k: np.mean([np.asarray(d[0][k], float) for d in ds if k in d[0]], 0) for k in
                  ("gyro_offset_dps", "mount_pitch_deg", "mount_roll_deg", "gyro_noise_dps", "acc_noise_g",
                   "gravity_g", "gyro_drift_dps_per_s") if any(k in d[0] for d in ds)}
           for name, ds in devices.items()}
    share = {name: np.mean([np.asarray(d[1]["stance_pressure_per_kn"]) for d in ds], 0) for name, ds in devices.items()}
    share = np.stack([v / v.sum() for v in share.values()])          # (devices, 16) each cell's part
    log_dev = np.log(np.maximum(share, 1e-4)) - np.log(np.maximum(share, 1e-4)).mean(0)
    fits = [f for f in (response_fit(r) for r in recordings) if f]
    response = {k: float(np.median([f[k] for f in fits])) for k in ("gain", "deadband_n_cm2")}
    pooled = lambda key: np.stack([v[key] for v in imu.values() if key in v])
    rnd = lambda x, n=3: np.round(np.asarray(x, float), n).tolist()
    return {
        "imu": {
            "gyro_offset_dps": {"max_abs": rnd(np.nanmax(np.abs(pooled("gyro_offset_dps")), 0), 2),
                                "devices": {k: _listed(v["gyro_offset_dps"], 2) for k, v in imu.items()}},
            "gyro_noise_dps": rnd(np.median(pooled("gyro_noise_dps"), 0), 3),
            "acc_noise_g": rnd(np.median(pooled("acc_noise_g"), 0), 4),
            "gyro_drift_dps_per_s": {"max_abs": round(float(np.abs(pooled("gyro_drift_dps_per_s")).max()), 4)},
            "gravity_g": rnd([pooled("gravity_g").min(), pooled("gravity_g").max()], 4),
            "mount_pitch_deg": rnd([pooled("mount_pitch_deg").min(), pooled("mount_pitch_deg").max()], 2),
            "mount_roll_deg": rnd([pooled("mount_roll_deg").min(), pooled("mount_roll_deg").max()], 2)},
        "cells": {
            "gain": round(response["gain"], 3), "deadband_n_cm2": round(response["deadband_n_cm2"], 3),
            "response_fits": fits,
            "cell_gain_log_sd": rnd(log_dev.std(0, ddof=1), 3),
            "noise_n_cm2": round(float(np.median([c["noise_n_cm2"] for m in meas for c in m["cells"].values()
                                                  if c.get("noise_n_cm2")])), 3),
            "zero_share_in_stance": rnd(np.median([c["zero_share"] for m in meas for c in m["cells"].values()], 0), 3)},
        "gait": {k: rnd([min(v), max(v)], 3) for k in ("stance_fraction", "double_support_fraction", "loading_s",
                                                        "unloading_s", "standing_over_walking_force")
                 if (v := [m["gait"][k] for m in meas if m["gait"][k] is not None])},
        "clock": {"step_sd_s": max(m["clock"]["step_sd_s"] for m in meas),
                  "missing_share": round(sum(m["clock"]["missing_share"] * m["duration_s"] for m in meas)
                                         / sum(m["duration_s"] for m in meas), 6),
                  "one_sided_row_share": round(float(np.mean([m["clock"]["one_sided_row_share"] for m in meas])), 5)},
    }


def calibrate(folder: Path | None = None, out: Path | None = None, *, command: str = "python -m humaps calibrate") -> dict:
    """Measure the recordings of ``folder`` (default: the real Moticon walking recordings), fit the simulator's
    values and write them with their provenance to ``out`` (default :data:`humaps.sim.device.CALIBRATION_JSON`)."""
    from humaps.data.store import load_cohort
    from humaps.sim.device import CALIBRATION_JSON

    folder = Path(folder) if folder is not None else real_recordings_dir()
    if folder == real_recordings_dir():
        from humaps.data.realism import real_walking_recordings
        recordings = real_walking_recordings()        # says how to prepare the folder when it is missing
    else:
        recordings = [t.insole for t in load_cohort(folder)]
    files = [Path(r.source) for r in recordings]
    values = fit(recordings)
    doc = {"about": "Values the insole simulator draws from, fitted by humaps.data.calibration on the real "
                    "recordings below (values only, no samples). Regenerate with the command.",
           "command": command, "date": _dt.date.today().isoformat(), "python": platform.python_version(),
           "files": [{"name": f.name, "sha256": sha256(f), "frames": r.n_frames,
                      "insole_size": int(r.meta.get("Size", 0)), "sensors": r.meta.get("Sensor insoles", "")}
                     for f, r in zip(files, recordings)],
           **values}
    out = Path(out) if out is not None else CALIBRATION_JSON
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    out.write_text(text + "\n", encoding="utf-8")               # lists of numbers on one line each
    return doc
