"""The pose model's inputs from insole rows, causally: rows in (any number at a time), model frames out.

:class:`CausalInputs` turns Moticon rows (time, both sides' 25 channels) into the frames
P (m, 32) N/cm² and A (m, 18) of :mod:`humaps.data.features` on a ``fs_hz`` grid, using
only rows that have arrived. Every stage keeps the little state it needs, so pushing a
recording row by row gives the same frames as pushing it whole (to float rounding:
tests/test_stream_features.py):

1. blank sides (a one-sided row of the OpenGo export) hold that side's previous sample,
   as :func:`humaps.io.moticon.read_moticon` fills them; rows before both insoles have
   sent data are dropped and counted (the reader trims them too);
2. orientation: the Madgwick filter of :mod:`humaps.data.orientation`, its quaternion carried
   from row to row (the filter is causal by construction), at the nominal 100 Hz — a
   stream has no median step to measure a rate from;
3. each foot's yaw unwrapped along the stream, as :func:`~humaps.data.features.insole_features` does;
4. resampling: grid frame k, at t0 + k / fs_hz (t0 = the first row), is the linear
   interpolation of the rows either side of it, emitted as soon as a row at or after it
   has arrived (at most one insole row of delay; none when the grids coincide, e.g. 25 Hz
   out of 100 Hz);
5. the yaw reference: the mean of the foot's yaw over the last ``yaw_window`` grid frames
   (fewer at the start), subtracted — :func:`~humaps.data.features.relative_yaw` takes
   the window's mean instead, which needs the window's future.

A causal model is trained with the same reference (:func:`causal_relative_yaw`); the
last step, normalisation, is a fixed affine map inside the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from humaps.data.channels import AUX, AUX_YAW, N_AUX, N_PRESSURE
from humaps.data.orientation import GAIN_IMU, _madgwick_fast, quaternion_to_pyr
from humaps.data.sync import interp
from humaps.insole import SAMPLE_RATE_HZ

#: a side's 25 channels in export order (:func:`humaps.io.moticon.side_columns`)
SIDE = {"pressure": slice(0, 16), "acceleration": slice(16, 19), "angular": slice(19, 22), "force": 22,
        "cop": slice(23, 25)}
N_SIDE = 25


def causal_relative_yaw(A: np.ndarray) -> np.ndarray:
    """A (N, T, 18) windows whose yaw is relative to the window's mean (:func:`relative_yaw`) → the yaw
    relative to the mean of the window's frames up to each frame (the reference :class:`CausalInputs`
    takes at a stream's start, and over its last ``yaw_window`` frames later). The constant offset
    of the window-mean reference cancels, so no absolute yaw is needed."""
    out = np.array(A, dtype=np.float32, copy=True)
    yaw = A[:, :, list(AUX_YAW)].astype(np.float64)
    mean = np.cumsum(yaw, axis=1) / np.arange(1, A.shape[1] + 1)[None, :, None]
    out[:, :, list(AUX_YAW)] = yaw - mean
    return out


@dataclass
class ModelFrames:
    """Frames on the model grid: ``time`` (m,) s on the insole clock, ``P`` (m, 32) N/cm², ``A`` (m, 18)."""

    time: np.ndarray
    P: np.ndarray
    A: np.ndarray

    def __len__(self) -> int:
        return len(self.time)

    @staticmethod
    def concat(parts: list["ModelFrames"]) -> "ModelFrames":
        if not parts:
            return ModelFrames(np.zeros(0), np.zeros((0, N_PRESSURE)), np.zeros((0, N_AUX)))
        return ModelFrames(*(np.concatenate([getattr(f, k) for f in parts]) for k in ("time", "P", "A")))


@dataclass
class CausalInputs:
    """Insole rows → model frames, causally (see the module docstring). Keyword-only settings:

    ``fs_hz``: the model's frame rate; ``yaw_window``: frames of the yaw reference (the model's window);
    ``rate_hz``: the insole rate the orientation filter integrates at; ``gain``: the filter's gain.
    """

    fs_hz: float
    yaw_window: int
    rate_hz: float = SAMPLE_RATE_HZ
    gain: float = GAIN_IMU
    leading_one_sided: int = 0  # rows dropped before both insoles had sent data
    held: int = 0  # one-sided rows whose blank side held its previous sample
    frames: int = 0  # grid frames emitted so far
    _last: np.ndarray | None = field(default=None, repr=False)  # (2, 25) last row, both sides filled
    _q: list = field(default_factory=list, repr=False)  # per side: the filter's quaternion
    _yaw: np.ndarray | None = field(default=None, repr=False)  # (2,) last raw yaw rad, (2,) its unwrapped value
    _yaw_unwrapped: np.ndarray | None = field(default=None, repr=False)
    _t0: float | None = field(default=None, repr=False)
    _src: tuple | None = field(default=None, repr=False)  # (time, features (50,)) of the last row
    _yaw_hist: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)), repr=False)

    def __post_init__(self):
        if not (self.fs_hz > 0 and self.rate_hz > 0 and self.yaw_window >= 1):
            raise ValueError(f"CausalInputs needs fs_hz > 0, rate_hz > 0, yaw_window >= 1; got "
                             f"{self.fs_hz}, {self.rate_hz}, {self.yaw_window}")

    # ------------------------------------------------------------------ stages
    def _hold(self, sides: np.ndarray) -> np.ndarray:
        """(n, 2, 25) with NaN for a blank side → rows with both sides (leading one-sided rows dropped)."""
        blank = np.isnan(sides[:, :, 0])  # (n, 2): a side is all blank or all filled (the parser checks)
        if self._last is not None and not blank.any():  # the common case: nothing to hold
            self._last = sides[-1].copy()
            return sides
        if self._last is None:
            both = np.flatnonzero(~blank.any(axis=1))
            start = int(both[0]) if both.size else len(sides)
            self.leading_one_sided += start
            sides, blank = sides[start:], blank[start:]
            if not len(sides):
                return sides
        else:  # the previous row first: what a blank side holds
            sides, blank = np.concatenate([self._last[None], sides]), np.concatenate([[[False, False]], blank])
        self.held += int(blank.any(axis=1).sum())
        idx = np.where(~blank, np.arange(len(sides))[:, None], 0)  # (rows, side): last filled row
        np.maximum.accumulate(idx, axis=0, out=idx)
        sides = np.take_along_axis(sides, idx[:, :, None], axis=0)
        if self._last is not None:
            sides = sides[1:]
        self._last = sides[-1].copy()
        return sides

    def _orientation(self, sides: np.ndarray) -> np.ndarray:
        """(n, 2, 3) pitch, yaw (unwrapped along the stream), roll in degrees."""
        first = not self._q
        q = np.stack([_madgwick_fast(np.radians(sides[:, s, SIDE["angular"]]), sides[:, s, SIDE["acceleration"]],
                                     1.0 / self.rate_hz, self.gain, q0=None if first else self._q[s])
                      for s in range(2)], axis=1)  # (n, 2, 4)
        self._q = [tuple(q[-1, s]) for s in range(2)]
        pyr = quaternion_to_pyr(q)  # (n, 2, 3)
        yaw = np.radians(pyr[:, :, 1])  # (n, 2)
        if self._yaw is None:
            unwrapped = np.unwrap(yaw, axis=0)
        else:  # np.unwrap's correction, continued from the last row (its offset carries over)
            step = np.diff(yaw, axis=0, prepend=self._yaw[None])
            wrapped = np.mod(step + np.pi, 2 * np.pi) - np.pi
            wrapped[(wrapped == -np.pi) & (step > 0)] = np.pi
            correction = np.where(np.abs(step) < np.pi, 0.0, wrapped - step)
            unwrapped = yaw + (self._yaw_unwrapped - self._yaw) + np.cumsum(correction, axis=0)
        self._yaw, self._yaw_unwrapped = yaw[-1].copy(), unwrapped[-1].copy()
        pyr[:, :, 1] = np.degrees(unwrapped)
        return pyr

    @staticmethod
    def _features(sides: np.ndarray, pyr: np.ndarray) -> np.ndarray:
        """(n, 50): P (32) then A (18) in the layout of :func:`humaps.data.features.insole_features`."""
        n = len(sides)
        X = np.empty((n, N_PRESSURE + N_AUX))
        X[:, :N_PRESSURE] = sides[:, :, SIDE["pressure"]].reshape(n, N_PRESSURE)
        A = X[:, N_PRESSURE:]
        A[:, AUX["acceleration"]] = sides[:, :, SIDE["acceleration"]].reshape(n, 6)
        A[:, AUX["orientation"]] = pyr.reshape(n, 6)
        A[:, AUX["cop"]] = sides[:, :, SIDE["cop"]].reshape(n, 4)
        A[:, AUX["force"]] = sides[:, :, SIDE["force"]]
        return X

    def _resample(self, time: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Grid frames up to the newest row: (time (m,), X (m, 50)), as ``interp(all rows, grid)`` gives them."""
        if self._t0 is None:
            self._t0 = float(time[0])
        else:
            time, X = np.concatenate([[self._src[0]], time]), np.concatenate([self._src[1][None], X])
        self._src = (float(time[-1]), X[-1].copy())
        n = int(np.floor((time[-1] - self._t0) * self.fs_hz + 1e-9)) + 1  # humaps.data.sync.grid's count
        t = self._t0 + np.arange(self.frames, n) / self.fs_hz
        if not len(t):
            return t, X[:0]
        out = interp(time, X, t) if len(time) > 1 else np.repeat(X[:1], len(t), axis=0)
        self.frames = n
        return t, out

    def _relative_yaw(self, A: np.ndarray) -> None:
        """Subtract, in place, each foot's mean yaw over the last ``yaw_window`` grid frames (fewer at the start).

        Each mean sums its W frames in one fixed order, whatever rows came in which push."""
        W, m = self.yaw_window, len(A)
        yaw = A[:, list(AUX_YAW)]
        ext = np.concatenate([self._yaw_hist, yaw])  # (h + m, 2): the previous W − 1 frames, then the new ones
        h = len(self._yaw_hist)
        pad = np.concatenate([np.zeros((W - 1, 2)), ext])  # zeros stand for frames before the first: they add 0
        # the windows ending at the new frames, as a strided view (m, 2, W); each summed in the same order
        view = np.lib.stride_tricks.as_strided(pad[h:], shape=(m, 2, W), strides=(pad.strides[0], pad.strides[1],
                                                                                  pad.strides[0]), writeable=False)
        total = view.sum(axis=-1)  # (m, 2)
        count = np.minimum(np.arange(self.frames - m, self.frames) + 1, W)[:, None]  # frames in each window
        A[:, list(AUX_YAW)] = yaw - total / count
        self._yaw_hist = ext[max(0, len(ext) - (W - 1)):]

    # ------------------------------------------------------------------ public
    @property
    def next_time(self) -> float | None:
        """Time (s) of the next grid frame, None before the first row with both sides: a row earlier than
        it completes no frame, so a caller may hold such rows and push them with the one that does."""
        return None if self._t0 is None else self._t0 + self.frames / self.fs_hz

    def push(self, time: np.ndarray, sides: np.ndarray) -> ModelFrames:
        """Rows ``time`` (n,) s (increasing, after the frames already pushed) and ``sides`` (n, 2, 25)
        (NaN for a blank side) → the grid frames they complete (possibly none)."""
        time = np.asarray(time, dtype=np.float64)
        sides = np.asarray(sides, dtype=np.float64)
        if sides.shape != (len(time), 2, N_SIDE):
            raise ValueError(f"CausalInputs.push expects time (n,) and sides (n, 2, {N_SIDE}); "
                             f"got {time.shape} and {sides.shape}")
        keep = len(time)
        sides = self._hold(sides)
        time = time[keep - len(sides):]
        if not len(time):
            return ModelFrames.concat([])
        X = self._features(sides, self._orientation(sides))
        t, G = self._resample(time, X)
        P, A = G[:, :N_PRESSURE], G[:, N_PRESSURE:].copy()
        if len(t):
            self._relative_yaw(A)
        return ModelFrames(t, P, A)


def recording_sides(rec) -> tuple[np.ndarray, np.ndarray]:
    """(time (N,), sides (N, 2, 25)) of an :class:`~humaps.recordings.InsoleRecording`, export channel order."""
    n = rec.n_frames
    sides = np.concatenate([rec.pressure, rec.acceleration, rec.angular_rate, rec.total_force[..., None], rec.cop],
                           axis=2)
    assert sides.shape == (n, 2, N_SIDE), f"inconsistent InsoleRecording shapes: {sides.shape}"
    return np.asarray(rec.time, dtype=np.float64), sides
