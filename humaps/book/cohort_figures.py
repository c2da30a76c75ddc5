"""The data chapter's figures: sensors and graphs, a stance, action durations, the 30 classes, walking
against the real recordings, clock offsets. Each takes what the chapter has read and returns the figure."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from humaps.actions import CATEGORIES, CLASS_NAMES
from humaps.book import plots
from humaps.models.graphs import FootGraph, SkeletonGraph


def sensors_and_graphs(with_mocap):
    """The OpenGo cell layout, the foot graphs, and the skeleton graph on the first motion-capture trial's
    first complete frame (a note when there is none)."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1.1, 1.1, 1.4]})
    for ax, graphed in zip(axes[:2], (False, True)):
        for side, x0 in (("left", 0.0), ("right", 0.5)):
            plots.insole_layout(ax, side=side, x0=x0, graph=FootGraph(side=side) if graphed else None)
        ax.set_title("cell layout (left, right)" if not graphed else f"foot graphs ({FootGraph().n_edges} edges each)")
    skel, sub = SkeletonGraph(), SkeletonGraph(without_arms=True)
    if with_mocap:
        pos = with_mocap[0].mocap.positions
        rest = pos[np.isfinite(pos).all(axis=(1, 2))][0]
        plots.draw_skeleton(axes[2], rest - rest[0], view="front", color="0.3", lw=1.0)
        plots.draw_graph(axes[2], rest - rest[0], sub, view="front")
    else:
        axes[2].text(0.5, 0.5, "no motion capture\nin this folder", ha="center", va="center",
                     transform=axes[2].transAxes)
    axes[2].set_title(f"skeleton graph: {skel.n_nodes} joints, {skel.n_edges} bones\n"
                      f"(pose encoder of §6: {sub.n_nodes} non-arm joints)")
    axes[2].set_axis_off()
    fig.tight_layout()
    return fig


def stance(walk, on: int, off: int, body_weight_n: float):
    """A left stance (frames ``on``…``off`` of the recording ``walk``): the pressure map at eight moments,
    the force in body weights and the centre of pressure."""
    moments = np.linspace(on, off - 1, 8).astype(int)
    fig = plt.figure(figsize=(11, 6))
    vmax = float(walk.pressure[on:off, 0].max())
    for k, i in enumerate(moments):
        ax = fig.add_subplot(2, 8, k + 1)
        sc = plots.insole_layout(ax, side="left", values=walk.pressure[i, 0], vmax=vmax, numbers=False)
        ax.set_title(f"{(i - on) / (off - on) * 100:.0f} %", fontsize=9)
    fig.colorbar(sc, ax=fig.axes, shrink=0.4, label="N/cm²", location="right")
    t = (np.arange(on, off) - on) / walk.rate_hz
    ax = fig.add_subplot(2, 2, 3)
    ax.plot(t, walk.total_force[on:off, 0] / body_weight_n)
    ax.set(xlabel="time in stance (s)", ylabel="left force (body weights)")
    ax = fig.add_subplot(2, 2, 4)
    ax.plot(t, walk.cop[on:off, 0, 0], label="X (along, toes +)")
    ax.plot(t, walk.cop[on:off, 0, 1], label="Y (across, medial +)")
    ax.set(xlabel="time in stance (s)", ylabel="left COP (−0.5…0.5)")
    ax.legend(fontsize=8)
    return fig


def durations(ann):
    """Action durations per category against the 3-s window (``ann``: :func:`humaps.data.checks.action_durations`)."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    sns.violinplot(data=ann, x="category", y="duration_s", order=list(CATEGORIES), cut=0, inner="quartile", ax=ax)
    ax.axhline(3.0, color="k", ls="--", lw=1)
    ax.set(ylabel="action duration (s)", xlabel="", title="Action durations per category (cf. the paper's Figure 11)")
    fig.tight_layout()
    return fig


def class_snapshots(trial):
    """Every class mid-action, from ``trial``'s motion capture (side view; a class the trial lacks shows the
    last frame)."""
    mo, first = trial.mocap, trial.annotations.drop_duplicates("label").set_index("label")
    mid = ((first["start_s"] + first["end_s"]) / 2).reindex(CLASS_NAMES)
    idx = np.clip(np.searchsorted(mo.time + trial.mocap_offset_s, mid.to_numpy()), 0, mo.n_frames - 1)
    fig, axes = plt.subplots(5, 1, figsize=(10, 11))
    for row, ax in enumerate(axes):
        k = slice(row * 6, row * 6 + 6)
        names = [n.replace(" the ", " ").replace("Putting ", "").replace(" on ", "\non ") for n in CLASS_NAMES[k]]
        plots.skeleton_strip(ax, np.nan_to_num(mo.positions[idx[k]]), names, view="side", spacing=1.0)
    fig.tight_layout()
    return fig


def walking_against(reference: list[dict], walking: list[dict], *, what: str, reference_name: str = "real"):
    """Stance force curves of ``walking`` (orange) over the ``reference``'s (black), the mean stance
    pressure per cell of each, and each recording's median COP path along the insole through stance
    (gait statistics of :func:`humaps.data.realism.gait_statistics`)."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
    u = np.linspace(0, 100, len(reference[0]["force_curve"]))
    for d in reference:
        axes[0].plot(u, d["force_curve"], color="k", lw=1.2, alpha=0.7)
    for d in walking:
        axes[0].plot(u, d["force_curve"], color="tab:orange", lw=0.8, alpha=0.6)
    axes[0].set(xlabel="% of stance", ylabel="force (body weights)",
                title=f"stance force: {reference_name} (black) vs {what}")
    cells = np.arange(1, 17)
    for data, style, label in ((reference, dict(color="k"), reference_name), (walking, dict(color="tab:orange"), what)):
        axes[1].plot(cells, np.mean([d["stance_pressure"] for d in data], 0), "-o", label=f"{label} (mean)", **style)
    axes[1].set(xlabel="cell", ylabel="mean stance pressure (N/cm²)", xticks=cells)
    axes[1].legend()
    for data, style in ((walking, dict(color="tab:orange", lw=0.8, alpha=0.6)), (reference, dict(color="k", lw=1.2))):
        for d in data:
            axes[2].plot(u, d["cop_curve"], **style)
    axes[2].set(xlabel="% of stance (contact edges skipped)", ylabel="COP X (toe +)",
                title=f"COP along the insole: {reference_name} (black) vs {what}")
    fig.tight_layout()
    return fig


def clock_errors(off):
    """The clock-offset estimation error and its confidence (``off``: :func:`humaps.data.checks.clock_offsets`)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
    axes[0].hist(off["error_ms"], bins=np.linspace(-10, 10, 41), color="tab:blue")
    axes[0].set(xlabel="estimate − given offset (ms)", ylabel="trials", title="clock-offset estimation error")
    axes[1].scatter(off["confidence"], off["error_ms"].abs(), s=14)
    axes[1].set(xlabel="confidence", ylabel="|error| (ms)", title="error against confidence")
    fig.tight_layout()
    return fig
