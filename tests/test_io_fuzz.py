"""Mutation fuzzing of the device readers with hypothesis.

Seeds: real Moticon recordings (cut to ~200 rows, with their one-sided rows and
the merged-axis time gap), simulated Moticon, QTM and annotation files. Each
case applies one mutation — truncation, a deleted / duplicated / swapped /
blank line, swapped or renamed columns, text and non-finite numbers in a cell,
invalid bytes, a changed header value, CRLF, a BOM — and asserts the one allowed
outcome: a :class:`FormatError` naming the file (and a line inside it, when it
gives one), or a parse equal to the seed's (Moticon: up to the count of trimmed
rows; QTM: gaps included; annotations: the rows the mutation left, any order).

Not mutated, because no reader can tell the result from a genuine file: deleting
the first data row of a Moticon export (a valid export starting 10 ms later),
numeric cells replaced by other plausible numbers, and an annotation trial id
replaced by another valid id (the cohort loader checks ids against the manifest).

Default run: ``FAST`` cases per reader. ``pytest -m slow tests/test_io_fuzz.py``: ``SLOW`` per reader.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from humaps.io.annotations import MISSING, TRIAL_ID, read_annotations, write_annotations
from humaps.io.errors import FormatError
from humaps.io.moticon import read_moticon, write_moticon
from humaps.io.qtm import read_qtm_skeleton, write_qtm_skeleton
from humaps.recordings import InsoleRecording, MocapRecording

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("HUMAPS_REAL_DATA", ROOT / ".cache/real/moticon_opengo-1.0.3/tests/testdata"))
FAST, SLOW = 150, 1200

#: cell contents that are never a (different) valid value: text, missing-value and non-finite spellings
TOKENS = ["abc", "", " ", "NA", "nan", "NaN", "-nan", "None", "null", "inf", "-inf", "+inf", "Infinity",
          "-Infinity", "1e400", "-1e400", "1e999999", "0x1p3", "1_0", "1.2.3", "--1", '"', '"1', "1\"",
          "\u0661\u0662", "#", "1e", ".", "-", "1,5", "T\u00a001", "\u00e9"]
#: byte strings that make invalid UTF-8, or are NUL / CR / an inner BOM
BAD_BYTES = [b"\xff", b"\xfe", b"\xe9", b"\xc3", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00", b"\r",
             b"\xef\xbb\xbf"]
HEADER_VALUES = ["", "abc", "0", "-1", "12.0", "nan", "inf", "1e400", "120", "119", "100", "240", "7",
                 "00:00.000", "99:59.999", "01:00:00.000", "\u00e9"]
SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


def slow_selected(config) -> bool:
    """The slow run happens only when asked for: ``-m slow`` (not under ``-m 'not slow'``)."""
    expr = config.getoption("markexpr") or ""
    return bool(re.search(r"(?<!not )\bslow\b", expr))


# ----------------------------------------------------------------------------- seeds
def _insole(n: int, seed: int) -> InsoleRecording:
    r = np.random.default_rng(seed)
    return InsoleRecording(time=np.arange(n) / 100.0, pressure=np.round(r.uniform(0, 40, (n, 2, 16)) * 4) / 4,
                           acceleration=r.normal(0, 1, (n, 2, 3)), angular_rate=r.normal(0, 100, (n, 2, 3)),
                           total_force=r.uniform(0, 900, (n, 2)), cop=r.uniform(-.5, .5, (n, 2, 2)))


def _blank(rec: InsoleRecording, rows, side: int) -> None:
    for a in (rec.pressure, rec.acceleration, rec.angular_rate, rec.cop):
        a[rows, side] = np.nan
    rec.total_force[rows, side] = np.nan


def _written(write) -> bytes:
    """The bytes a writer produces (through a temporary file)."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "seed"
        write(p)
        return p.read_bytes()


