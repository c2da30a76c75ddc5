"""Moticon OpenGo text exports: read (validated, blank cells filled and counted) and write.

A text export is a block of ``# key: value`` header lines, one ``# time\\t...``
column line and tab-separated rows (time, then per side 16 pressures [N/cm²],
acceleration X/Y/Z [g], angular rate X/Y/Z [dps], total force [N], centre of
pressure X/Y [−0.5…+0.5]; real exports may add step / event / COP-velocity
columns, which are ignored here).

The OpenGo software merges the left and right insoles' time axes, so rows can
have one side blank: at the start and end (one insole started or stopped
first) and sporadically in between. Like ``moticon_opengo.txt_export.Measurement``
(``trim=True, fill_method="duplicate"``) we drop the one-sided rows at both
ends and fill the others by holding the side's previous sample; unlike it we
*count* both in ``InsoleRecording.filled``.

Parsing engine. ``moticon-opengo`` is the reference parser and
``engine="moticon"`` uses it, but it is slow — it parses the file twice with
``np.genfromtxt`` and fills blanks in a per-row Python loop — and it answers
an empty or garbled file with a bare ``KeyError``/``ValueError``; on a
100 000-row export it is ≈ 20× slower (``benchmarks/io_throughput.py`` prints
both). The default ``engine="pandas"`` reads the same columns with ``pandas.read_csv``
and fills blanks vectorised; ``tests/test_io_real.py`` checks both engines
agree exactly on the real recordings.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from humaps.insole import N_CELLS, SAMPLE_RATE_HZ
from humaps.io.errors import FormatError
from humaps.io.tabular import check_field_counts, format_table, read_numeric
from humaps.io.textfile import check_final_newline, decode, lines, read_bytes
from humaps.io.timeaxis import (
    check_increasing,
    check_present,
    check_steps,
    parse_duration,
)
from humaps.recordings import SIDES, InsoleRecording

HEADER_KEYS: tuple[str, ...] = (
    "Start time", "Duration", "Sensor insoles", "Size", "Recording type", "Name", "Notes", "Tag",
)
_AXES = ("X", "Y", "Z")


def side_columns(side: str) -> list[str]:
    """The 25 export column names of one side, in export order."""
    return (
        [f"{side} pressure {k}[N/cm²]" for k in range(1, N_CELLS + 1)]
        + [f"{side} acceleration {a}[g]" for a in _AXES]
        + [f"{side} angular {a}[dps]" for a in _AXES]
        + [f"{side} total force[N]"]
        + [f"{side} center of pressure {a}[-0.5...+0.5]" for a in _AXES[:2]]
    )


#: the 51 core columns this package reads and writes, in export order.
COLUMNS: tuple[str, ...] = ("time", *side_columns("left"), *side_columns("right"))
#: per-side slices of a side's 25 columns by channel group.
GROUPS: dict[str, slice] = {
    "pressure": slice(0, 16), "acceleration": slice(16, 19), "angular": slice(19, 22),
    "total force": slice(22, 23), "center of pressure": slice(23, 25),
}
#: printf precision per side column, as real exports print them.
_SIDE_FMT = ["%.2f"] * 16 + ["%.6f"] * 6 + ["%.2f"] + ["%.6f"] * 2
ROW_FORMAT = "\t".join(["%.2f"] + _SIDE_FMT + _SIDE_FMT)
DECIMALS: tuple[int, ...] = tuple(int(f[2]) for f in ROW_FORMAT.split("\t"))


# ----------------------------------------------------------------------------- reading
#: a step may deviate from the median step by this fraction of it (the exports print time to 10 ms,
#: so real steps are exact multiples of 0.01 s; 20 % leaves room for finer time stamps with jitter)
STEP_TOLERANCE = 0.2
#: per side channel: the physically possible range (pressure and force ≥ 0, COP within the insole)
_COP_EPS = 1e-6  # printed with 6 decimals
_LOW = np.array([0.0] * 16 + [-np.inf] * 6 + [0.0] + [-0.5 - _COP_EPS] * 2)
_HIGH = np.array([np.inf] * 23 + [0.5 + _COP_EPS] * 2)


def _is_column_line(body: str) -> bool:
    fields = body.split("\t")
    return "time" in fields and (len(fields) > 1 or body == "time")


def _split_header(path: Path, raw: bytes):
    """(meta, {key: line}, column names, number of header lines incl. the column line, data offset)."""
    meta: dict[str, str] = {}
    key_line: dict[str, int] = {}
    line = 0
    for line, pos, stop in lines(raw):
        if not raw.startswith(b"#", pos):
            shown = raw[pos:stop][:40].decode("utf-8", errors="replace")
            raise FormatError(path, line, "a '# time\\t...' column header line before the data",
                              repr(shown) if shown.strip() else "a blank line")
        body = decode(path, raw, pos + 1, stop).lstrip(" ")
        if _is_column_line(body):
            return meta, key_line, body.rstrip("\t").split("\t"), line, stop + 1
        key, sep, value = body.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
            key_line.setdefault(key.strip(), line)
    raise FormatError(path, line + 1, "a '# time\\t...' column header line", "end of file")


def _column_indices(path: Path, names: list[str], line: int) -> list[int]:
    """Index of each of :data:`COLUMNS` in ``names`` — columns are read by name, in any order."""
    seen: dict[str, int] = {}
    for j, n in enumerate(names):
        if n in seen:
            raise FormatError(path, line, "unique column names in the '# time' header line",
                              f"{n!r} twice (columns {seen[n] + 1} and {j + 1})")
        seen[n] = j
    missing = [c for c in COLUMNS if c not in seen]
    if missing:
        raise FormatError(path, line, f"the column {missing[0]!r} in the '# time' header line",
                          f"{len(names)} columns without it")
    return [seen[c] for c in COLUMNS]


def _parse_with_moticon(path: Path, names: list[str], usecols: list[int], like: np.ndarray) -> np.ndarray:
    from moticon_opengo.txt_export import Measurement

    try:
        m = Measurement(str(path), trim=False, fill_method="keep")
    except Exception as err:  # the reference parser answers garbage with bare KeyError/ValueError
        raise FormatError(path, None, "a file moticon-opengo can parse", f"{type(err).__name__}: {err}") from None
    if m.data is None or m.data.ndim != 2 or m.data.shape[0] != like.shape[0]:
        raise FormatError(path, None, f"{like.shape[0]} data rows parsed by moticon-opengo",
                          "none" if m.data is None else f"shape {m.data.shape}")
    index = {n: i for i, n in enumerate(m.channel_names)}
    data = m.data[:, [index[names[c]] for c in usecols]]
    if not np.array_equal(np.isnan(data), np.isnan(like)):
        raise FormatError(path, None, "moticon-opengo to find the same blank cells as the pandas engine", "others")
    return data


def _sides_present(path: Path, sides: np.ndarray, first: int) -> np.ndarray:
    """(N, 2) bool: the side has data in the row. A side is all 25 cells or all blank (one-sided row)."""
    n_blank = np.isnan(sides).sum(axis=2)
    partial = (n_blank > 0) & (n_blank < 25)
    if partial.any():
        r, s = (int(v[0]) for v in np.nonzero(partial))
        c = int(np.argmax(np.isnan(sides[r, s])))
        raise FormatError(path, first + r, f"all 25 {SIDES[s]} cells filled, or all blank (a one-sided row)",
                          f"{int(n_blank[r, s])} blank, e.g. {COLUMNS[1 + 25 * s + c]!r}")
    return n_blank == 0


def _check_physical(path: Path, sides: np.ndarray, first: int) -> None:
    bad = (sides < _LOW) | (sides > _HIGH)  # NaN (a blank side) compares False
    if bad.any():
        r, s, c = (int(v[0]) for v in np.nonzero(bad))
        name = COLUMNS[1 + 25 * s + c]
        want = "within -0.5…+0.5 (the insole's outline)" if c >= 23 else "≥ 0 (a pressure or force is never negative)"
        raise FormatError(path, first + r, f"{name!r} {want}", f"{sides[r, s, c]:g}")


def _check_time(path: Path, time: np.ndarray, present: np.ndarray, first: int, meta: dict, key_line: dict,
                expected_rate_hz: float, rate_tolerance: float) -> int:
    """Strictly increasing, the expected rate, every step regular; returns the tolerated missing stamps."""
    check_present(path, time, first, "time")
    check_increasing(path, time, first, "time")
    if time.size < 2:
        return 0
    step = float(np.median(np.diff(time)))
    if abs(1.0 / step - expected_rate_hz) > rate_tolerance * expected_rate_hz:
        raise FormatError(path, first, f"a sampling rate of {expected_rate_hz:g} Hz "
                          f"(time step {1 / expected_rate_hz:g} s)", f"{1.0 / step:.4g} Hz")
    # OpenGo's merge of the two insoles' time axes can skip one stamp, between a row that has only
    # one side and a row that has only the other (230927_102114.txt, 16.43 → 16.45 s); anywhere else
    # a missing stamp is a deleted row
    one = present.sum(axis=1) == 1
    merge = one[:-1] & one[1:] & (present[:-1] != present[1:]).all(axis=1)
    gaps = check_steps(path, time, first, step, tolerance=STEP_TOLERANCE, allow_double=merge,
                       expected=f"time steps of {step:.3g} s (a missing stamp is tolerated only between a "
                                "left-only and a right-only row)")
    duration = parse_duration(meta.get("Duration"))
    # the header's Duration is the last stamp, to the ms (real exports: within 0.004 s; files written
    # by write_moticon: last − first); rows cut off the end of the file show up here
    tol = 0.5 * step + 0.0005 + 1e-9
    if duration is not None and min(abs(duration - time[-1]), abs(duration - (time[-1] - time[0]))) > tol:
        raise FormatError(path, first + time.size - 1, f"time to end at the Duration {meta['Duration']} "
                          f"({duration:g} s) of header line {key_line['Duration']}, within half a step",
                          f"a last time stamp of {time[-1]:g} s (rows missing or added at the end?)")
    return gaps


def read_moticon(path, *, expected_rate_hz: float = SAMPLE_RATE_HZ, rate_tolerance: float = 0.02,
                 engine: str = "pandas", trim: bool = True) -> InsoleRecording:
    """Read a Moticon OpenGo text export into an :class:`InsoleRecording` (shapes and units there).

    Validates, in order: the header and its '# time' column line (the 51 core
    columns, found by name in any order, no name twice); a final newline; the
    same number of tab-separated fields on every row; finite numeric cells
    (text, ``nan``, ``inf``, ``1e400`` are errors); each side of a row all
    filled or all blank; pressure and total force ≥ 0 and COP within ±0.5;
    strictly increasing time at ``expected_rate_hz`` (± ``rate_tolerance``)
    with every step within :data:`STEP_TOLERANCE` of the median step; and the
    last time stamp against the header's ``Duration``. Any failure raises
    :class:`FormatError` naming the file and line.

    Tolerated, as real exports contain them: blank one-sided rows (trimmed at
    the ends when ``trim``, else held from the side's previous sample), one
    missing time stamp between a left-only and a right-only row (counted in
    ``meta["time_gaps"]``), extra columns (ignored), a UTF-8 BOM and CRLF line
    endings (see :mod:`humaps.io.textfile`), a missing or unparseable
    ``Duration``. ``filled`` counts trimmed rows, filled rows per side and
    filled cells per ``"<side> <group>"``; nothing else is changed.
    """
    assert engine in ("pandas", "moticon"), f"engine must be 'pandas' or 'moticon', got {engine!r}"
    if not (np.isfinite(expected_rate_hz) and expected_rate_hz > 0):
        raise ValueError(f"expected_rate_hz must be a positive number, got {expected_rate_hz!r}")
    path = Path(path)
    raw = read_bytes(path, "a Moticon OpenGo text export ('# ' header lines, a '# time' column line, data)")
    meta, key_line, names, n_header, start = _split_header(path, raw)
    usecols = _column_indices(path, names, n_header)
    check_final_newline(path, raw)
    first = n_header + 1
    check_field_counts(path, raw, start, first, len(names))
    data = read_numeric(path, raw, start, first, usecols, names)
    if engine == "moticon":
        data = _parse_with_moticon(path, names, usecols, data)
    time = data[:, 0]
    sides = data[:, 1:].reshape(-1, 2, 25)                        # (N, side, channel)
    present = _sides_present(path, sides, first)                   # (N, 2) side has data in this row
    _check_physical(path, sides, first)
    gaps = _check_time(path, time, present, first, meta, key_line, expected_rate_hz, rate_tolerance)

    filled: dict[str, int] = {"trimmed rows": 0}
    keep = slice(None)
    if trim:
        both = np.flatnonzero(present.all(axis=1))
        if both.size == 0:
            raise FormatError(path, first, "at least one row with data for both insoles", "none")
        keep = slice(int(both[0]), int(both[-1]) + 1)
        filled["trimmed rows"] = int(len(time) - (both[-1] + 1 - both[0]))
    time, sides = time[keep], sides[keep].copy()
    blank = np.isnan(sides)                                        # (N, 2, 25)
    for s, side in enumerate(SIDES):
        filled[f"{side} rows"] = int(blank[:, s, 0].sum())
        for g, sl in GROUPS.items():
            filled[f"{side} {g}"] = int(blank[:, s, sl].sum())
    if blank.any():
        # previous-sample hold, vectorised: index of the last non-blank row per channel
        n = len(time)
        idx = np.where(~blank, np.arange(n)[:, None, None], 0)
        np.maximum.accumulate(idx, axis=0, out=idx)
        sides = np.take_along_axis(sides, idx, axis=0)
        still = np.isnan(sides)
        if still.any():  # a channel blank from the first kept row on: nothing to hold
            r, s, c = (int(v[0]) for v in np.nonzero(still))
            raise FormatError(path, first + (keep.start or 0) + r,
                              f"a value for {COLUMNS[1 + 25 * s + c]!r} (nothing earlier to hold)", "a blank cell")

    meta = dict(meta)
    meta["columns"] = names
    meta["time_gaps"] = gaps
    return InsoleRecording(
        time=time, pressure=sides[:, :, GROUPS["pressure"]],
        acceleration=sides[:, :, GROUPS["acceleration"]], angular_rate=sides[:, :, GROUPS["angular"]],
        total_force=sides[:, :, 22], cop=sides[:, :, GROUPS["center of pressure"]],
        meta=meta, source=str(path), filled=filled,
    )


# ----------------------------------------------------------------------------- writing
def recording_table(rec: InsoleRecording) -> np.ndarray:
    """(N, 51) float64 table in export column order."""
    n = rec.n_frames
    side = np.concatenate([
        rec.pressure, rec.acceleration, rec.angular_rate, rec.total_force[..., None], rec.cop,
    ], axis=2)                                                    # (N, 2, 25)
    assert side.shape == (n, 2, 25), f"inconsistent InsoleRecording shapes: {side.shape}"
    return np.concatenate([rec.time[:, None], side.reshape(n, 50)], axis=1)


def _duration(seconds: float) -> str:
    m, s = divmod(max(seconds, 0.0), 60.0)
    return f"{int(m):02d}:{s:06.3f}"


def write_moticon(rec: InsoleRecording, path, *, header: dict | None = None) -> Path:
    """Write ``rec`` as a Moticon OpenGo text export (51 core columns, real export precision).

    ``header`` overrides the ``#`` lines (keys of :data:`HEADER_KEYS`); missing
    keys default to ``rec.meta`` and then to neutral values. Text is rendered
    by :func:`humaps.io.tabular.format_table` — byte-identical to ``%``-formatting
    each row with :data:`ROW_FORMAT` (what ``np.savetxt`` does, in a Python loop)
    but vectorised; ``DataFrame.to_csv`` cannot give per-column precision.
    Figures: ``benchmarks/io_throughput.py``.
    """
    path = Path(path)
    table = recording_table(rec)
    h = {"Start time": "01.01.2024 00:00:00.000", "Duration": _duration(rec.time[-1] - rec.time[0] if rec.n_frames else 0),
         "Sensor insoles": "Left SN0000, Right SN0000", "Size": "4", "Recording type": "normal",
         "Name": path.stem, "Notes": "", "Tag": ""}
    h.update({k: str(v) for k, v in rec.meta.items() if k in HEADER_KEYS})
    h.update({k: str(v) for k, v in (header or {}).items()})
    unknown = set(h) - set(HEADER_KEYS)
    assert not unknown, f"unknown Moticon header keys {sorted(unknown)}; expected {HEADER_KEYS}"
    lines = [f"# {k}: {h[k]}" for k in HEADER_KEYS] + ["# " + "\t".join(COLUMNS)]
    with path.open("wb") as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
        fh.write(format_table(table, DECIMALS))  # NaN → blank cell, as real exports leave a missing side
    return path
