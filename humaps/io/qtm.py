"""QTM skeleton TSV exports (``<trial>_s_<skeleton>.tsv``): write and validated read.

Layout, as Qualisys Track Manager writes a skeleton TSV export (and as public
converters such as ``paf-theia-matlab-example/QTM_mat_to_tsv.m`` reproduce it):

    NO_OF_FRAMES\\t<M>            key \\t value lines (FILE_VERSION, NO_OF_CAMERAS,
    FREQUENCY\\t120               TIME_STAMP, REFERENCE, SCALE, SOLVER, ...)
    ...
    Frame\\tTime\\t<skel>_Hips\\tX\\tY\\tZ\\tQX\\tQY\\tQZ\\tQW\\t<skel>_Spine\\tX ...
    1\\t0.00000\\t\\t<x>\\t<y>\\t<z>\\t<qx>\\t<qy>\\t<qz>\\t<qw>\\t\\t...

Eight columns per segment: the segment's label column (empty in data rows),
position X/Y/Z in mm and the segment→world rotation as a quaternion with the
scalar *last* (QX QY QZ QW). Frames are numbered from 1, time in seconds with
5 decimals. A segment the solver lost in a frame is written as empty cells;
the reader also accepts ``NaN`` and an all-zero position+quaternion (an
impossible rotation) as a gap, and returns NaN for it.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from humaps.io.errors import FormatError
from humaps.io.tabular import check_field_counts, format_table, read_numeric
from humaps.recordings import MocapRecording
from humaps.skeleton import JOINTS, N_JOINTS

SEGMENT_FIELDS = ("X", "Y", "Z", "QX", "QY", "QZ", "QW")
_SEG_FMT = "\t\t%.3f\t%.3f\t%.3f\t%.6f\t%.6f\t%.6f\t%.6f"
ROW_FORMAT = "%d\t%.5f" + _SEG_FMT * N_JOINTS
N_COLUMNS = 2 + 8 * N_JOINTS
#: decimals of the numeric columns written (Frame, Time, then X Y Z QX QY QZ QW per segment)
DECIMALS: tuple[int, ...] = (0, 5) + (0, 3, 3, 3, 6, 6, 6, 6) * N_JOINTS


def write_qtm_skeleton(rec: MocapRecording, path, *, skeleton: str = "Q", n_cameras: int = 12,
                       time_stamp: str = "2024-01-01, 00:00:00.000\t0.00000000") -> Path:
    """Write ``rec`` (positions in m, quaternions w,x,y,z) as a QTM skeleton TSV export (mm, QX..QW)."""
    path = Path(path)
    m = rec.n_frames
    assert rec.positions.shape == (m, N_JOINTS, 3), f"positions must be (M, 24, 3), got {rec.positions.shape}"
    assert rec.rotations.shape == (m, N_JOINTS, 4), f"rotations must be (M, 24, 4), got {rec.rotations.shape}"
    seg = np.concatenate([rec.positions * 1000.0, rec.rotations[..., 1:], rec.rotations[..., :1]], axis=2)
    table = np.concatenate([np.arange(1, m + 1)[:, None], rec.time[:, None], seg.reshape(m, -1)], axis=1)
    # the empty label column before each segment: insert NaN columns → empty cells
    table = np.insert(table, [2 + 7 * k for k in range(N_JOINTS)], np.nan, axis=1)
    header = [
        ("FILE_VERSION", "2.0.0"), ("NO_OF_FRAMES", str(m)), ("NO_OF_CAMERAS", str(n_cameras)),
        ("FREQUENCY", f"{rec.frequency:g}"), ("TIME_STAMP", time_stamp), ("REFERENCE", "GLOBAL"),
        ("SCALE", "1.00000"), ("SOLVER", "Global Optimization"),
    ]
    cols = ["Frame", "Time"] + [c for j in JOINTS for c in (f"{skeleton}_{j}", *SEGMENT_FIELDS)]
    head = "\n".join(f"{k}\t{v}" for k, v in header) + "\n" + "\t".join(cols) + "\n"
    with path.open("wb") as fh:
        fh.write(head.encode("utf-8"))
        fh.write(format_table(table, DECIMALS))  # vectorised ROW_FORMAT; NaN (gap) → empty cell
    return path


def _header(path: Path):
    meta: dict[str, str] = {}
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        n_bytes = 0
        for i, line in enumerate(fh):
            n_bytes += len(line.encode("utf-8"))
            fields = line.rstrip("\r\n").split("\t")
            if fields[0] == "Frame":
                return meta, fields, i + 1, n_bytes
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", fields[0]):
                raise FormatError(path, i + 1, "a QTM header line 'KEY\\tvalue' or the 'Frame\\tTime\\t...' column line",
                                  repr(line[:40]))
            meta[fields[0]] = "\t".join(fields[1:])
    raise FormatError(path, (i + 2) if meta else 1, "the 'Frame\\tTime\\t...' column header line",
                      "end of file" if meta else "an empty file")


def read_qtm_skeleton(path, *, expected_rate_hz: float | None = 120.0, rate_tolerance: float = 0.02) -> MocapRecording:
    """Read a QTM skeleton TSV export into a :class:`MocapRecording` (m, quaternions w,x,y,z; NaN gaps).

    Validates the header (NO_OF_FRAMES, FREQUENCY against ``expected_rate_hz``
    unless None), the column line (24 segments of :data:`humaps.skeleton.JOINTS`,
    8 columns each, any ``<skeleton>_`` prefix), the field count of every row,
    numeric cells, NO_OF_FRAMES against the rows, and time against FREQUENCY.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    raw = path.read_bytes()
    if not raw.strip():
        raise FormatError(path, 1, "a QTM skeleton TSV export (header lines, a 'Frame\\tTime' line, data)", "an empty file")
    meta, cols, n_header, n_bytes = _header(path)
    for key in ("NO_OF_FRAMES", "FREQUENCY"):
        if key not in meta:
            raise FormatError(path, n_header, f"a {key} header line before the column line", "none")
    try:
        n_frames, freq = int(meta["NO_OF_FRAMES"]), float(meta["FREQUENCY"])
    except ValueError:
        raise FormatError(path, None, "an integer NO_OF_FRAMES and a numeric FREQUENCY",
                          f"{meta['NO_OF_FRAMES']!r}, {meta['FREQUENCY']!r}") from None
    if expected_rate_hz is not None and abs(freq - expected_rate_hz) > rate_tolerance * expected_rate_hz:
        line = 1 + list(meta).index("FREQUENCY")
        raise FormatError(path, line, f"FREQUENCY {expected_rate_hz:g} Hz", f"{freq:g} Hz")
    if len(cols) < 2 or cols[1] != "Time" or (len(cols) - 2) % 8:
        raise FormatError(path, n_header, "'Frame\\tTime' then 8 columns per segment (label, X, Y, Z, QX, QY, QZ, QW)",
                          f"{len(cols)} columns")
    labels = cols[2::8]
    names = [next((j for j in JOINTS if lab == j or lab.endswith("_" + j)), lab) for lab in labels]
    missing = [j for j in JOINTS if j not in names]
    if missing:
        raise FormatError(path, n_header, f"a segment column for {missing[0]!r} (m1 skeleton, 24 segments)",
                          f"segments {labels}")
    for k in range(len(labels)):
        if tuple(cols[3 + 8 * k: 10 + 8 * k]) != SEGMENT_FIELDS:
            raise FormatError(path, n_header, f"columns X Y Z QX QY QZ QW after {labels[k]!r}",
                              " ".join(cols[3 + 8 * k: 10 + 8 * k]))
    n_rows = check_field_counts(path, raw, n_bytes, n_header + 1, len(cols))
    if n_rows != n_frames:
        raise FormatError(path, 1 + list(meta).index("NO_OF_FRAMES"), f"NO_OF_FRAMES = the {n_rows} data rows",
                          f"NO_OF_FRAMES {n_frames}")
    seg_cols = [2 + 8 * names.index(j) + 1 + f for j in JOINTS for f in range(7)]
    data = read_numeric(path, n_header, [0, 1] + seg_cols, cols)
    time = data[:, 1]
    if np.isnan(time).any():
        raise FormatError(path, n_header + 1 + int(np.flatnonzero(np.isnan(time))[0]), "a time value", "a blank cell")
    dt = np.diff(time)
    if (dt <= 0).any():
        i = int(np.flatnonzero(dt <= 0)[0]) + 1
        raise FormatError(path, n_header + 1 + i, f"time increasing past {time[i - 1]:.5f} s", f"{time[i]:.5f} s")
    if n_rows > 1 and abs(1.0 / np.median(dt) - freq) > rate_tolerance * freq:
        raise FormatError(path, n_header + 1, f"time steps of 1/FREQUENCY = {1 / freq:.5f} s",
                          f"median step {np.median(dt):.5f} s")
    seg = data[:, 2:].reshape(n_rows, N_JOINTS, 7)
    gap = np.isnan(seg).any(axis=2) | (seg == 0).all(axis=2)
    seg[gap] = np.nan
    positions = seg[..., :3] / 1000.0
    rotations = np.concatenate([seg[..., 6:7], seg[..., 3:6]], axis=2)
    meta = dict(meta)
    meta["gap_cells"] = int(gap.sum())
    return MocapRecording(time=time, positions=positions, rotations=rotations, frequency=freq,
                          meta=meta, source=str(path))
