"""Where ``python -m humaps pose`` puts its poses: an ``.npz`` file, or text lines as they come.

Text (``--out -`` for standard output, or any path not ending in ``.npz``, appended to): ``#``
lines first (the model, fs, the latency in frames and ms, the column names), then one line per
pose as it is emitted, flushed at once — ``time`` (s, insole clock) and the 24 joints' x, y, z in
metres (heading-normalised, pelvis-centred: the frame the model is trained in), tab-separated,
5 decimals — and a final ``# summary:`` line. ``.npz`` (written at the end): ``time`` (M,) s,
``joints`` (M, 24, 3) float32 m, ``joint_names`` (24,), ``latency_frames``, ``latency_ms``,
``fs_hz``, ``stream``, ``skipped_lines`` (K,) line numbers with ``skipped_text`` and
``skipped_reason``, ``gaps`` (G, 4) [line, after s, time s, missing rows], ``summary`` (the
summary line) and ``model_meta`` (the checkpoint's provenance, JSON).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from humaps.skeleton import JOINTS


def summary_line(*, frames: int, fs_hz: float, rows: int, source: str, latency: int | None, skipped: list,
                 gaps: list, leading_one_sided: int = 0, held: int = 0, stopped: str | None = None) -> str:
    """One line: frames, rows, latency, and every skipped line and gap by number (none silently dropped)."""
    lat = "batch (no latency)" if latency is None else f"latency {latency} frames ({1000 * latency / fs_hz:.0f} ms)"
    parts = [f"{frames} poses at {fs_hz:g} Hz from {rows} rows of {source}", lat,
             f"{len(skipped)} lines skipped" + (f" (lines {', '.join(str(s.line) for s in skipped)})" if skipped else ""),
             f"{len(gaps)} time gaps" + (f" (before lines {', '.join(str(g.line) for g in gaps)})" if gaps else ""),
             f"{leading_one_sided} leading one-sided rows dropped, {held} one-sided rows held"]
    if stopped:
        parts.append(f"stopped: {stopped}")
    return "; ".join(parts)


class PoseWriter:
    """Collects or writes poses; :meth:`close` finishes the file with the summary."""

    def __init__(self, out: str, *, fs_hz: float, latency: int | None, model_meta: dict, model_path: str):
        self.out, self.fs_hz, self.latency = out, fs_hz, latency
        self.meta, self.model_path = model_meta, model_path
        self.npz = out != "-" and out.endswith(".npz")
        self.times: list[float] = []
        self.poses: list[np.ndarray] = []
        self.fh = None
        if not self.npz:
            self.fh = sys.stdout if out == "-" else Path(out).open("a", encoding="utf-8")
            lat = ("batch" if latency is None else
                   f"{latency} frames ({1000 * latency / fs_hz:.0f} ms): the pose of frame t is written when frame t+{latency} arrives")
            cols = "\t".join(f"{j} {a}[m]" for j in JOINTS for a in "xyz")
            self.fh.write(f"# humaps pose: model {model_path}; {fs_hz:g} Hz; latency {lat}; joints heading-normalised, "
                          f"pelvis-centred\n# time[s]\t{cols}\n")
            self.fh.flush()

    def write(self, poses: list[tuple[int, float, np.ndarray]]) -> None:
        for _, t, joints in poses:
            if self.npz:
                self.times.append(float(t))
                self.poses.append(np.asarray(joints, np.float32))
            else:
                self.fh.write(f"{t:.4f}\t" + "\t".join(f"{v:.5f}" for v in np.asarray(joints).ravel()) + "\n")
        if self.fh is not None and poses:
            self.fh.flush()  # a reader downstream sees each pose as soon as it is emitted

    def write_all(self, time: np.ndarray, joints: np.ndarray) -> None:
        self.write([(i, t, j) for i, (t, j) in enumerate(zip(time, joints))])

    def close(self, summary: str, *, skipped: list, gaps: list, stream: bool) -> None:
        if self.npz:
            np.savez_compressed(
                self.out, time=np.asarray(self.times, np.float64),
                joints=np.stack(self.poses) if self.poses else np.zeros((0, 24, 3), np.float32),
                joint_names=np.array(JOINTS), fs_hz=self.fs_hz, stream=stream,
                latency_frames=-1 if self.latency is None else self.latency,
                latency_ms=float("nan") if self.latency is None else 1000.0 * self.latency / self.fs_hz,
                skipped_lines=np.array([s.line for s in skipped], np.int64),
                skipped_text=np.array([s.text for s in skipped], dtype=str),
                skipped_reason=np.array([s.reason for s in skipped], dtype=str),
                gaps=np.array([[g.line, g.after_s, g.time_s, g.missing] for g in gaps], np.float64).reshape(-1, 4),
                summary=summary, model=self.model_path, model_meta=json.dumps(self.meta, default=str))
        else:
            self.fh.write(f"# summary: {summary}\n")
            self.fh.flush()
            if self.fh is not sys.stdout:
                self.fh.close()
