"""How realistic is simulated walking? Gait statistics of real and simulated insole recordings.

The real reference is the four Moticon OpenGo walking recordings shipped in the
source distribution of ``moticon-opengo==1.0.3`` (``tests/testdata/*.txt`` and
``tests/testdata/walk_data_with_events/text_export.txt``; two people, insole
sizes 7 and 3, 100 Hz). They are downloaded by ``make setup`` and never committed:

    pip download --no-deps --no-binary :all: moticon-opengo==1.0.3
    → unpack into $HUMAPS_REAL_DATA (default <repo>/.cache/real/moticon_opengo-1.0.3/tests/testdata)
    → copy the four files into $HUMAPS_REAL_RECORDINGS (default <repo>/.cache/real/recordings)
      and draft its manifest: python -m humaps manifest .cache/real/recordings --unmatched subject

The chapters read them from that folder like any recordings folder (:func:`real_walking_recordings`).

Measured on those files (``python -m humaps.data.realism``):

- total force = Σ cell pressure × cell area (N/cm² × cm² = N): median ratio
  1.006 (size 7) and 0.999 (size 3) with the areas of :mod:`humaps.insole`;
- the exported COP is an exact affine map of the area-weighted cell centroid
  (residual < 0.001): COP **X runs along the insole, + toward the toes**, COP
  **Y across it, + toward the medial side** on both feet (see
  :data:`humaps.sim.pressure.DEVICE_COP`). The issue text had x across, y
  along: the recordings say otherwise;
- per recording (normal / slow / fast tags of the size-7 wearer, then the
  size-3 wearer): median stance 0.81 / 1.35 / 0.61 / 0.77 s, cadence 94 / 59 /
  120 / 109 steps/min, mean-stance-curve force peaks 1.03–1.30 body weights
  and mid-stance valley 0.35–0.94 BW (double hump), max cell pressure
  27–38 N/cm², median COP excursion per stance 0.64–0.72 along (X) and
  0.10–0.23 across (Y);
- mean stance pressure: hallux 14 highest for the size-7 wearer (8.7–11.2
  N/cm²), second metatarsal 10 (7.6) for the size-3 wearer; rearfoot 1–6
  ≈ 2–5; cell 7 (medial arch) 0.05–0.43, max 0.75–2.5;
- quiet stance: acceleration ≈ (−0.19, 0.04, 0.97) g, angular-rate bias up to
  ≈ 3.5 deg/s per axis and per device; in walking acceleration spans ≈ −6…10 g
  and angular rate (Y, the pitch axis) ≈ −450…600 deg/s. The pitch rate is
  negative in swing (toe up) on *both* feet, so the IMU's Y axis points the
  same way (to the left, right-handed X toes / Y left / Z up) on both insoles;
- one side's cells are blank on a few rows (merged time axes, filled by the
  loader and counted in ``InsoleRecording.filled``).

Stance detection is vectorised: a force threshold with hysteresis (forward
filled on/off marks) and a minimum duration, with no loop over frames.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from humaps.constants import G
from humaps.insole import areas_cm2
from humaps.paths import REAL
from humaps.recordings import InsoleRecording

DEFAULT_REAL_DIR = REAL / "moticon_opengo-1.0.3" / "tests" / "testdata"
REAL_FILES = ("230927_102114.txt", "230927_102137.txt", "230927_102231.txt",
              "walk_data_with_events/text_export.txt")
#: the recordings folder ``make setup`` prepares from REAL_FILES: copies (the loader refuses links that
#: leave a folder), ``walk_data_with_events/text_export.txt`` as ``walk_data_with_events.txt``, and the
#: manifest drafted by ``python -m humaps manifest DIR --unmatched subject`` (one subject per file)
DEFAULT_REAL_RECORDINGS = REAL / "recordings"
N_CURVE = 51                       # points of the time-normalised stance curve
GAIT_STANCE_S = (0.3, 1.5)         # a stance outside this is quiet standing or a turn, not gait


def real_data_dir() -> Path:
    """Directory holding the downloaded exports ($HUMAPS_REAL_DATA or the default cache path)."""
    return Path(os.environ.get("HUMAPS_REAL_DATA", DEFAULT_REAL_DIR))


def real_recordings_dir() -> Path:
    """The recordings folder of the four real exports ($HUMAPS_REAL_RECORDINGS or ``.cache/real/recordings``)."""
    return Path(os.environ.get("HUMAPS_REAL_RECORDINGS", DEFAULT_REAL_RECORDINGS))


def real_walking_recordings() -> list[InsoleRecording]:
    """The four real Moticon walking recordings, read like any recordings folder: through its manifest
    and :func:`humaps.data.store.load_cohort` (no special loader). In manifest order (that of
    :data:`REAL_FILES`). FileNotFoundError, saying how to prepare the folder, when it is absent."""
    from humaps.data.store import load_cohort
    from humaps.io.manifest import TRIALS_CSV

    root = real_recordings_dir()
    if not (root / TRIALS_CSV).is_file():
        raise FileNotFoundError(
            f"real Moticon recordings folder not prepared: {root / TRIALS_CSV} is missing. Run `make setup`: it "
            "downloads moticon-opengo==1.0.3's source (`pip download --no-deps --no-binary :all: "
            f"moticon-opengo==1.0.3`), copies its four walking exports into {root} and drafts their manifest "
            f"with `python -m humaps manifest {root} --unmatched subject`")
    return [t.insole for t in load_cohort(root)]


# ----------------------------------------------------------------------------- stance detection
def stance_mask(force: np.ndarray, *, on_n: float, off_n: float, fs: float, min_s: float = 0.1) -> np.ndarray:
    """(N, S) boolean contact mask from force (N, S) N: on above ``on_n``, off below ``off_n``.

    Hysteresis without a frame loop: +1/−1 marks where the force crosses the on/off
    thresholds are forward-filled; runs shorter than ``min_s`` (contact or gap) are removed.
    """
    assert on_n >= off_n, f"on threshold {on_n} must be >= off threshold {off_n}"
    mark = np.where(force > on_n, 1, np.where(force < off_n, -1, 0))
    n = force.shape[0]
    idx = np.where(mark != 0, np.arange(n)[:, None], 0)
    np.maximum.accumulate(idx, axis=0, out=idx)
    state = np.take_along_axis(mark, idx, axis=0) > 0
    state[(idx == 0) & (mark[:1] == 0)] = False        # before the first mark: off
    min_len = max(1, int(round(min_s * fs)))
    for s in range(state.shape[1]):                     # per side: drop short runs (vectorised in time)
        for value in (True, False):
            on, off = runs(state[:, s] == value)
            short = (off - on) < min_len
            for a, b in zip(on[short], off[short]):    # a handful of runs, not frames
                state[a:b, s] = not value
    return state


#: an unloading of a foot counts as a swing (and the force onset after it as a foot contact) when it lasts
#: at least this long (s). Real swings last 0.30–0.85 s (the four walking recordings, interior gaps);
#: shorter unloadings are weight shifts of a foot that stays on the floor, which no pose can show
MIN_SWING_S = 0.2


def foot_contact(force: np.ndarray, fs: float, scale_n: float | None = None) -> np.ndarray:
    """(N, 2) contact mask of both insoles' total force (N, 2) N at ``fs`` Hz: :func:`stance_mask` with its
    thresholds scaled to ``scale_n`` N (None: the median summed force, about the body weight in walking),
    on above max(40 N, 8 %) and off below max(25 N, 4 %) of it."""
    scale = scale_n if scale_n else float(np.percentile(force.sum(1), 50))
    return stance_mask(force, on_n=max(40.0, 0.08 * scale), off_n=max(25.0, 0.04 * scale), fs=fs)


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the True runs of a 1-D mask."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def gait_stances(rec: InsoleRecording, body_weight_n: float | None = None):
    """Complete gait stances: list (per side) of (start, end) index arrays, and the body weight used.

    A stance counts if it is preceded and followed by swing inside the recording
    and lasts :data:`GAIT_STANCE_S`. Body weight, when unknown, is the mean of
    the summed force over whole strides (vertical GRF averages to m·g per cycle).
    """
    fs = rec.rate_hz
    f = rec.total_force
    scale = body_weight_n if body_weight_n else float(np.percentile(f.sum(1), 50))
    mask = foot_contact(f, fs, scale)
    out = []
    for s in range(2):
        on, off = runs(mask[:, s])
        keep = (on > 0) & (off < len(f))
        dur = (off - on) / fs
        keep &= (dur >= GAIT_STANCE_S[0]) & (dur <= GAIT_STANCE_S[1])
        out.append((on[keep], off[keep]))
    if body_weight_n is None:
        on = out[0][0] if len(out[0][0]) >= 2 else out[1][0]
        if len(on) >= 2:
            body_weight_n = float(f[on[0]:on[-1]].sum(1).mean())
        else:
            body_weight_n = scale
    return out, float(body_weight_n)


def _normalised_curves(x: np.ndarray, on: np.ndarray, off: np.ndarray, n: int = N_CURVE) -> np.ndarray:
    """(K, n, ...) stance segments of ``x`` (N, ...) resampled to n points (vectorised gather)."""
    u = np.linspace(0.0, 1.0, n)
    pos = on[:, None] + u[None, :] * (off - 1 - on)[:, None]          # (K, n) fractional index
    i0 = np.floor(pos).astype(int)
    i1 = np.minimum(i0 + 1, len(x) - 1)
    w = (pos - i0).reshape(pos.shape + (1,) * (x.ndim - 1))
    return x[i0] * (1 - w) + x[i1] * w


def gait_statistics(rec: InsoleRecording, body_weight_n: float | None = None) -> dict:
    """Walking statistics of one recording (both feet pooled).

    Returns scalars ``stance_s`` (median), ``cadence_spm`` (steps/min),
    ``peak1_bw``/``valley_bw``/``peak2_bw`` (of the mean stance force curve, per
    body weight), ``max_cell_n_cm2`` (max cell pressure in gait stances) and ``max_cell_per_load`` (the
    same over the body weight per insole cell area, ``load_n_cm2``: what the wearer's weight and foot
    size leave to the device and the gait; nan without a valid ``Size`` header),
    ``cop_x_range``/``cop_y_range`` (median within-stance COP excursion, device
    units), ``cop_x_back`` (median within-stance distance the COP travels back toward
    the heel, device units: a foot that rolls heel → toe once travels none),
    ``acc_{x,y,z}_range`` g and ``gyro_{x,y,z}_range`` deg/s (1st–99th
    percentile spread over the walking part); arrays ``force_curve`` (N_CURVE,),
    ``cop_curve`` (N_CURVE,) the median COP X path through stance (device units, the contact edges
    skipped) and ``stance_pressure`` (16,) mean N/cm² in stance; ``n_stances``, ``body_weight_n``.
    """
    (stances, bw) = gait_stances(rec, body_weight_n)
    fs = rec.rate_hz
    n_st = sum(len(on) for on, _ in stances)
    if n_st == 0:
        raise ValueError(f"no complete gait stance found in {rec.source or 'recording'}")
    curves, press, durs, cop_rng, cop_back, cop_paths, strides, maxp = [], [], [], [], [], [], [], []
    for s, (on, off) in enumerate(stances):
        if len(on) == 0:
            continue
        durs.append((off - on) / fs)
        curves.append(_normalised_curves(rec.total_force[:, s], on, off) / bw)
        cop = _normalised_curves(rec.cop[:, s], on + 2, off - 2)           # skip the noisy contact edges
        cop_rng.append(cop.max(1) - cop.min(1))                           # (K, 2)
        cop_back.append(np.clip(-np.diff(cop[..., 0], axis=1), 0.0, None).sum(1))   # (K,) toward the heel
        cop_paths.append(cop[..., 0])
        inside = np.zeros(rec.n_frames, bool)
        idx = np.concatenate([np.arange(a, b) for a, b in zip(on, off)])
        inside[idx] = True
        press.append(rec.pressure[inside, s])
        maxp.append(rec.pressure[inside, s].max())
        st = np.diff(on) / fs
        strides.append(st[st < 2 * GAIT_STANCE_S[1]])
    curve = np.concatenate(curves).mean(0)
    half = N_CURVE // 2
    lo, hi = int(0.3 * N_CURVE), int(0.7 * N_CURVE)
    walk = slice(min(on[0] for on, _ in stances if len(on)), max(off[-1] for _, off in stances if len(off)))
    acc = rec.acceleration[walk].reshape(-1, 3)
    gyr = rec.angular_rate[walk].reshape(-1, 3)
    arng = np.percentile(acc, 99, axis=0) - np.percentile(acc, 1, axis=0)
    grng = np.percentile(gyr, 99, axis=0) - np.percentile(gyr, 1, axis=0)
    stride = np.concatenate(strides)
    cop_r = np.median(np.concatenate(cop_rng), axis=0)
    return {
        "stance_s": float(np.median(np.concatenate(durs))),
        "cadence_spm": float(120.0 / np.median(stride)) if stride.size else float("nan"),
        "peak1_bw": float(curve[:half].max()), "valley_bw": float(curve[lo:hi].min()),
        "peak2_bw": float(curve[half:].max()),
        "max_cell_n_cm2": float(max(maxp)),
        "cop_x_range": float(cop_r[0]), "cop_y_range": float(cop_r[1]),
        "cop_x_back": float(np.median(np.concatenate(cop_back))),
        **{f"acc_{a}_range": float(v) for a, v in zip("xyz", arng)},
        **{f"gyro_{a}_range": float(v) for a, v in zip("xyz", grng)},
        "force_curve": curve, "cop_curve": np.median(np.concatenate(cop_paths), axis=0),
        "stance_pressure": np.concatenate(press).mean(0),
        "n_stances": int(n_st), "body_weight_n": bw, "load_n_cm2": (load := _load_per_area(rec, bw)),
        "max_cell_per_load": float(max(maxp)) / load,
    }


def _load_per_area(rec: InsoleRecording, body_weight_n: float) -> float:
    """Body weight per cell area of one insole, N/cm² (nan without a valid ``Size`` header)."""
    try:
        return float(body_weight_n / areas_cm2(int(rec.meta.get("Size", 0))).sum())
    except ValueError:
        return float("nan")


SCALARS: dict[str, str] = {
    "stance_s": "stance duration [s]", "cadence_spm": "cadence [steps/min]",
    "peak1_bw": "1st force peak [BW]", "valley_bw": "mid-stance force valley [BW]",
    "peak2_bw": "2nd force peak [BW]",
    # per body weight and insole area, as the force rows are per body weight: in N/cm² the peak follows the
    # wearer (load vs peak r = 0.96 over the simulated segments; max_cell_by_load shows it)
    "max_cell_per_load": "max cell pressure [BW / insole area]",
    "cop_x_range": "COP X excursion (along) [−0.5…0.5]", "cop_y_range": "COP Y excursion (across) [−0.5…0.5]",
    "cop_x_back": "COP X travel back toward the heel [−0.5…0.5]",
    "acc_x_range": "acc X 1–99 % spread [g]", "acc_y_range": "acc Y 1–99 % spread [g]",
    "acc_z_range": "acc Z 1–99 % spread [g]", "gyro_x_range": "angular X 1–99 % spread [deg/s]",
    "gyro_y_range": "angular Y 1–99 % spread [deg/s]", "gyro_z_range": "angular Z 1–99 % spread [deg/s]",
}


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


def _verdict(lo: float, hi: float, median: float) -> str:
    if np.isnan(median):
        return "not measurable"
    return "inside real range" if lo <= median <= hi else ("below real range" if median < lo else "above real range")


COLUMNS = ["statistic", "real min", "real max", "sim 5 %", "sim median", "sim 95 %", "segments inside [%]",
           "not measurable", "verdict"]


def compare(real: list[dict], simulated: list[dict]) -> pd.DataFrame:
    """One row per statistic: the real recordings' range and where the simulated segments fall.

    The verdict of a row is about the simulated *median* (inside / below / above the real
    range); ``segments inside [%]`` says how much of the simulated spread lies inside it. The
    real range comes from 4 recordings of 2 people, so a cohort of 32 simulated people is not
    expected to sit inside it segment by segment. Segments where a statistic cannot be
    measured (a cadence needs two stances of one foot) are counted in ``not measurable``.

    Two pattern rows compare shapes: the mean stance force curve and the mean
    per-sensor stance pressure. Their real range is each real recording's
    correlation with the mean of the *other* real recordings (leave-one-out);
    the simulated value is each simulated recording's correlation with the mean
    of all real recordings, and "inside" means at least the lowest real value.
    """
    assert real and simulated, "compare needs at least one real and one simulated statistics dict"
    rows = []

    def row(label, lo, hi, s, upper=True):
        ok = ~np.isnan(s)
        v = s[ok]
        q5, med, q95 = np.percentile(v, [5, 50, 95]) if v.size else (np.nan,) * 3
        inside = (v >= lo) & ((v <= hi) if upper else True)
        rows.append((label, lo, hi, q5, med, q95, 100.0 * inside.mean() if v.size else np.nan, int((~ok).sum()),
                     _verdict(lo, hi if upper else np.inf, med)))

    for key, label in SCALARS.items():
        r = np.array([d[key] for d in real], float)
        row(label, np.nanmin(r), np.nanmax(r), np.array([d[key] for d in simulated], float))
    for key, label in (("force_curve", "stance force curve shape (r)"),
                       ("stance_pressure", "per-sensor stance pressure pattern (r)")):
        rv = np.stack([d[key] for d in real])
        loo = np.array([_corr(rv[i], np.delete(rv, i, 0).mean(0)) for i in range(len(rv))]) \
            if len(rv) > 1 else np.array([1.0])
        row(label, loo.min(), loo.max(), np.array([_corr(d[key], rv.mean(0)) for d in simulated]), upper=False)
    return pd.DataFrame(rows, columns=COLUMNS)


#: a statistic is realistic enough when at least this share of the walking segments lies inside the real range
SHARE_INSIDE = 0.9


def verdicts(table: pd.DataFrame, what: str = "simulated") -> tuple[list, list[str], float]:
    """The verdicts on a :func:`compare` table: (verdicts, explanation lines, smallest share inside).

    Two claims: the median ``what`` segment lies inside the real range for every statistic, and every
    statistic has at least :data:`SHARE_INSIDE` of the segments inside it (the smallest per-statistic
    share is returned, as a fraction). The lines name each statistic that fails either, with its numbers.
    """
    from humaps.verdicts import verdict

    inside = table["verdict"].eq("inside real range")
    share = table["segments inside [%]"] / 100.0
    worst = share.idxmin()
    out = [verdict(f"The median {what} walking segment falls inside the range of the real recordings for every "
                   "statistic", inside.all(), f"{int(inside.sum())} of {len(table)} statistics"),
           verdict(f"For every statistic at least {SHARE_INSIDE:.0%} of the {what} walking segments fall inside the "
                   "real range", bool((share >= SHARE_INSIDE).all()),
                   f"{int((share >= SHARE_INSIDE).sum())} of {len(table)} statistics; lowest {share[worst]:.0%} "
                   f"({table.loc[worst, 'statistic']})")]
    lines = [f"  - median {r.verdict}: {r.statistic} (real {r[1]:.2f}–{r[2]:.2f}, {what} median {r[4]:.2f})"
             for r in table[~inside].itertuples(index=False)]
    lines += [f"  - {r.statistic}: {r[6]:.0f} % of segments inside ({what} 5–95 % {r[3]:.2f}–{r[5]:.2f}, "
              f"real {r[1]:.2f}–{r[2]:.2f})" for r in table[share < SHARE_INSIDE].itertuples(index=False)]
    return out, lines, float(share.min())


def simulated_walking(trials, subjects: pd.DataFrame, *, label: str = "Walking") -> list[dict]:
    """Gait statistics of every annotated ``label`` segment of simulated ``trials``.

    ``subjects`` gives each subject's mass, so the force is normalised by the
    true body weight (the real recordings estimate theirs from the force).
    Segments without a complete stance are skipped; every returned dict
    carries their count in ``n_skipped``.
    """
    mass = subjects.set_index("subject")["mass_kg"]
    stats, skipped = [], 0
    for tr in trials:
        for seg in tr.annotations[tr.annotations["label"] == label].itertuples():
            try:
                d = gait_statistics(tr.insole.between(seg.start_s, seg.end_s),
                                    body_weight_n=float(mass[tr.subject]) * G)
            except ValueError:
                skipped += 1
                continue
            stats.append(d | {"subject": tr.subject, "trial": tr.trial_id})
    for d in stats:
        d["n_skipped"] = skipped
    return stats


def handover_speed(trials, *, label: str = "Walking", before_s: float = 0.1, after_s: float = 0.25) -> np.ndarray:
    """(N,) for every heel strike in the ``label`` stretches of ``trials`` that have motion capture: the
    pelvis's lowest horizontal speed over the ``after_s`` after the strike as a fraction of its speed
    ``before_s`` before it. A heel strike is the start of a complete gait stance of either insole
    (:func:`gait_stances`); the pelvis is the motion capture's root joint on the insole clock.
    A body rolling over its feet keeps most of its speed through the hand-over between them.
    """
    out = []
    for tr in trials:
        if tr.mocap is None or tr.annotations is None:
            continue
        t_m = tr.mocap.time + tr.mocap_offset_s
        speed = np.linalg.norm(np.gradient(tr.mocap.positions[:, 0, :2], t_m, axis=0), axis=1)   # (M,) m/s
        for seg in tr.annotations[tr.annotations["label"] == label].itertuples():
            rec = tr.insole.between(seg.start_s, seg.end_s)
            if rec.n_frames < 16:
                continue
            stances, _ = gait_stances(rec)
            for t0 in rec.time[np.concatenate([on for on, _ in stances])]:
                after = np.interp(np.linspace(t0, t0 + after_s, 16), t_m, speed)
                out.append(after.min() / np.interp(t0 - before_s, t_m, speed))
    out = np.asarray(out, float)
    return out[np.isfinite(out)]


if __name__ == "__main__":  # prints the measured facts quoted in the docstring
    recs = real_walking_recordings()
    stats = [gait_statistics(r) for r in recs]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(pd.DataFrame([{k: v for k, v in d.items() if np.ndim(v) == 0} for d in stats],
                           index=[Path(r.source).name for r in recs]).T.round(3))
        print(pd.DataFrame([d["stance_pressure"] for d in stats], columns=range(1, 17)).round(2))


def beside_cohort(recorded: list[dict], simulated: list[dict]) -> pd.DataFrame:
    """A recordings folder's walking as the reference, the simulated cohort's walking set against it:
    :func:`compare` with "real" read as "recordings"."""
    table = compare(recorded, simulated).rename(columns=lambda c: c.replace("real", "recordings"))
    table["verdict"] = table["verdict"].str.replace("real", "recordings")
    return table


def max_cell_by_load(real: list[dict], walking: list[dict], what: str = "simulated"):
    """Is a short share of segments inside the real max-cell-pressure range a matter of who wears the insoles?

    Peak cell pressure grows with the body weight carried per insole area (N/cm²). The real range comes from
    two wearers; ``walking`` segments are grouped by whether their load per area lies below, inside or above
    the real recordings' range. Returns (one row per group: segments, load range, max-cell median and share
    inside the real max-cell range; the correlation of load and max cell pressure over ``walking``, r) and a
    verdict: the segments loaded like the real wearers meet :data:`SHARE_INSIDE`.
    """
    from humaps.verdicts import undecided, verdict

    lo, hi = (f([d["load_n_cm2"] for d in real]) for f in (np.nanmin, np.nanmax))
    real_peak = np.array([d["max_cell_n_cm2"] for d in real], float)
    load = np.array([d["load_n_cm2"] for d in walking], float)
    peak = np.array([d["max_cell_n_cm2"] for d in walking], float)
    inside = (peak >= real_peak.min()) & (peak <= real_peak.max())
    group = np.where(load < lo, "lighter than", np.where(load > hi, "heavier than", "as"))
    rows = [{"segments": f"real recordings (load {lo:.2f}–{hi:.2f} N/cm²)", "n": len(real),
             "load min": lo, "load max": hi, "max cell median": float(np.median(real_peak)), "inside [%]": 100.0}]
    for g in ("lighter than", "as", "heavier than"):
        m = group == g
        rows.append({"segments": f"{what}, loaded {g} the real wearers", "n": int(m.sum()),
                     "load min": load[m].min() if m.any() else np.nan, "load max": load[m].max() if m.any() else np.nan,
                     "max cell median": np.median(peak[m]) if m.any() else np.nan,
                     "inside [%]": 100.0 * inside[m].mean() if m.any() else np.nan})
    table = pd.DataFrame(rows).set_index("segments")
    ok = np.isfinite(load)
    r = float(np.corrcoef(load[ok], peak[ok])[0, 1]) if ok.sum() > 2 else float("nan")
    claim = (f"The {what} segments loaded like the real wearers have at least {SHARE_INSIDE:.0%} of their max cell "
             "pressures inside the real range (what remains is who wears the insoles, not how they are simulated)")
    alike = table.loc[f"{what}, loaded as the real wearers"]
    if alike["n"] < 5:
        return table, r, undecided(claim, f"only {int(alike['n'])} segments loaded like the real wearers")
    return table, r, verdict(claim, alike["inside [%]"] >= 100 * SHARE_INSIDE,
                             f"{alike['inside [%]']:.0f} % of {int(alike['n'])} segments at {lo:.2f}–{hi:.2f} N/cm²; "
                             f"all {int(ok.sum())} segments {100 * inside[ok].mean():.0f} %; "
                             f"load vs max cell pressure r = {r:.2f}")
