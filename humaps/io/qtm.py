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
impossible rotation) as a gap, and returns NaN for it. Columns are found by
name: segments in any order give the same arrays.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from humaps.io.errors import FormatError
from humaps.io.tabular import check_field_counts, format_table, read_numeric
from humaps.io.textfile import check_final_newline, decode, lines, read_bytes
from humaps.io.timeaxis import check_present, check_steps
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
    """Write ``rec`` (positions in m, quaternions w,x,y,z) as a QTM skeleton TSV export (mm, QX..QW).

    A segment with any NaN in a frame is written as a gap (all 7 cells empty),
    as QTM writes a segment the solver lost; the reader rejects partial gaps.
    """
    path = Path(path)
    m = rec.n_frames
    assert rec.positions.shape == (m, N_JOINTS, 3), f"positions must be (M, 24, 3), got {rec.positions.shape}"
    assert rec.rotations.shape == (m, N_JOINTS, 4), f"rotations must be (M, 24, 4), got {rec.rotations.shape}"
    seg = np.concatenate([rec.positions * 1000.0, rec.rotations[..., 1:], rec.rotations[..., :1]], axis=2)
    seg[np.isnan(seg).any(axis=2)] = np.nan
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


#: tolerances, in frames: QTM prints Time to 5 decimals from Frame / FREQUENCY, so real exports
#: agree to ~0.001 frame at 120 Hz; 0.1 frame still rejects a deleted row, a jump or a stretched axis
FRAME_TOLERANCE = 0.1
#: |‖q‖ − 1| above this is not a rotation (6 printed decimals give < 1e-5)
QUAT_NORM_TOLERANCE = 0.01
_KEY = re.compile(r"[A-Z][A-Z0-9_]*")
#: header keys whose value the reader uses: a second line with another value is ambiguous
_USED_KEYS = ("NO_OF_FRAMES", "FREQUENCY")


def _header(path: Path, raw: bytes):
    """(meta, {key: line}, column names, number of header lines incl. the column line, data offset)."""
    meta: dict[str, str] = {}
    key_line: dict[str, int] = {}
    line = 0
    for line, pos, stop in lines(raw):
        fields = decode(path, raw, pos, stop).split("\t")
        if fields[0] == "Frame":
            return meta, key_line, fields, line, stop + 1
        if not _KEY.fullmatch(fields[0]):
            raise FormatError(path, line, "a QTM header line 'KEY\\tvalue' or the 'Frame\\tTime\\t...' column line",
                              repr("\t".join(fields)[:40]))
        value = "\t".join(fields[1:])
        if fields[0] in _USED_KEYS and fields[0] in meta and meta[fields[0]].strip() != value.strip():
            raise FormatError(path, line, f"one {fields[0]} value (line {key_line[fields[0]]} says "
                              f"{meta[fields[0]]!r})", repr(value))
        meta.setdefault(fields[0], value)
        key_line.setdefault(fields[0], line)
    raise FormatError(path, (line + 1) if meta else 1, "the 'Frame\\tTime\\t...' column header line",
                      "end of file" if meta else "an empty file")


def _frames_and_rate(path: Path, meta: dict, key_line: dict, n_header: int) -> tuple[int, float]:
    for key in _USED_KEYS:
        if key not in meta:
            raise FormatError(path, n_header, f"a {key} header line before the column line", "none")
    text = meta["NO_OF_FRAMES"].strip()
    if not (text.isascii() and text.isdigit()):
        raise FormatError(path, key_line["NO_OF_FRAMES"], "an integer NO_OF_FRAMES", repr(meta["NO_OF_FRAMES"]))
    try:
        freq = float(meta["FREQUENCY"])
    except ValueError:
        freq = float("nan")
    if not (np.isfinite(freq) and freq > 0):  # also keeps every 1 / freq below finite
        raise FormatError(path, key_line["FREQUENCY"], "a FREQUENCY > 0 Hz", repr(meta["FREQUENCY"]))
    return int(text), freq


