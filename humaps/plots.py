"""Figures several chapters draw: skeletons, the insole layout, pressure maps, paper-vs-ours bars.

Every function draws on a matplotlib ``Axes`` it is given and returns it, so a
notebook composes figures (seaborn themes apply).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from humaps import insole
from humaps.skeleton import BONES, INDEX

#: (horizontal, vertical) coordinate indices for a view of a z-up pose
VIEWS = {"front": (0, 2), "side": (1, 2), "top": (0, 1)}


def draw_skeleton(ax, pose: np.ndarray, *, view: str = "front", color="k", lw: float = 1.5,
                  alpha: float = 1.0, offset: float = 0.0, label: str | None = None):
    """Draw one pose (24, 3) metres as bones projected on ``view``, shifted by ``offset`` horizontally."""
    h, v = VIEWS[view]
    for k, (child, parent) in enumerate(BONES):
        ax.plot([pose[parent, h] + offset, pose[child, h] + offset], [pose[parent, v], pose[child, v]],
                color=color, lw=lw, alpha=alpha, solid_capstyle="round", label=label if k == 0 else None)
    ax.scatter(pose[INDEX["Head"], h] + offset, pose[INDEX["Head"], v], s=18 * lw, color=color, alpha=alpha)
    ax.set_aspect("equal")
    return ax


def draw_graph(ax, pose: np.ndarray, graph, *, view: str = "front", color="tab:red", lw: float = 2.5):
    """Draw the edges of a :class:`humaps.graphs.SkeletonGraph` on a (24, 3) pose (its nodes as dots)."""
    h, v = VIEWS[view]
    nodes = pose[graph.index]  # (N, 3) in the graph's node order
    s, d = graph.edge_index.numpy()
    for a, b in zip(s, d):
        if a < b:
            ax.plot(nodes[[a, b], h], nodes[[a, b], v], color=color, lw=lw, alpha=0.6, solid_capstyle="round")
    ax.scatter(nodes[:, h], nodes[:, v], s=10, color=color, zorder=3)
    ax.set_aspect("equal")
    return ax


def skeleton_strip(ax, poses: np.ndarray, titles, *, view: str = "side", spacing: float = 1.0, color="k"):
    """Draw several pelvis-centred poses (K, 24, 3) side by side, each titled underneath."""
    h, v = VIEWS[view]
    for k, pose in enumerate(poses):
        p = pose - pose[INDEX["Hips"]]
        draw_skeleton(ax, p, view=view, offset=k * spacing, color=color, lw=1.2)
        ax.text(k * spacing, p[:, v].min() - 0.12, titles[k], ha="center", va="top", fontsize=6.5, rotation=0,
                wrap=True)
    ax.set_axis_off()
    return ax


def insole_layout(ax, *, side: str = "left", values: np.ndarray | None = None, graph=None, cmap="magma",
                  vmax: float | None = None, numbers: bool = True, x0: float = 0.0):
    """The 16 OpenGo cells of one insole (toe up), sized by area, coloured by ``values`` (16,) if given.

    ``graph`` (a :class:`humaps.graphs.FootGraph`) draws its edges. ``x0`` shifts the insole sideways
    so both feet fit on one Axes.
    """
    xy = insole.centroids(side).copy()
    xy[:, 1] = 1.0 - xy[:, 1]  # toe up
    xy[:, 0] = xy[:, 0] * 0.38 + x0  # the insole is about 0.38 as wide as long
    outline = np.array([[.5, 1.0], [.9, .88], [1.0, .62], [.85, .35], [.7, .02], [.35, 0.], [.15, .25], [.05, .6],
                        [.1, .9]])
    if side == "right":
        outline[:, 0] = 1.0 - outline[:, 0]
    ax.fill(outline[:, 0] * 0.38 + x0, outline[:, 1], color="0.93", ec="0.6", lw=1, zorder=0)
    if graph is not None:
        s, d = graph.edge_index.numpy()
        for a, b in zip(s, d):
            if a < b:
                ax.plot(xy[[a, b], 0], xy[[a, b], 1], color="0.55", lw=0.8, zorder=1)
    sizes = insole.AREAS_SIZE4_CM2 * 28
    colour = {"color": "tab:blue"} if values is None else {"c": values, "cmap": cmap, "vmin": 0, "vmax": vmax}
    sc = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, ec="k", lw=0.5, zorder=2, **colour)
    if numbers:
        for k, (x, y) in enumerate(xy):
            ax.text(x, y, str(k + 1), ha="center", va="center", fontsize=6.5, zorder=3,
                    color="w" if values is not None else "k")
    ax.set_aspect("equal")
    ax.set_axis_off()
    return sc


def paper_vs_ours(ax, table: pd.DataFrame, *, index: str, paper: str, ours: str, paper_err: str | None = None,
                  ours_err: str | None = None, ylabel: str = ""):
    """Grouped bars, one pair per ``index`` row: the paper's value beside ours (optional ± bars)."""
    x = np.arange(len(table))
    w = 0.4
    ax.bar(x - w / 2, table[paper], w, yerr=None if paper_err is None else table[paper_err], capsize=2,
           label="paper", color=sns.color_palette()[0])
    ax.bar(x + w / 2, table[ours], w, yerr=None if ours_err is None else table[ours_err], capsize=2,
           label="this companion", color=sns.color_palette()[1])
    ax.set_xticks(x, table[index], rotation=60, ha="right")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def close_all():
    """Release figures between cells of long notebooks."""
    plt.close("all")