def _real_cut(name: str, a: int, b: int) -> bytes:
    """Rows a:b of a real export, header kept, Duration set to the cut's last time stamp."""
    lines = (REAL / name).read_bytes().split(b"\n")
    n_head = next(i for i, L in enumerate(lines) if L.startswith(b"# time"))
    rows = lines[n_head + 1:-1][a:b]
    last = float(rows[-1].split(b"\t")[0])
    head = [re.sub(rb"^# Duration: .*$", f"# Duration: {int(last // 60):02d}:{last % 60:06.3f}".encode(), L)
            for L in lines[:n_head + 1]]
    return b"\n".join(head + rows) + b"\n"


@lru_cache(maxsize=None)
def moticon_seeds() -> dict[str, bytes]:
    seeds = {}
    rec = _insole(90, 0)
    _blank(rec, [0, 1], 0); _blank(rec, [30], 1); _blank(rec, [89], 0)          # one-sided rows
    _blank(rec, [60], 0); _blank(rec, [61], 1)                                   # OpenGo's merge pattern...
    rec.time[61:] += 0.01                                                        # ...with one stamp skipped
    seeds["sim"] = _written(lambda p: write_moticon(rec, p))
    if (REAL / "230927_102114.txt").exists():
        seeds["real_102114"] = _real_cut("230927_102114.txt", 1560, 1750)      # gap at 16.43 s, trailing blanks
        seeds["real_102137"] = _real_cut("230927_102137.txt", 0, 150)          # leading one-sided rows
        seeds["real_walk"] = _real_cut("walk_data_with_events/text_export.txt", 0, 120)  # event columns
    return seeds


@lru_cache(maxsize=None)
def qtm_seeds() -> dict[str, bytes]:
    r = np.random.default_rng(1)
    m = 24
    q = r.normal(size=(m, 24, 4))
    q /= np.linalg.norm(q, axis=2, keepdims=True)
    rec = MocapRecording(time=np.arange(m) / 120.0, positions=r.normal(0, 1, (m, 24, 3)), rotations=q)
    rec.positions[5, 3] = np.nan
    rec.rotations[5, 3] = np.nan                                                 # a gap
    lines = _written(lambda p: write_qtm_skeleton(rec, p, skeleton="S01")).split(b"\n")
    c = lines[12].split(b"\t")
    c[3 + 8 * 7: 10 + 8 * 7] = [b"0.000"] * 3 + [b"0.000000"] * 4               # an all-zero gap
    lines[12] = b"\t".join(c)
    return {"sim": b"\n".join(lines)}


@lru_cache(maxsize=None)
def annotation_seeds() -> dict[str, bytes]:
    df = pd.DataFrame({"trial": ["T01"] * 4 + ["T02"] * 3,
                       "start_s": [0.0, 4.0, 6.5, 9.25, 0.5, 3.0, 7.125],
                       "end_s": [3.5, 6.0, 8.0, 12.0, 2.75, 7.0, 9.5],
                       "label": ["Walking", "Walking backwards", "Doing squats", "Jogging", "Standing on heels",
                                 "Putting left hand on the ground", "Walking"]})
    return {"sim": _written(lambda p: write_annotations(df, p))}


# ----------------------------------------------------------------------------- mutations
def _lines(b: bytes) -> list[bytes]:
    return b.split(b"\n")  # the last element is b"" (files end with a newline)


def _join(lines) -> bytes:
    return b"\n".join(lines)


def _first_data_line(fmt: str, lines: list[bytes]) -> int:
    if fmt == "moticon":
        return next(i for i, L in enumerate(lines) if L.startswith(b"# time")) + 1
    if fmt == "qtm":
        return next(i for i, L in enumerate(lines) if L.startswith(b"Frame\t")) + 1
    return 1


def _sep(fmt: str) -> bytes:
    return b"," if fmt == "annotations" else b"\t"


def _swap_fields(lines, start, a, b, sep, hash_prefix: bool):
    out = list(lines)
    for i in range(start, len(lines) - 1):
        line = out[i]
        pre = b""
        if hash_prefix and i == start:
            pre, line = b"# ", line[2:]
        f = line.split(sep)
        if max(a, b) < len(f):
            f[a], f[b] = f[b], f[a]
        out[i] = pre + sep.join(f)
    return out


