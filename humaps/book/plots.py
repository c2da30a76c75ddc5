"""Figures several chapters draw: skeletons, the insole layout, pressure maps, paper-vs-ours bars.

Most functions draw on a matplotlib ``Axes`` they are given and return it, so a
notebook composes figures (seaborn themes apply). Two make their own figure:
:func:`skeleton_stills` (large 3-D or 2-D stills of predicted against true
skeletons) and :func:`skeleton_animation` (the same over one window, as an
HTML/JavaScript player that plays offline).
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence

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
    """Draw the edges of a :class:`humaps.models.graphs.SkeletonGraph` on a (24, 3) pose (its nodes as dots)."""
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

    ``graph`` (a :class:`humaps.models.graphs.FootGraph`) draws its edges. ``x0`` shifts the insole sideways
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


#: predicted and true skeleton colours in :func:`skeleton_stills` and :func:`skeleton_animation`
TRUE_COLOUR, PRED_COLOUR = "k", "tab:orange"


def _views(view) -> tuple[str, ...]:
    views = (view,) if isinstance(view, str) else tuple(view)
    unknown = [v for v in views if v != "3d" and v not in VIEWS]
    if unknown or not views:
        raise ValueError(f"unknown view(s) {unknown or view!r}; expected '3d' or one of {sorted(VIEWS)}")
    return views


def _limits(*poses: np.ndarray, margin: float = 0.06) -> np.ndarray:
    """(3, 2) axis limits holding every joint of ``poses`` (any leading shape), ``margin`` metres around."""
    xyz = np.concatenate([np.asarray(p, dtype=float).reshape(-1, 3) for p in poses])
    xyz = xyz[np.isfinite(xyz).all(axis=1)]
    if not len(xyz):
        raise ValueError("no finite joint position to draw")
    lo, hi = xyz.min(axis=0) - margin, xyz.max(axis=0) + margin
    # a skeleton seen edge-on is thin: keep every axis at least 0.5 m so the views keep a common scale
    pad = np.maximum(0.5 - (hi - lo), 0) / 2
    return np.stack([lo - pad, hi + pad], axis=1)


def _skeleton_axes(fig, spec, view: str, lim: np.ndarray, *, elev: float = 12, azim: float = -60,
                   zoom: float = 1.08):
    """An Axes (3-D for ``view == "3d"``) with fixed limits, one scale on every axis, and no frame."""
    if view == "3d":
        ax = fig.add_subplot(spec, projection="3d")
        ax.set_xlim(*lim[0]); ax.set_ylim(*lim[1]); ax.set_zlim(*lim[2])
        ax.set_box_aspect(tuple(lim[:, 1] - lim[:, 0]), zoom=zoom)
        ax.view_init(elev=elev, azim=azim)
        ax.set_axis_off()
        return ax
    h, v = VIEWS[view]
    ax = fig.add_subplot(spec)
    ax.set_xlim(*lim[h]); ax.set_ylim(*lim[v])
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _bone_lines(ax, view: str, colour, lw: float, alpha: float = 1.0) -> list:
    if view == "3d":
        return [ax.plot([], [], [], color=colour, lw=lw, alpha=alpha, solid_capstyle="round")[0] for _ in BONES]
    return [ax.plot([], [], color=colour, lw=lw, alpha=alpha, solid_capstyle="round")[0] for _ in BONES]


def _set_pose(lines: list, pose: np.ndarray, view: str) -> None:
    for line, (child, parent) in zip(lines, BONES):
        seg = pose[[parent, child]]
        if view == "3d":
            line.set_data_3d(seg[:, 0], seg[:, 1], seg[:, 2])
        else:
            h, v = VIEWS[view]
            line.set_data(seg[:, h], seg[:, v])


def _check_window(true: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    true, pred = np.asarray(true, dtype=float), np.asarray(pred, dtype=float)
    if true.shape != pred.shape or true.ndim != 3 or true.shape[1:] != (len(BONES) + 1, 3):
        raise ValueError(f"true and pred must both be (T, {len(BONES) + 1}, 3) poses; got {true.shape} and "
                         f"{pred.shape}")
    return true, pred


_VIEW_TITLES = {"front": "front", "side": "side", "top": "top", "3d": "3-D"}


def _true_vs_predicted_legend(fig, title: str | None, *, loc: str, bottom: float, top: float) -> None:
    """The true/predicted legend at the foot of ``fig`` and its optional title (which lowers ``top``
    by 0.06), with the panels fitted between ``bottom`` and ``top``."""
    handles = [plt.Line2D([], [], color=TRUE_COLOUR, lw=2, label="true"),
               plt.Line2D([], [], color=PRED_COLOUR, lw=2, label="predicted")]
    fig.legend(handles=handles, loc=loc, ncol=2, frameon=False, fontsize=10)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=bottom, top=top - 0.06 if title else top, wspace=0.02)


def skeleton_stills(true: np.ndarray, pred: np.ndarray, frames: Sequence[int], *, view="3d",
                    titles: Sequence[str] | None = None, ncols: int = 3, panel_in: float = 3.3,
                    title: str | None = None, elev: float = 12, azim: float = -60):
    """Large stills of predicted (orange) against true (black) skeletons at ``frames`` of one window.

    ``true`` and ``pred`` are (T, 24, 3) poses in metres (z up); one panel per frame, ``ncols`` to a
    row, each ``panel_in`` inches wide and 1.3 times as tall (3-D by default; ``view`` may be "front",
    "side" or "top"). All panels share limits, so the poses are comparable. Returns the figure.
    """
    true, pred = _check_window(true, pred)
    (view,) = _views(view)
    frames = [int(f) for f in frames]
    ncols = max(1, min(ncols, len(frames)))
    nrows = math.ceil(len(frames) / ncols)
    fig = plt.figure(figsize=(panel_in * ncols, 1.3 * panel_in * nrows + (0.4 if title else 0)))
    grid = fig.add_gridspec(nrows, ncols)
    lim = _limits(true[frames], pred[frames])
    for k, frame in enumerate(frames):
        ax = _skeleton_axes(fig, grid[k // ncols, k % ncols], view, lim, elev=elev, azim=azim)
        _set_pose(_bone_lines(ax, view, TRUE_COLOUR, 2.0), true[frame], view)
        _set_pose(_bone_lines(ax, view, PRED_COLOUR, 2.0, 0.85), pred[frame], view)
        ax.set_title(titles[k] if titles is not None else f"frame {frame}", fontsize=11)
    _true_vs_predicted_legend(fig, title, loc="lower center", bottom=0.08, top=0.92)
    return fig


#: inline SVG for the icons of matplotlib's player, which it takes from a web font on a CDN
_PLAYER_ICONS = {
    "fa fa-minus": "M2 7h12v2H2z",
    "fa fa-plus": "M7 2h2v5h5v2H9v5H7V9H2V7h5z",
    "fa fa-fast-backward": "M1 2h2v12H1zM9 2L3 8l6 6zM15 2L9 8l6 6z",
    "fa fa-step-backward": "M2 2h2v12H2zM14 2L5 8l9 6z",
    "fa fa-play fa-flip-horizontal": "M12 2L2 8l10 6z",
    "fa fa-pause": "M3 2h4v12H3zM9 2h4v12H9z",
    "fa fa-play": "M4 2l10 6-10 6z",
    "fa fa-step-forward": "M12 2h2v12h-2zM2 2l9 6-9 6z",
    "fa fa-fast-forward": "M13 2h2v12h-2zM7 2l6 6-6 6zM1 2l6 6-6 6z",
}


def _offline_player(html: str) -> str:
    """matplotlib's ``to_jshtml`` markup without its one external resource (Font Awesome from a CDN)."""
    html = re.sub(r'<link[^>]*font-awesome[^>]*>', "", html)
    for cls, path in _PLAYER_ICONS.items():
        svg = (f'<svg viewBox="0 0 16 16" width="14" height="14" fill="currentColor" aria-hidden="true" '
               f'style="vertical-align:-2px"><path d="{path}"/></svg>')
        html = html.replace(f'<i class="{cls}"></i>', svg)
    leftover = re.findall(r'<i class="fa[^"]*"|https?://', html)
    if leftover:
        raise RuntimeError(f"matplotlib's player markup changed; still external or unmapped: {leftover}")
    return html


