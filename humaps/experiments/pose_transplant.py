"""How much of the real-recording gap do the channels' distributions explain? A quantile transplant.

The model is checked on real walking by its foot contacts (:mod:`humaps.experiments.pose_real`). When
it matches far fewer force onsets there than on simulated walking, the KS table says *which* input
channels differ, not whether those differences are what the model stumbles on. The transplant measures
that: simulated walking of unseen subjects is fed to the model with one group of its input channels
mapped, value by value, onto the real walking's distribution (quantile mapping, so that each channel's
marginal distribution becomes the real one while its timing and its relations to the other channels
stay simulated), and the same contact check is run again (the force onsets are the simulated ones,
untouched). If mapping every channel brings the control down to the real score, the marginal
distributions are the gap; what remains is in how the channels move together and in time, which no
per-channel map can carry.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from humaps.experiments.pose_real import CHANNELS, ONSETS_MATCHED, simulated_control
from humaps.models.pose_net import PoseNet
from humaps.verdicts import Verdict, undecided, verdict

#: the channel groups transplanted one at a time (by name prefix), then all together
GROUPS: dict[str, tuple[str, ...]] = {
    "pressure": ("pressure",), "COP": ("COP",), "force": ("force",), "acceleration": ("acc",),
    "pitch": ("pitch",), "roll": ("roll",), "yaw": ("yaw",), "orientation": ("pitch", "roll", "yaw"),
    "every channel": ("pressure", "COP", "force", "acc", "pitch", "roll", "yaw"),
}
N_QUANTILES = 201
#: the share of the gap (control − real, in matched onsets) the every-channel transplant must close for
#: the channels' distributions to count as the main cause
MAIN_CAUSE = 0.5

Transform = Callable[[np.ndarray], np.ndarray]


def quantile_map(source: pd.DataFrame, target: pd.DataFrame, prefixes: tuple[str, ...]) -> Transform:
    """A function mapping model inputs (..., 50) (columns :data:`CHANNELS`) so that every channel whose
    name starts with one of ``prefixes`` takes ``target``'s distribution where it had ``source``'s:
    x → Q_target(F_source(x)), piecewise linear between :data:`N_QUANTILES` quantiles, constant beyond
    the extremes. ``source``/``target``: frames × channels (:func:`pose_real.input_frames`)."""
    q = np.linspace(0.0, 1.0, N_QUANTILES)
    picked = [k for k, name in enumerate(CHANNELS) if name.startswith(prefixes)]
    assert picked, f"no model input channel starts with {prefixes}"
    tables = {}
    for k in picked:
        xs, ys = np.quantile(source[CHANNELS[k]], q), np.quantile(target[CHANNELS[k]], q)
        # np.interp needs increasing xs: a channel with repeated quantiles (zeros in swing) keeps the
        # first of each run, so a value on a plateau maps to the plateau's lowest target quantile
        keep = np.concatenate([[True], np.diff(xs) > 0])
        tables[k] = xs[keep], ys[keep]

    def transform(x: np.ndarray) -> np.ndarray:
        out = np.array(x, dtype=np.float32, copy=True)
        for k, (xs, ys) in tables.items():
            out[..., k] = np.interp(x[..., k], xs, ys)
        return out

    return transform


def transplant_table(model: PoseNet, trials, source: pd.DataFrame, target: pd.DataFrame, *, window: int,
                     fs_hz: float, input_norm: str, real_matched: float) -> pd.DataFrame:
    """Matched force onsets (%) of the model on the simulated walking of ``trials`` (subjects it never
    saw), with each of :data:`GROUPS` transplanted from ``source`` (simulated walking frames) to
    ``target`` (real walking frames), beside the untouched control and the real recordings'
    ``real_matched`` (%). Rows: "simulated (control)", "simulated, <group> transplanted", "real"."""
    def matched(transform: Transform | None) -> float:
        c = simulated_control(model, trials, window=window, fs_hz=fs_hz, input_norm=input_norm,
                              transform=transform, true_poses=False)
        return 100.0 * float(c.loc["predicted", "matched within 0.15 s"] / c.loc["predicted", "force onsets"])

    rows = {"simulated (control)": matched(None)}
    for name, prefixes in GROUPS.items():
        rows[f"simulated, {name} transplanted"] = matched(quantile_map(source, target, prefixes))
    rows["real"] = float(real_matched)
    out = pd.DataFrame({"matched (%)": rows})
    gap = out.loc["simulated (control)", "matched (%)"] - real_matched
    out["share of the gap closed"] = ((out.loc["simulated (control)", "matched (%)"] - out["matched (%)"]) / gap
                                      if gap > 0 else np.nan)
    return out


def transplant_verdict(table: pd.DataFrame) -> Verdict:
    """Do the channels' distributions explain the real gap? (``table``: :func:`transplant_table`.)

    Undecided when the control itself misses :data:`~humaps.experiments.pose_real.ONSETS_MATCHED` (the model
    fails on its own kind of data, so there is no transfer gap to explain) or there is no gap; else holds
    when transplanting every channel closes at least :data:`MAIN_CAUSE` of it."""
    claim = (f"The input channels' distributions are the main cause of the real-recording gap: mapping every "
             f"channel of simulated walking onto the real distribution closes at least {MAIN_CAUSE:.0%} of it")
    control, real = table.loc["simulated (control)", "matched (%)"], table.loc["real", "matched (%)"]
    if control < 100 * ONSETS_MATCHED:
        return undecided(claim, f"the control matches only {control:.0f} % of onsets (below "
                                f"{ONSETS_MATCHED:.0%}): the model fails on simulated walking too")
    if control <= real:
        return undecided(claim, f"no gap: real {real:.0f} % ≥ control {control:.0f} %")
    closed = float(table.loc["simulated, every channel transplanted", "share of the gap closed"])
    return verdict(claim, closed >= MAIN_CAUSE,
                   f"control {control:.0f} %, every channel transplanted "
                   f"{table.loc['simulated, every channel transplanted', 'matched (%)']:.0f} %, real {real:.0f} %: "
                   f"{closed:.0%} of the gap closed")