def _segment_columns(path: Path, cols: list[str], line: int) -> tuple[list[int], str]:
    """Column index of each (joint of JOINTS, field of SEGMENT_FIELDS), read by name; the skeleton's name.

    Segments may come in any order and the 7 fields of a segment in any order
    after its label column; segments of other skeleton templates are ignored.
    """
    if cols[:2] != ["Frame", "Time"] or (len(cols) - 2) % 8:
        raise FormatError(path, line, "'Frame\\tTime' then 8 columns per segment (label, X, Y, Z, QX, QY, QZ, QW)",
                          f"{len(cols)} columns starting {' '.join(cols[:2])!r}")
    block: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    for k, lab in enumerate(cols[2::8]):
        j = next((j for j in JOINTS if lab == j or lab.endswith("_" + j)), None)
        fields = cols[3 + 8 * k: 10 + 8 * k]
        if sorted(fields) != sorted(SEGMENT_FIELDS):
            raise FormatError(path, line, f"the columns X Y Z QX QY QZ QW (any order) after {lab!r}", " ".join(fields))
        if j is None:
            continue
        if j in block:
            raise FormatError(path, line, f"one segment column for {j!r}", f"{cols[2 + 8 * block[j]]!r} and {lab!r}")
        block[j] = k
        prefixes[lab[: len(lab) - len(j)].rstrip("_")] = lab
    missing = [j for j in JOINTS if j not in block]
    if missing:
        raise FormatError(path, line, f"a segment column for {missing[0]!r} (m1 skeleton, 24 segments)",
                          f"segments {cols[2::8]}")
    if len(prefixes) > 1:
        raise FormatError(path, line, "the segments of one skeleton (one name prefix)", " and ".join(
            repr(v) for v in list(prefixes.values())[:2]))
    idx = [3 + 8 * block[j] + cols[3 + 8 * block[j]: 10 + 8 * block[j]].index(f) for j in JOINTS for f in SEGMENT_FIELDS]
    return idx, next(iter(prefixes))


def _check_axis(path: Path, frame: np.ndarray, time: np.ndarray, freq: float, first: int) -> None:
    """Frame: consecutive integers; Time: one 1/FREQUENCY step per frame, everywhere."""
    check_present(path, frame, first, "Frame")
    bad = np.flatnonzero(frame != np.round(frame))
    if bad.size:
        raise FormatError(path, first + int(bad[0]), "an integer Frame number", f"{frame[bad[0]]:g}")
    jump = np.flatnonzero(np.diff(frame) != 1)
    if jump.size:
        i = int(jump[0]) + 1
        raise FormatError(path, first + i, f"Frame {frame[i - 1] + 1:g} (frames numbered consecutively)",
                          f"Frame {frame[i]:g}")
    check_present(path, time, first, "Time")
    check_steps(path, time, first, 1.0 / freq, tolerance=FRAME_TOLERANCE,
                expected=f"Time steps of 1/FREQUENCY = {1 / freq:.5f} s")
    drift = np.abs((time - time[0]) * freq - (frame - frame[0]))  # a slowly stretched axis passes step by step
    if drift.max() > FRAME_TOLERANCE:
        i = int(np.argmax(drift > FRAME_TOLERANCE))
        raise FormatError(path, first + i, f"Time = {time[0]:.5f} s + (Frame − {frame[0]:g}) / FREQUENCY "
                          f"= {time[0] + (frame[i] - frame[0]) / freq:.5f} s", f"{time[i]:.5f} s")