@st.composite
def mutation(draw, fmt: str, name: str):
    """(mutant bytes, description, which annotation lines survive or None) for seed ``name`` of ``fmt``."""
    seed = SEEDS[fmt]()[name]
    lines = _lines(seed)
    n = len(lines) - 1                                     # real lines
    first = _first_data_line(fmt, lines)
    col_line = first - 1
    sep = _sep(fmt)
    kind = draw(st.sampled_from(["truncate", "cut_lines", "delete", "duplicate", "swap_lines", "blank_line",
                                 "swap_columns", "rename_column", "cell", "bad_bytes", "header_value",
                                 "crlf", "bom"] + (["time_shift", "stretch", "physics"] if fmt != "annotations" else [])))
    if kind == "truncate":                                 # cut inside a line: no final newline
        k = draw(st.integers(1, len(seed) - 1).filter(lambda k: seed[k - 1:k] != b"\n"))
        return seed[:k], f"truncate at byte {k}", None
    if kind == "cut_lines":                                # cut at a line boundary
        k = draw(st.integers(1, n - 1))
        return _join(lines[:k] + [b""]), f"keep the first {k} lines", (lambda ln: ln <= k)
    if kind == "delete":
        i = draw(st.integers(0, n - 1).filter(lambda i: not (fmt == "moticon" and i == first)))  # see module doc
        return _join(lines[:i] + lines[i + 1:]), f"delete line {i + 1}", (lambda ln: ln != i + 1)
    if kind == "duplicate":
        i = draw(st.integers(0, n - 1))
        return _join(lines[:i + 1] + lines[i:]), f"duplicate line {i + 1}", None
    if kind == "swap_lines":
        i = draw(st.integers(0, n - 2))
        out = list(lines)
        out[i], out[i + 1] = out[i + 1], out[i]
        return _join(out), f"swap lines {i + 1} and {i + 2}", None
    if kind == "blank_line":
        i = draw(st.integers(0, n))
        return _join(lines[:i] + [b""] + lines[i:]), f"blank line before line {i + 1}", None
    names = lines[col_line][2 if fmt == "moticon" else 0:].split(sep)
    if kind == "swap_columns":
        if fmt == "qtm" and draw(st.booleans()):           # whole segments, or two fields of one segment
            if draw(st.booleans()):
                a, b = sorted(draw(st.lists(st.integers(0, 23), min_size=2, max_size=2, unique=True)))
                out = list(lines)
                for i in range(col_line, n):
                    f = out[i].split(sep)
                    f[2 + 8 * a: 10 + 8 * a], f[2 + 8 * b: 10 + 8 * b] = f[2 + 8 * b: 10 + 8 * b], f[2 + 8 * a: 10 + 8 * a]
                    out[i] = sep.join(f)
                return _join(out), f"swap segments {a} and {b}", None
            s = draw(st.integers(0, 23))
            a, b = draw(st.lists(st.integers(0, 6), min_size=2, max_size=2, unique=True))
            a, b = 3 + 8 * s + a, 3 + 8 * s + b
        else:
            a, b = draw(st.lists(st.integers(0, len(names) - 1), min_size=2, max_size=2, unique=True))
            if names[a] == names[b]:                       # QTM's X..QW repeat: swapping them is undetectable
                return seed, "no-op", None
        return _join(_swap_fields(lines, col_line, a, b, sep, fmt == "moticon")), f"swap columns {a} {b}", None
    if kind in ("time_shift", "stretch"):                 # numbers in the time (QTM: Frame / Time) columns
        j = 0 if fmt == "moticon" else draw(st.sampled_from([0, 1]))
        out = list(lines)
        if kind == "time_shift":                           # ≥ 30 % of a step: beyond the jitter tolerated
            i = draw(st.integers(first, n - 1))
            delta = draw(st.sampled_from([0.5, -0.5, 0.01, -0.01, 0.02, 0.005, -0.004, 1.0, 1e3, -1e3]))
            rows = [i]
        else:
            delta = None
            factor = draw(st.sampled_from([1.01, 1.05, 0.99, 0.95, 2.0, 0.5]))
            rows = range(first, n)
        for i in rows:
            f = out[i].split(sep)
            v = float(f[j])
            decimals = len(f[j].split(b".")[1]) if b"." in f[j] else 0
            v = v + delta if delta is not None else v * factor
            f[j] = f"{v:.{decimals}f}".encode()
            out[i] = sep.join(f)
        return _join(out), f"{kind} column {j} rows {rows} by {delta or factor}", None
    if kind == "physics":                                  # impossible values: negative pressure, COP off the
        i = draw(st.integers(first, n - 1))                # insole, a quaternion far from unit norm
        f = lines[i].split(sep)
        if fmt == "moticon":
            j = draw(st.sampled_from([1, 5, 16, 23, 24, 25, 26, 30, 48, 49, 50]))
            value = {23: b"-1.00", 24: b"0.75", 25: b"-0.60", 48: b"-0.01", 49: b"0.500100", 50: b"-2"}.get(j, b"-0.25")
        else:
            j = 3 + 8 * draw(st.integers(0, 23)) + draw(st.integers(3, 6))
            value = draw(st.sampled_from([b"2.000000", b"-1.5", b"3", b"-2.0"]))  # norm ≥ 1.5
        if not f[j]:                                       # a blank one-sided cell: leave it to other kinds
            return seed, "no-op", None
        f[j] = value
        out = list(lines)
        out[i] = sep.join(f)
        return _join(out), f"line {i + 1} col {j + 1} = {value!r}", None
    if kind == "rename_column":
        a = draw(st.integers(0, len(names) - 1))
        new = draw(st.sampled_from([names[draw(st.integers(0, len(names) - 1))], b"", b"x", b"time", b"label"]))
        f = list(names)
        f[a] = new
        out = list(lines)
        out[col_line] = (b"# " if fmt == "moticon" else b"") + sep.join(f)
        return _join(out), f"rename column {a} to {new!r}", None
    if kind == "cell":
        i = draw(st.integers(first, n - 1))
        f = lines[i].split(sep)
        j = draw(st.integers(0, len(f) - 1))
        tokens = TOKENS
        if fmt == "annotations" and names[j] == b"trial":  # another valid id: only the manifest can tell
            tokens = [t for t in TOKENS if not TRIAL_ID.fullmatch(t) or t.lower() in MISSING]
        token = draw(st.sampled_from(tokens)).encode()
        f[j] = token
        out = list(lines)
        out[i] = sep.join(f)
        return _join(out), f"cell line {i + 1} col {j + 1} = {token!r}", None
    if kind == "bad_bytes":
        k = draw(st.integers(0, len(seed)))
        b = draw(st.sampled_from(BAD_BYTES))
        if draw(st.booleans()) and k < len(seed):          # replace a byte rather than insert
            return seed[:k] + b + seed[k + 1:], f"byte {k} -> {b!r}", None
        return seed[:k] + b + seed[k:], f"insert {b!r} at byte {k}", None
    if kind == "header_value":
        value = draw(st.sampled_from(HEADER_VALUES)).encode()
        i = draw(st.integers(0, col_line))
        out = list(lines)
        if fmt == "moticon" and i < col_line and b":" in out[i]:
            out[i] = out[i].split(b":", 1)[0] + b": " + value
        elif fmt == "qtm" and i < col_line:
            out[i] = out[i].split(b"\t", 1)[0] + b"\t" + value
        else:
            f = out[col_line].split(sep)
            f[draw(st.integers(0, len(f) - 1))] = value
            out[col_line] = sep.join(f)
        return _join(out), f"header line {i + 1} value {value!r}", None
    if kind == "crlf":
        if draw(st.booleans()):
            return seed.replace(b"\n", b"\r\n"), "CRLF", None
        i = draw(st.integers(0, n - 1))
        out = list(lines)
        out[i] += b"\r"
        return _join(out), f"CRLF on line {i + 1}", None
    return b"\xef\xbb\xbf" + seed, "BOM", None


