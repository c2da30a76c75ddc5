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
an empty or garbled file with a bare ``KeyError``/``ValueError``. Measured on
a 100 000-row export (2 CPU cores, ``benchmarks/io_throughput.py``): see the
figures in that script's output and in ``FAST_ENGINE_NOTE`` below. The
default ``engine="pandas"`` reads the same columns with ``pandas.read_csv``
and fills blanks vectorised; ``tests/test_io_moticon.py`` checks both engines
agree exactly on the real recordings.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from humaps.insole import N_CELLS, SAMPLE_RATE_HZ
from humaps.io.errors import FormatError
from humaps.io.tabular import check_field_counts, format_table, read_numeric
from humaps.recordings import SIDES, InsoleRecording

FAST_ENGINE_NOTE = (
    "100k rows x 51 columns (36 MB), 2-core CPU: engine='moticon' 7.1 s, engine='pandas' 0.48 s "
    "(both including validation); see benchmarks/io_throughput.py"
)

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
def _split_header(path: Path, text_head: list[str]):
    """Return (meta dict, column names, number of header lines incl. the column line)."""
    meta: dict[str, str] = {}
    for i, line in enumerate(text_head):
        if not line.startswith("#"):
            raise FormatError(path, i + 1, "a '# time\\t...' column header line before the data",
                              f"{line[:40]!r}" if line.strip() else "a blank line")
        body = line[1:].strip("\r\n").lstrip(" ")
        if body.startswith("time\t") or body == "time":
            return meta, body.rstrip("\t").split("\t"), i + 1
        key, sep, value = body.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    raise FormatError(path, len(text_head) + 1 if text_head else 1,
                      "a '# time\\t...' column header line", "end of file" if text_head else "an empty file")


def _read_head(path: Path) -> tuple[list[str], int]:
    head = []
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        for line in fh:
            head.append(line)
            if not line.startswith("#") or line[1:].lstrip(" ").startswith("time"):
                break
    return head, len(head)


def _parse_with_moticon(path: Path, names: list[str], usecols: list[int]) -> np.ndarray:
    from moticon_opengo.txt_export import Measurement

    m = Measurement(str(path), trim=False, fill_method="keep")
    if m.data is None:
        raise FormatError(path, None, "data rows", "none")
    index = {n: i for i, n in enumerate(m.channel_names)}
    return m.data[:, [index[names[c]] for c in usecols]]


def read_moticon(path, *, expected_rate_hz: float = SAMPLE_RATE_HZ, rate_tolerance: float = 0.02,
                 engine: str = "pandas", trim: bool = True) -> InsoleRecording:
    """Read a Moticon OpenGo text export into an :class:`InsoleRecording`.

    Validates, in order: header present, the 51 core columns named, the same
    number of tab-separated fields on every row (a short last line is reported
    as truncated), numeric cells, strictly increasing time, and a sampling rate
    within ``rate_tolerance`` of ``expected_rate_hz``. One-sided rows at the
    ends are trimmed (``trim``) and other blank cells are filled by holding
    the side's previous sample; ``filled`` counts trimmed rows, filled rows per
    side and filled cells per ``"<side> <group>"``.
    """
    assert engine in ("pandas", "moticon"), f"engine must be 'pandas' or 'moticon', got {engine!r}"
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    raw = path.read_bytes()
    if not raw.strip():
        raise FormatError(path, 1, "a Moticon OpenGo text export ('# ' header lines, a '# time' column line, data)",
                          "an empty file")
    head, _ = _read_head(path)
    meta, names, n_header = _split_header(path, head)
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise FormatError(path, n_header, f"the column {missing[0]!r} in the '# time' header line",
                          f"{len(names)} columns without it")
    usecols = [names.index(c) for c in COLUMNS]

    # --- row structure: one vectorised pass over the bytes
    header_bytes = sum(len(h.encode("utf-8")) for h in head)
    check_field_counts(path, raw, header_bytes, n_header + 1, len(names))

    data = (read_numeric(path, n_header, usecols, names) if engine == "pandas"
            else _parse_with_moticon(path, names, usecols))
    first = n_header + 1
    time = data[:, 0]
    if np.isnan(time).any():
        raise FormatError(path, first + int(np.flatnonzero(np.isnan(time))[0]), "a time value", "a blank cell")
    dt = np.diff(time)
    if (dt <= 0).any():
        i = int(np.flatnonzero(dt <= 0)[0]) + 1
        raise FormatError(path, first + i, f"time increasing past {time[i - 1]:.2f} s", f"{time[i]:.2f} s")
    if time.size > 1:
        rate = 1.0 / float(np.median(dt))
        if abs(rate - expected_rate_hz) > rate_tolerance * expected_rate_hz:
            raise FormatError(path, first, f"a sampling rate of {expected_rate_hz:g} Hz "
                              f"(time step {1 / expected_rate_hz:g} s)", f"{rate:.4g} Hz")

    sides = data[:, 1:].reshape(-1, 2, 25)                        # (N, side, channel)
    present = ~np.isnan(sides[:, :, 0])                            # side has data in this row
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
