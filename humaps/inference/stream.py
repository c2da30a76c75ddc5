"""Poses of a causal model as insole rows arrive, with a fixed latency of L model frames.

:class:`PoseStreamer` is the arrival loop's state: each row goes through the causal input
path (:class:`~humaps.data.stream_features.CausalInputs`); the model frames it completes
are buffered, and every k = L + 1 frames one :meth:`~humaps.models.pose_stream.PoseStream.step`
computes their k poses (the weights are read once per k frames, which is what makes the
``paper`` width affordable: ``benchmarks/bench_pose.py``). Whatever k, one pose leaves per
arriving frame: **when model frame t arrives, the pose of frame t − L is emitted** (frame t
itself when L = 0). At the end of the stream (:meth:`PoseStreamer.finish`) the frames of the
last, partial chunk are computed and their poses emitted, so every frame gets its pose.

The latency is L frames = 1000·L / fs_hz ms, plus the wait for the insole row at or after
a frame's time (none when the grids coincide, e.g. 25 Hz out of 100 Hz) and the compute time.

:func:`predict_causal` is the batch form of the same computation: the whole recording's
frames through the same input path at once, then one :meth:`PoseNet.forward` over all of
them (no loop over frames); the two agree to float rounding (tests/test_pose_streaming.py).
"""
from __future__ import annotations

import math
from collections import deque

import numpy as np
import torch

from humaps.data.stream_features import CausalInputs, ModelFrames
from humaps.models.pose_checkpoint import PoseModelFile
from humaps.models.pose_stream import PoseStream

ENGINES = ("traced", "eager")


def default_latency(fs_hz: float) -> int:
    """Frames of the default latency: the fewest covering 0.1 s (book, 25 Hz: 3 = 120 ms; paper, 100 Hz: 10)."""
    return max(0, math.ceil(0.1 * fs_hz - 1e-9))


def causal_inputs(loaded: PoseModelFile) -> CausalInputs:
    """The input path of a causal model file: its frame rate, and its window as the yaw reference."""
    return CausalInputs(fs_hz=loaded.fs_hz, yaw_window=loaded.window)


@torch.no_grad()
def predict_causal(loaded: PoseModelFile, time: np.ndarray, sides: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batch: rows ``time`` (N,) s, ``sides`` (N, 2, 25) → (frame times (M,) s, poses (M, 24, 3) m) in one pass."""
    if not loaded.causal:
        raise ValueError("predict_causal needs a causal model (train-pose --causal)")
    frames = causal_inputs(loaded).push(time, sides)
    if not len(frames):
        return frames.time, np.zeros((0, 24, 3), np.float32)
    p, a = (torch.as_tensor(x[None], dtype=torch.float32) for x in (frames.P, frames.A))
    return frames.time, loaded.model.eval()(p, a)["joints"][0].numpy()


class PoseStreamer:
    """Rows in (:meth:`push`), (frame index, time s, pose (24, 3) m) out, L frames after each frame arrived."""

    def __init__(self, loaded: PoseModelFile, *, latency: int, engine: str = "traced"):
        if not loaded.causal:
            raise ValueError("streaming needs a causal model: train one with `python -m humaps train-pose --causal`; "
                             "a bidirectional model's poses depend on later frames of its window")
        if latency < 0 or engine not in ENGINES:
            raise ValueError(f"PoseStreamer needs latency >= 0 and engine in {ENGINES}; got {latency!r}, {engine!r}")
        self.latency, self.fs_hz = int(latency), loaded.fs_hz
        self.chunk = self.latency + 1
        self.inputs = causal_inputs(loaded)
        self.stream = PoseStream(loaded.model, chunk=self.chunk)
        self.core = self.stream.traced() if engine == "traced" else None
        self.state = self.stream.initial_state()
        self._rows: list = []  # rows that complete no frame yet
        self._pending: list[ModelFrames] = []  # frames not yet run through the model
        self._n_pending = 0
        self._ready: deque = deque()  # (index, time, pose) computed, not yet emitted
        self.arrived = 0  # model frames arrived
        self.emitted = 0

    @property
    def latency_ms(self) -> float:
        return 1000.0 * self.latency / self.fs_hz

    def _run(self, frames: ModelFrames) -> None:
        p, a = (torch.as_tensor(x[None], dtype=torch.float32) for x in (frames.P, frames.A))
        first = self.state.frames
        full = len(frames) == self.chunk
        joints = self.stream.step(p, a, self.state, core=self.core if full else None)[0].numpy()
        self._ready.extend(zip(range(first, first + len(frames)), frames.time, joints))

    def push(self, time: np.ndarray, sides: np.ndarray) -> list[tuple[int, float, np.ndarray]]:
        """Rows (n,) s and (n, 2, 25) → the poses due: one per model frame these rows completed."""
        self._rows.append((time, sides))
        due = self.inputs.next_time
        if due is not None and time[-1] < due - 1e-9:
            return []  # no frame completed yet: the rows wait (fewer, larger pushes; no frame waits longer)
        rows, self._rows = self._rows, []
        out = []
        new = self.inputs.push(np.concatenate([r[0] for r in rows]), np.concatenate([r[1] for r in rows]))
        for i in range(len(new)):  # the arrival loop: frame by frame, a model step every `chunk` frames
            self._pending.append(ModelFrames(new.time[i:i + 1], new.P[i:i + 1], new.A[i:i + 1]))
            self.arrived += 1
            if len(self._pending) == self.chunk:
                self._run(ModelFrames.concat(self._pending))
                self._pending = []
            if self.arrived > self.latency:
                out.append(self._ready.popleft())
        self.emitted += len(out)
        return out

    def finish(self) -> list[tuple[int, float, np.ndarray]]:
        """End of stream: the last partial chunk is computed and every pose not yet emitted leaves now.

        Rows after the last grid frame complete none: they give no frame (and no pose)."""
        if self._pending:
            self._run(ModelFrames.concat(self._pending))
            self._pending = []
        out = list(self._ready)
        self._ready.clear()
        self.emitted += len(out)
        return out