# ----------------------------------------------------------------------------- oracles
def _same_moticon(got, ref, note):
    for k in ("time", "pressure", "acceleration", "angular_rate", "total_force", "cop"):
        assert np.array_equal(getattr(got, k), getattr(ref, k)), f"{note}: {k} changed silently"
    fills = {k: v for k, v in got.filled.items() if k != "trimmed rows"}
    assert fills == {k: v for k, v in ref.filled.items() if k != "trimmed rows"}, f"{note}: fills {got.filled}"
    assert got.meta["time_gaps"] == ref.meta["time_gaps"], note


def _same_qtm(got, ref, note):
    for k in ("time", "positions", "rotations"):
        assert np.array_equal(getattr(got, k), getattr(ref, k), equal_nan=True), f"{note}: {k} changed silently"
    assert got.frequency == ref.frequency and got.meta["gap_cells"] == ref.meta["gap_cells"], note


def _rows(df: pd.DataFrame) -> list[tuple]:
    return sorted(zip(df.trial, df.start_s, df.end_s, df.label))


READERS = {"moticon": read_moticon, "qtm": lambda p: read_qtm_skeleton(p, expected_rate_hz=120.0),
           "annotations": read_annotations}


def check_one(fmt, path: Path, ref, mutant: bytes, note: str, keep, outcomes: dict):
    """Write the mutant, read it, assert the allowed outcome against the seed's parse ``ref``; count outcomes."""
    reader = READERS[fmt]
    path.write_bytes(mutant)
    try:
        got = reader(path)
    except FormatError as err:
        assert err.file == str(path) and str(err).startswith(str(path)), f"{note}: {err}"
        assert err.line is None or 1 <= err.line <= mutant.count(b"\n") + 2, f"{note}: line {err.line}: {err}"
        outcomes["FormatError"] = outcomes.get("FormatError", 0) + 1
        return
    if fmt == "moticon":
        _same_moticon(got, ref, note)
    elif fmt == "qtm":
        _same_qtm(got, ref, note)
    else:
        lines = ref.attrs["lines"]
        want = ref if keep is None else ref[[keep(ln) for ln in lines]]
        assert _rows(got) == _rows(want), f"{note}: segments changed silently"
    outcomes["same parse"] = outcomes.get("same parse", 0) + 1