class SkeletonAnimation:
    """An HTML/JavaScript player (matplotlib's ``to_jshtml``): shown by Jupyter and Jupyter Book as is.

    ``html`` is the player's markup (frames embedded as PNG, no ffmpeg, icons inline: it plays offline
    and loads nothing from the web); ``str()`` gives that markup, ``repr()`` one line describing it.
    """

    def __init__(self, html: str, *, frames: int, fps: float, views: tuple[str, ...], width_px: int):
        self.html, self.frames, self.fps, self.views, self.width_px = html, frames, fps, views, width_px

    def _repr_html_(self) -> str:
        return f'<div class="skeleton-animation">{self.html}</div>'

    def __str__(self) -> str:
        return self._repr_html_()

    def __repr__(self) -> str:
        return (f"<skeleton animation: {self.frames} frames at {self.fps:.3g} fps, views "
                f"{', '.join(self.views)}, {self.width_px} px wide>")


def skeleton_animation(true: np.ndarray, pred: np.ndarray, fs_hz: float, *, view=("front", "side", "3d"),
                       title: str | None = None, max_frames: int = 30, width_px: int = 700,
                       height_px: int = 420, dpi: int = 100, elev: float = 12,
                       azim: float = -60) -> SkeletonAnimation:
    """Predicted (orange) against true (black) skeletons over one window, as an offline HTML5/JS player.

    ``true`` and ``pred`` are (T, 24, 3) poses in metres (z up) sampled at ``fs_hz``. ``view`` is one
    view or several shown side by side ("front", "side", "top", "3d"). Frames are subsampled to at
    most ``max_frames`` and played in real time (fps = ``fs_hz`` / step), so a 1–2 s window stays
    well under 2 MB of HTML; the player is ``width_px`` × ``height_px`` pixels. All views keep fixed
    limits over the window, so motion is visible. Returns an object Jupyter displays as the player.
    """
    from matplotlib.animation import FuncAnimation

    true, pred = _check_window(true, pred)
    views = _views(view)
    n = len(true)
    step = max(1, math.ceil(n / max_frames))
    frames = np.arange(0, n, step)
    fps = float(fs_hz) / step
    lim = _limits(true, pred)
    fig = plt.figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    # a 3-D view needs more room than a 2-D one to draw the skeleton at the same height
    grid = fig.add_gridspec(1, len(views), width_ratios=[1.5 if v == "3d" else 1.0 for v in views])
    lines = []
    for k, v in enumerate(views):
        ax = _skeleton_axes(fig, grid[0, k], v, lim, elev=elev, azim=azim, zoom=1.25)
        ax.set_title(_VIEW_TITLES[v], fontsize=11)
        lines.append((v, _bone_lines(ax, v, TRUE_COLOUR, 2.2), _bone_lines(ax, v, PRED_COLOUR, 2.2, 0.85)))
    clock = fig.text(0.99, 0.02, "", ha="right", va="bottom", fontsize=10, family="monospace")
    _true_vs_predicted_legend(fig, title, loc="lower left", bottom=0.1, top=0.9)

    def draw(frame):
        for v, true_lines, pred_lines in lines:
            _set_pose(true_lines, true[frame], v)
            _set_pose(pred_lines, pred[frame], v)
        clock.set_text(f"t = {frame / fs_hz:5.2f} s")
        return []

    anim = FuncAnimation(fig, draw, frames=frames, interval=1000.0 / fps, blit=False)
    try:
        with plt.rc_context({"animation.frame_format": "png", "savefig.dpi": dpi,
                             "savefig.bbox": "standard", "savefig.transparent": False}):
            html = _offline_player(anim.to_jshtml(fps=fps, default_mode="loop"))
    finally:
        plt.close(fig)
    return SkeletonAnimation(html, frames=len(frames), fps=fps, views=views, width_px=int(round(width_px)))
