"""``python -m humaps inspect FILE``: validate a Moticon, QTM or annotation file and summarise it."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from humaps.io.errors import FormatError


def detect_kind(path: Path) -> str:
    """'moticon' (first line starts with '#'), 'qtm' (a KEY\\tvalue or Frame line) or 'annotations'
    (a comma-separated header naming 'trial')."""
    with Path(path).open("rb") as fh:
        first = fh.readline(4096).decode("utf-8", errors="replace").lstrip("\ufeff")
    if not first.strip():
        raise FormatError(path, 1, "a Moticon text export ('# ...') or a QTM skeleton TSV ('NO_OF_FRAMES\\t...')",
                          "an empty file" if not first else "a blank first line")
    if first.startswith("#"):
        return "moticon"
    if first.split("\t")[0] in ("FILE_VERSION", "NO_OF_FRAMES", "NO_OF_CAMERAS", "FREQUENCY", "Frame"):
        return "qtm"
    if "trial" in [f.strip('"') for f in first.rstrip("\r\n").split(",")]:
        return "annotations"
    raise FormatError(path, 1, "a Moticon text export ('# ...'), a QTM skeleton TSV ('NO_OF_FRAMES\\t...') "
                      "or an annotation CSV ('trial,start_s,end_s,label')", repr(first[:40]))


def _range(name: str, a: np.ndarray, unit: str) -> str:
    if np.isnan(a).all():  # e.g. a segment lost in every frame: nanmin would warn
        return f"  {name:<22} {'no data':>10}"
    return f"  {name:<22} {np.nanmin(a):10.3f} … {np.nanmax(a):10.3f} {unit}"


def inspect_file(path) -> str:
    """A human-readable summary of a device file; raises :class:`FormatError` on bad input."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise FormatError(path, None, "a device file", "a directory")
    kind = detect_kind(path)
    if kind == "moticon":
        from humaps.io.moticon import read_moticon

        r = read_moticon(path)
        dur = r.time[-1] - r.time[0]
        lines = [f"{path}: Moticon OpenGo text export", f"  frames {r.n_frames}, rate {r.rate_hz:.2f} Hz, "
                 f"duration {dur:.2f} s, insole size {r.meta.get('Size', '?')}"]
        for s, side in enumerate(("left", "right")):
            lines += [_range(f"{side} pressure", r.pressure[:, s], "N/cm²"),
                      _range(f"{side} acceleration", r.acceleration[:, s], "g"),
                      _range(f"{side} angular rate", r.angular_rate[:, s], "deg/s"),
                      _range(f"{side} total force", r.total_force[:, s], "N"),
                      _range(f"{side} COP", r.cop[:, s], "")]
        lines.append("  filled/trimmed: " + ", ".join(f"{k} {v}" for k, v in r.filled.items() if v))
        if not any(r.filled.values()):
            lines[-1] = "  filled/trimmed: none"
        if r.meta.get("time_gaps"):
            lines.append(f"  time gaps: {r.meta['time_gaps']} missing stamp(s) between a left-only and a right-only row")
        return "\n".join(lines)
    if kind == "qtm":
        from humaps.io.qtm import read_qtm_skeleton

        m = read_qtm_skeleton(path, expected_rate_hz=None)
        gaps = np.isnan(m.positions[..., 0])
        return "\n".join([
            f"{path}: QTM skeleton TSV export", f"  frames {m.n_frames}, FREQUENCY {m.frequency:g} Hz, "
            f"duration {m.time[-1] - m.time[0]:.3f} s, 24 segments",
            _range("x", m.positions[..., 0], "m"), _range("y", m.positions[..., 1], "m"),
            _range("z", m.positions[..., 2], "m"),
            f"  gaps: {int(gaps.sum())} segment-frames in {int(gaps.any(axis=1).sum())} frames"])
    from humaps.io.annotations import read_annotations

    a = read_annotations(path)
    return f"{path}: annotations, {len(a)} segments in {a.trial.nunique()} trials, {a.label.nunique()} classes"


def main_inspect(argv) -> int:
    """CLI entry: print the summary of each file; on the first bad one print one line and return 1.

    Whatever goes wrong with a file — missing, a directory, no permission,
    not UTF-8, malformed — is one line on stderr naming the file, never a traceback.
    """
    if not argv:
        print("usage: python -m humaps inspect FILE [FILE ...]", file=sys.stderr)
        return 1
    for f in argv:
        try:
            print(inspect_file(f))
        except FormatError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        except OSError as err:  # missing, permission denied, I/O errors
            print(f"error: {f}: {err.strerror}" if err.strerror else f"error: {err}", file=sys.stderr)
            return 1
        except Exception as err:  # a reader bug must still not dump a traceback on the user
            print(f"error: {f}: could not read the file ({type(err).__name__}: {err})", file=sys.stderr)
            return 1
    return 0
