"""A Moticon OpenGo text export read line by line, as the lines arrive (a pipe, ``tail -f``).

:func:`humaps.io.moticon.read_moticon` validates a whole file at once; a stream has no
end to look at, so :class:`MoticonLineReader` checks each line as it comes, with the
reader's conventions: the ``#`` header and its ``# time`` column line (the 51 core
columns found by name, in any order, extra columns ignored), then per data line the
field count of the column line, finite numbers (a blank cell is a blank side), each
side all filled or all blank, pressure/force ≥ 0 and COP within ±0.5, and time
increasing in steps of 1/100 s (:data:`~humaps.io.moticon.STEP_TOLERANCE`; one missing
stamp between a left-only and a right-only row, as OpenGo merges the two insoles).

A bad line raises :class:`~humaps.io.errors.FormatError` naming the stream, the line
number and an excerpt of the line. With ``on_error="skip"`` a bad *data* line is
recorded (:attr:`skipped`) and the stream goes on; the next line's time is then checked
against the last accepted row, allowing the skipped rows' steps. A time gap (rows
missing from the stream, not garbled) is an error with ``"stop"``; with ``"skip"`` the
row is kept and the gap recorded (:attr:`gaps`), since the rows after it are sound and
skipping them all would lose the rest of the stream. Header problems always stop: a
stream whose columns are unknown cannot be read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from humaps.insole import SAMPLE_RATE_HZ
from humaps.io.errors import FormatError
from humaps.io.moticon import (
    _HIGH,
    _LOW,
    COLUMNS,
    STEP_TOLERANCE,
    _column_indices,
    _is_column_line,
)
from humaps.io.tabular import NUMBER
from humaps.recordings import SIDES

_NUMBER = re.compile(NUMBER)
_PLAIN = re.compile(r"[0-9eE+\-.\t ]*")  # a line of numbers only (no nan/inf spellings, no '_', no text)
ON_ERROR = ("stop", "skip")
EXCERPT = 60  # characters of a bad line quoted in its error


def excerpt(text: str) -> str:
    """The start of a line, for messages: at most :data:`EXCERPT` characters, tabs shown as ``\\t``."""
    return repr(text[:EXCERPT] + ("…" if len(text) > EXCERPT else ""))


@dataclass(frozen=True)
class SkippedLine:
    """A data line left out under ``on_error="skip"``: its number, an excerpt and why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class TimeGap:
    """Rows missing before ``line``: from ``after_s`` to ``time_s`` (≈ ``missing`` rows)."""

    line: int
    after_s: float
    time_s: float
    missing: int