SEEDS = {"moticon": moticon_seeds, "qtm": qtm_seeds, "annotations": annotation_seeds}
SUFFIX = {"moticon": ".txt", "qtm": ".tsv", "annotations": ".csv"}


def run_fuzz(fmt: str, n: int, tmp_path: Path, derandomize: bool) -> dict:
    outcomes: dict[str, int] = {}
    path = tmp_path / f"mutant{SUFFIX[fmt]}"
    seeds = SEEDS[fmt]()
    refs = {}
    for name, seed in seeds.items():
        path.write_bytes(seed)
        refs[name] = READERS[fmt](path)

    @settings(max_examples=n, derandomize=derandomize, **SETTINGS)
    @given(data=st.data())
    def case(data):
        name = data.draw(st.sampled_from(sorted(seeds)))
        mutant, note, keep = data.draw(mutation(fmt, name))
        check_one(fmt, path, refs[name], mutant, f"{name}: {note}", keep, outcomes)

    case()
    return outcomes


@pytest.mark.parametrize("fmt", ["moticon", "qtm", "annotations"])
def test_fuzz_readers(fmt, tmp_path):
    """FAST mutants per reader (deterministic): every one a FormatError naming the file, or the same parse."""
    out = run_fuzz(fmt, FAST, tmp_path, derandomize=True)
    assert sum(out.values()) >= FAST and out.get("FormatError", 0) > FAST // 3, out


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["moticon", "qtm", "annotations"])
def test_fuzz_readers_slow(fmt, tmp_path, request):
    """SLOW random mutants per reader; run with ``pytest -m slow tests/test_io_fuzz.py``."""
    if not slow_selected(request.config):
        pytest.skip("slow fuzz run: pytest -m slow tests/test_io_fuzz.py")
    out = run_fuzz(fmt, SLOW, tmp_path, derandomize=False)
    print(fmt, out)
    assert sum(out.values()) >= SLOW, out