def _segments(path: Path, seg: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
    """(M, 24, 7) X Y Z QX QY QZ QW → (gap mask (M, 24), seg with gaps NaN); rejects partial gaps, bad rotations."""
    nan = np.isnan(seg)
    n_nan = nan.sum(axis=2)
    partial = (n_nan > 0) & (n_nan < 7)
    if partial.any():
        r, j = (int(v[0]) for v in np.nonzero(partial))
        raise FormatError(path, first + r, f"all 7 cells of segment {JOINTS[j]!r} filled, or all empty (a gap)",
                          f"{int(n_nan[r, j])} empty")
    gap = (n_nan == 7) | (seg == 0).all(axis=2)
    norm = np.sqrt(np.einsum("mjk,mjk->mj", seg[..., 3:], seg[..., 3:]))
    bad = ~gap & ~(np.abs(norm - 1.0) <= QUAT_NORM_TOLERANCE)
    if bad.any():
        r, j = (int(v[0]) for v in np.nonzero(bad))
        raise FormatError(path, first + r, f"a unit quaternion QX QY QZ QW for segment {JOINTS[j]!r} "
                          f"(norm within {QUAT_NORM_TOLERANCE:g} of 1)", f"norm {norm[r, j]:.6g}")
    seg[gap] = np.nan
    return gap, seg


def read_qtm_skeleton(path, *, expected_rate_hz: float | None = 120.0, rate_tolerance: float = 0.02) -> MocapRecording:
    """Read a QTM skeleton TSV export into a :class:`MocapRecording` (m, quaternions w,x,y,z; NaN gaps).

    Validates the header (an integer NO_OF_FRAMES, a finite FREQUENCY > 0
    within ``rate_tolerance`` of ``expected_rate_hz`` unless None, each once),
    the column line (``Frame``, ``Time``, then the 24 segments of
    :data:`humaps.skeleton.JOINTS` found by name in any order, any one
    ``<skeleton>_`` prefix, the 7 fields of each in any order), a final
    newline, the field count of every row, finite numeric cells, NO_OF_FRAMES
    against the rows, consecutive integer frames, every Time step against
    1/FREQUENCY (within :data:`FRAME_TOLERANCE` frames) and unit quaternions.
    Raises :class:`FormatError` naming the file and line.

    Tolerated: a segment with all 7 cells empty, ``NaN`` or all zero (QTM's
    gap) becomes NaN and is counted in ``meta["gap_cells"]``; segments of
    other templates and the content of label cells are ignored; a UTF-8 BOM
    and CRLF line endings (:mod:`humaps.io.textfile`). ``meta["skeleton"]``
    is the segment-name prefix (the subject's skeleton name).
    """
    path = Path(path)
    raw = read_bytes(path, "a QTM skeleton TSV export (header lines, a 'Frame\\tTime' line, data)")
    meta, key_line, cols, n_header, start = _header(path, raw)
    n_frames, freq = _frames_and_rate(path, meta, key_line, n_header)
    if expected_rate_hz is not None and abs(freq - expected_rate_hz) > rate_tolerance * expected_rate_hz:
        raise FormatError(path, key_line["FREQUENCY"], f"FREQUENCY {expected_rate_hz:g} Hz", f"{freq:g} Hz")
    seg_cols, skeleton = _segment_columns(path, cols, n_header)
    check_final_newline(path, raw)
    first = n_header + 1
    n_rows = check_field_counts(path, raw, start, first, len(cols))
    if n_rows != n_frames:
        raise FormatError(path, key_line["NO_OF_FRAMES"], f"NO_OF_FRAMES = the {n_rows} data rows",
                          f"NO_OF_FRAMES {n_frames}")
    data = read_numeric(path, raw, start, first, [0, 1] + seg_cols, cols, na_values=("", "NaN", "nan"))
    frame, time = data[:, 0], data[:, 1]
    _check_axis(path, frame, time, freq, first)
    gap, seg = _segments(path, data[:, 2:].reshape(n_rows, N_JOINTS, 7), first)
    positions = seg[..., :3] / 1000.0
    rotations = np.concatenate([seg[..., 6:7], seg[..., 3:6]], axis=2)
    meta = dict(meta)
    meta["gap_cells"] = int(gap.sum())
    meta["skeleton"] = skeleton
    return MocapRecording(time=time, positions=positions, rotations=rotations, frequency=freq,
                          meta=meta, source=str(path))