@dataclass
class MoticonLineReader:
    """Feed lines (bytes or str, with their newline) one at a time; :meth:`feed` returns a row or None.

    ``name``: the stream in messages (a path or ``<stdin>``); ``on_error``: ``"stop"`` (raise) or
    ``"skip"``; ``expected_rate_hz``: the insole rate the time steps are checked against.
    A row is (time s, sides (2, 25) float64 in export channel order, NaN for a blank side).
    """

    name: str = "<stdin>"
    on_error: str = "stop"
    expected_rate_hz: float = SAMPLE_RATE_HZ
    meta: dict = field(default_factory=dict)
    line: int = 0  # lines fed so far (the number of the last one)
    rows: int = 0  # rows accepted
    skipped: list[SkippedLine] = field(default_factory=list)
    gaps: list[TimeGap] = field(default_factory=list)
    _names: list[str] | None = field(default=None, repr=False)
    _usecols: list[int] | None = field(default=None, repr=False)
    _header_line: int = field(default=0, repr=False)
    _last_time: float | None = field(default=None, repr=False)
    _last_present: np.ndarray | None = field(default=None, repr=False)
    _skipped_since: int = field(default=0, repr=False)

    def __post_init__(self):
        if self.on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, got {self.on_error!r}")
        if not self.expected_rate_hz > 0:
            raise ValueError(f"expected_rate_hz must be > 0, got {self.expected_rate_hz!r}")

    @property
    def has_header(self) -> bool:
        return self._usecols is not None

    def _error(self, expected: str, found: str, text: str) -> FormatError:
        return FormatError(self.name, self.line, expected, f"{found} in {excerpt(text)}")

    # ------------------------------------------------------------------ header
    def _header(self, text: str) -> None:
        if not text.startswith("#"):
            raise self._error("a '# time\\t...' column header line before the data",
                              "a data line" if text.strip() else "a blank line", text)
        body = text[1:].lstrip(" ")
        if _is_column_line(body):
            self._names = body.rstrip("\t").split("\t")
            self._usecols = _column_indices(self.name, self._names, self.line)
            self._header_line = self.line
            return
        key, sep, value = body.partition(":")
        if sep:
            self.meta.setdefault(key.strip(), value.strip())

    # ------------------------------------------------------------------ one data line
    def _parse(self, text: str) -> tuple[float, np.ndarray]:
        if not text.strip():
            raise self._error("a data row", "a blank line", text)
        cells = text.split("\t")
        if len(cells) != len(self._names):
            raise self._error(f"{len(self._names)} tab-separated columns (as in the '# time' line "
                              f"{self._header_line})", f"{len(cells)}", text)
        values = None
        if _PLAIN.fullmatch(text):  # digits, signs, points, exponents only: float() reads exactly the reader's numbers
            try:
                values = np.array([float(cells[c]) if cells[c] else np.nan for c in self._usecols])
            except ValueError:
                values = None
        if values is None or np.isinf(values).any():  # find the offending cell, cell by cell (the error path)
            values = np.empty(len(COLUMNS))
            for j, c in enumerate(self._usecols):
                cell = cells[c]
                v = np.nan if cell == "" else float(cell) if _NUMBER.fullmatch(cell) else None
                if v is None or np.isinf(v):
                    raise self._error(f"a {'finite ' if v is not None else ''}number in column {c + 1} "
                                      f"({self._names[c]!r})", repr(cell[:EXCERPT]), text)
                values[j] = v
        t, sides = values[0], values[1:].reshape(2, 25)
        if np.isnan(t):
            raise self._error("a time value", "a blank cell", text)
        n_blank = np.isnan(sides).sum(axis=1)
        for s in range(2):
            if 0 < n_blank[s] < 25:
                c = int(np.argmax(np.isnan(sides[s])))
                raise self._error(f"all 25 {SIDES[s]} cells filled, or all blank (a one-sided row)",
                                  f"{int(n_blank[s])} blank, e.g. {COLUMNS[1 + 25 * s + c]!r}", text)
        if n_blank.sum() == 50:
            raise self._error("data for at least one insole", "both sides blank", text)
        bad = (sides < _LOW) | (sides > _HIGH)
        if bad.any():
            s, c = (int(v[0]) for v in np.nonzero(bad))
            want = "within -0.5…+0.5 (the insole's outline)" if c >= 23 else "≥ 0 (a pressure or force is never negative)"
            raise self._error(f"{COLUMNS[1 + 25 * s + c]!r} {want}", f"{sides[s, c]:g}", text)
        return float(t), sides

    def _check_time(self, t: float, present: np.ndarray, text: str) -> None:
        """Raise, or record a gap, unless ``t`` follows the last accepted row by the expected steps."""
        if self._last_time is None:
            return
        if t <= self._last_time:
            raise self._error(f"time increasing past {self._last_time:g} s", f"{t:g} s", text)
        step = 1.0 / self.expected_rate_hz
        k = (t - self._last_time) / step
        r = round(k)
        merge = (present.sum() == 1 and self._last_present.sum() == 1 and (present != self._last_present).all())
        allowed = 1 + self._skipped_since + int(merge)  # skipped lines leave their steps behind
        if abs(k - r) > STEP_TOLERANCE:
            raise self._error(f"a time step that is a multiple of {step:g} s", f"{t - self._last_time:.4g} s "
                              f"after {self._last_time:g} s", text)
        if r > allowed:
            if self.on_error == "stop":
                raise self._error(f"time steps of {step:g} s (a missing stamp is tolerated only between a "
                                  "left-only and a right-only row)",
                                  f"{t:g} s after {self._last_time:g} s ({r - 1} rows missing)", text)
            self.gaps.append(TimeGap(self.line, self._last_time, t, r - allowed))

    def feed(self, raw: bytes | str) -> tuple[float, np.ndarray] | None:
        """The next line (with its newline; the last line of a stream may lack it) → a row, or None for a
        header line or a skipped line."""
        self.line += 1
        text = ""
        try:
            if isinstance(raw, bytes):
                try:
                    raw_text = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                    raise self._error("UTF-8 text", f"the byte {raw[err.start:err.start + 1]!r}", text) from None
            else:
                raw_text = raw
            if self.line == 1:
                raw_text = raw_text.removeprefix("\ufeff")  # a byte-order mark, as the file reader allows
            complete = raw_text.endswith("\n")
            text = raw_text[:-1] if complete else raw_text
            text = text.removesuffix("\r")
            if "\r" in text or "\x00" in text:
                raise self._error("a line without CR or NUL characters inside it",
                                  "a carriage return" if "\r" in text else "a NUL byte", text)
            if not self.has_header:
                self._header(text)
                return None
            if text.startswith("#"):
                raise self._error("a data row after the '# time' line", "a '#' header line", text)
            if not complete:
                raise self._error("a line ending in a newline (the stream ended inside it)",
                                  "a last line without one (truncated)", text)
            t, sides = self._parse(text)
            present = ~np.isnan(sides[:, 0])
            self._check_time(t, present, text)
        except FormatError as err:
            if self.on_error == "stop" or not self.has_header:
                raise
            self.skipped.append(SkippedLine(self.line, excerpt(text), str(err)))
            self._skipped_since += 1
            return None
        self._last_time, self._last_present, self._skipped_since = t, present, 0
        self.rows += 1
        return t, sides

    def finish(self) -> None:
        """End of stream: a stream without its column line (or without any row) is an error."""
        if not self.has_header:
            raise FormatError(self.name, self.line + 1, "a '# time\\t...' column header line", "end of stream")
        if self.rows == 0:
            raise FormatError(self.name, self.line + 1, "data rows after the column header", "none")
