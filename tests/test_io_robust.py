"""Issue 12, class by class: the readers never crash and never silently change data.

Each test builds the malformed (or merely unusual) file the issue describes and
checks the one allowed outcome: a FormatError naming the file and the line, or
a parse identical to the canonical file's.
"""
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fakes import random_insole, random_mocap

from humaps.io.annotations import read_annotations, write_annotations
from humaps.io.errors import FormatError
from humaps.io.moticon import COLUMNS, read_moticon, write_moticon
from humaps.io.qtm import read_qtm_skeleton, write_qtm_skeleton

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("HUMAPS_REAL_DATA", ROOT / ".cache/real/moticon_opengo-1.0.3/tests/testdata"))
needs_real = pytest.mark.skipif(not (REAL / "230927_102114.txt").exists(), reason=f"no real recordings under {REAL}")


def insole(n=60, seed=0):
    return random_insole(n, seed)


def mocap(m=30, seed=0):
    return random_mocap(m, seed)


def segments():
    return pd.DataFrame({"trial": ["T01"] * 3, "start_s": [0.0, 4.0, 6.5], "end_s": [3.5, 6.0, 8.0],
                         "label": ["Walking", "Jogging", "Walking backwards"]})


def lines(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").split("\n")          # last element "" (final newline)


def put(p: Path, L: list[str]) -> Path:
    p.write_text("\n".join(L), encoding="utf-8")
    return p


def fails(read, p: Path, line, needle: str = "") -> FormatError:
    with pytest.raises(FormatError) as e:
        read(p)
    msg = str(e.value)
    assert e.value.file == str(p) and msg.startswith(str(p)), msg
    assert e.value.line == line, msg
    assert needle in msg, msg
    return e.value


def same_insole(a, b):
    for k in ("time", "pressure", "acceleration", "angular_rate", "total_force", "cop"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    assert a.filled == b.filled


def same_mocap(a, b):
    for k in ("time", "positions", "rotations"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)


@pytest.fixture
def mot(tmp_path):
    return write_moticon(insole(), tmp_path / "m.txt")          # header lines 1-9, data lines 10-69


@pytest.fixture
def qtm(tmp_path):
    return write_qtm_skeleton(mocap(), tmp_path / "q.tsv", skeleton="S01")  # header 1-9, data 10-39


@pytest.fixture
def ann(tmp_path):
    return write_annotations(segments(), tmp_path / "a.csv")    # header 1, rows 2-4


def cell(L, i, j, value):
    c = L[i].split("\t")
    c[j] = value
    L[i] = "\t".join(c)


# ----------------------------------------------------------------------------- crashes
def test_invalid_utf8(mot, qtm, ann):
    raw = mot.read_bytes().split(b"\n")
    raw[11] = raw[11].replace(b"\t", b"\t\xff", 1)
    mot.write_bytes(b"\n".join(raw))
    fails(read_moticon, mot, 12, "UTF-8")
    raw = qtm.read_bytes().split(b"\n")
    raw[12] = raw[12][:8] + b"\xff" + raw[12][8:]
    qtm.write_bytes(b"\n".join(raw))
    fails(read_qtm_skeleton, qtm, 13, "UTF-8")
    ann.write_bytes(ann.read_bytes().replace(b"trial", "tri\u00e9l".encode("latin-1"), 1))
    fails(read_annotations, ann, 1, "UTF-8")


def test_unbalanced_quote(mot, qtm, ann):
    L = lines(mot); cell(L, 14, 3, '"1.25'); put(mot, L)
    fails(read_moticon, mot, 15, "a number in column 4")
    L = lines(qtm); cell(L, 11, 5, '1.5"'); put(qtm, L)
    fails(read_qtm_skeleton, qtm, 12, "a number in column 6")
    L = lines(ann); L[2] = L[2].replace(",4.000,", ',"4.000,'); put(ann, L)
    fails(read_annotations, ann, 3, "quote")


@pytest.mark.parametrize("tid", ["", "NA", "None", "nan", " T01", "T\x0001"])
def test_missing_or_bad_trial_id(ann, tid):
    L = lines(ann)
    L[3] = tid + L[3][3:]
    put(ann, L)
    fails(read_annotations, ann, 4, "NUL" if "\x00" in tid else "a trial id")


def test_directory_is_a_format_error(tmp_path):
    for read in (read_moticon, read_qtm_skeleton, read_annotations):
        fails(read, tmp_path, None, "a directory")


@pytest.mark.parametrize("value", ["0", "-120", "nan", "inf", "abc", ""])
def test_qtm_frequency_not_positive(qtm, value):
    L = lines(qtm); L[3] = f"FREQUENCY\t{value}"; put(qtm, L)
    for expected in (120.0, None):
        fails(lambda p: read_qtm_skeleton(p, expected_rate_hz=expected), qtm, 4, "FREQUENCY > 0 Hz")


# ----------------------------------------------------------------------------- columns read by name
def permute_columns(p: Path, order, *, moticon: bool) -> Path:
    """Rewrite the tab-separated block (column line + data) with columns in ``order``."""
    L = lines(p)
    start = next(i for i, x in enumerate(L) if x.startswith("# time" if moticon else "Frame\t"))
    for i in range(start, len(L) - 1):
        pre, body = ("# ", L[i][2:]) if moticon and i == start else ("", L[i])
        f = body.split("\t")
        L[i] = pre + "\t".join(f[k] for k in order)
    return put(p, L)


def test_moticon_column_order(mot, tmp_path):
    ref = read_moticon(mot)
    order = np.random.default_rng(3).permutation(len(COLUMNS))
    assert order[0] != 0                                        # time is not first either
    same_insole(read_moticon(permute_columns(mot, order, moticon=True)), ref)
    for engine in ("pandas", "moticon"):
        same_insole(read_moticon(mot, engine=engine), ref)


@needs_real
def test_real_moticon_column_order(tmp_path):
    p = tmp_path / "real.txt"
    p.write_bytes((REAL / "230927_102114.txt").read_bytes())
    ref = read_moticon(p)
    order = np.random.default_rng(4).permutation(53)
    same_insole(read_moticon(permute_columns(p, order, moticon=True)), ref)


def test_qtm_segment_and_field_order(qtm):
    rec = mocap()
    rec.positions[4, 7] = np.nan
    write_qtm_skeleton(rec, qtm, skeleton="S01")
    ref = read_qtm_skeleton(qtm)
    seg = np.random.default_rng(5).permutation(24)
    field = [0, 3, 1, 2, 7, 6, 4, 5]                            # label first, then X..QW shuffled
    order = [0, 1] + [2 + 8 * s + f for s in seg for f in field]
    back = read_qtm_skeleton(permute_columns(qtm, order, moticon=False))
    same_mocap(back, ref)
    assert back.meta["gap_cells"] == 1 and back.meta["skeleton"] == "S01"


def test_annotation_column_order(ann):
    ref = read_annotations(ann)
    df = pd.read_csv(ann)[["label", "end_s", "trial", "start_s"]]
    df.to_csv(ann, index=False)
    pd.testing.assert_frame_equal(read_annotations(ann), ref)


# ----------------------------------------------------------------------------- non-finite, impossible values
@pytest.mark.parametrize("token", ["inf", "-inf", "Infinity", "1e400", "nan", "NA"])
def test_non_finite_cells(mot, qtm, token):
    L = lines(mot); cell(L, 20, 7, token); put(mot, L)
    fails(read_moticon, mot, 21, "column 8")
    L = lines(mot); cell(L, 20, 7, "1.00"); cell(L, 68, 0, token); put(mot, L)   # the last time stamp
    fails(read_moticon, mot, 69, "column 1 ('time')")
    L = lines(qtm); cell(L, 15, 4, token); put(qtm, L)
    if token in ("nan", "NA"):       # QTM: NaN is a gap cell, so one NaN is a partial gap; NA is text
        fails(read_qtm_skeleton, qtm, 16, "all 7 cells" if token == "nan" else "a number")
    else:
        fails(read_qtm_skeleton, qtm, 16, "finite number")


def test_annotation_non_finite_times(ann):
    for token in ("inf", "1e400", "nan", "NaN"):
        L = lines(ann); L[2] = f"T01,4.000,{token},Jogging"; put(ann, L)
        fails(read_annotations, ann, 3, "end_s")


def test_impossible_values(mot, qtm):
    L0 = lines(mot)
    for j, value, needle in ((5, "-0.25", "≥ 0"), (23, "-3.00", "total force"), (24, "0.700000", "-0.5…+0.5")):
        L = list(L0); cell(L, 30, j, value); put(mot, L)
        fails(read_moticon, mot, 31, needle)
    L = lines(qtm); cell(L, 20, 9, "2.000000"); put(qtm, L)                       # Hips QW
    fails(read_qtm_skeleton, qtm, 21, "unit quaternion")
    L = lines(qtm); c = L[20].split("\t"); c[6:10] = ["0.000000"] * 4; L[20] = "\t".join(c); put(qtm, L)
    fails(read_qtm_skeleton, qtm, 21, "unit quaternion")                         # zero rotation, real position


def test_partial_blanks(mot, qtm):
    L = lines(mot); cell(L, 30, 30, ""); put(mot, L)
    fails(read_moticon, mot, 31, "all 25 right cells filled, or all blank")
    L = lines(qtm); cell(L, 20, 12, ""); put(qtm, L)
    fails(read_qtm_skeleton, qtm, 21, "all 7 cells of segment 'Spine'")


# ----------------------------------------------------------------------------- time axes
def retime(L, first, t):
    for i, v in enumerate(t):
        cell(L, first + i, 0, f"{v:.2f}")


def test_moticon_irregular_time(mot):
    L0 = lines(mot)
    L = L0[:30] + L0[31:]; put(mot, L)                                            # a deleted row
    fails(read_moticon, mot, 31, "time steps of 0.01 s")
    L = list(L0); retime(L, 39, np.arange(30, 60) / 100 + 0.5)                   # a +0.5 s jump ...
    L[1] = "# Duration: 00:01.090"; put(mot, L)                                 # ... even with Duration fixed
    fails(read_moticon, mot, 40, "a step of 0.51 s")
    t = np.array([float(f"{v:.2f}") for v in np.arange(60) * 0.0105])        # stretched 5 %, 2 decimals:
    L = list(L0); retime(L, 9, t); L[1] = "# Duration: 00:00.620"; put(mot, L)  # some steps are 0.02 s
    fails(read_moticon, mot, 10 + int(np.argmax(np.diff(t) > 0.015)) + 1, "time steps")
    L = list(L0)
    for i in range(60):
        cell(L, 9 + i, 0, f"{i * 0.01015:.4f}")                                   # 98.5 Hz: rate within 2 % ...
    put(mot, L)
    fails(read_moticon, mot, 69, "Duration")                                      # ... but not the header's


def test_moticon_truncated_at_a_line_end(mot):
    L = lines(mot)
    put(mot, L[:-4] + [""])                                                       # last 3 rows gone
    fails(read_moticon, mot, 66, "Duration 00:00.590 (0.59 s) of header line 2")


@needs_real
def test_real_merge_gap_tolerated_and_counted(tmp_path):
    src = REAL / "230927_102114.txt"
    rec = read_moticon(src)
    assert rec.meta["time_gaps"] == 1 and rec.filled["trimmed rows"] == 55      # 16.43 → 16.45 s
    L = src.read_text(encoding="utf-8").split("\n")
    i = next(k for k, x in enumerate(L) if x.startswith("16.42\t"))
    p = put(tmp_path / "cut.txt", L[:i] + L[i + 1:])                              # now both-sided → gap
    fails(read_moticon, p, i + 1, "time steps")


def test_qtm_row_deleted_with_frames_fixed(qtm):
    L = lines(qtm)
    L = L[:20] + L[21:]
    L[1] = "NO_OF_FRAMES\t29"
    put(qtm, L)
    fails(read_qtm_skeleton, qtm, 21, "Frame 12 (frames numbered consecutively), found Frame 13")


def test_qtm_frame_and_time_columns(qtm):
    L0 = lines(qtm)
    L = list(L0); cell(L, 15, 0, "6.5"); put(qtm, L)
    fails(read_qtm_skeleton, qtm, 16, "integer Frame")
    L = list(L0); cell(L, 15, 1, "0.10000"); put(qtm, L)
    fails(read_qtm_skeleton, qtm, 16, "Time steps of 1/FREQUENCY")
    L = list(L0)
    for i in range(30):
        cell(L, 9 + i, 1, f"{i / 120 * 1.02:.5f}")                                # stretched 2 %
    put(qtm, L)
    fails(read_qtm_skeleton, qtm, 15, "Time = 0.00000 s + (Frame − 1) / FREQUENCY")


@pytest.mark.parametrize("value,line", [("12.0", 2), ("abc", 2), ("-1", 2)])
def test_qtm_no_of_frames(qtm, value, line):
    L = lines(qtm); L[1] = f"NO_OF_FRAMES\t{value}"; put(qtm, L)
    fails(read_qtm_skeleton, qtm, line, "NO_OF_FRAMES")


def test_qtm_conflicting_header_lines(qtm):
    L = lines(qtm); L.insert(4, "FREQUENCY\t100"); put(qtm, L)
    fails(read_qtm_skeleton, qtm, 5, "one FREQUENCY value")


# ----------------------------------------------------------------------------- truncation, duplicates, NUL
def test_cut_inside_the_last_field(mot, qtm, ann):
    for p, read in ((mot, read_moticon), (qtm, read_qtm_skeleton), (ann, read_annotations)):
        raw = p.read_bytes()
        p.write_bytes(raw[:-5])                                  # same field count, a shorter last number
        fails(read, p, raw.count(b"\n"), "truncated last line")
    ann.write_bytes(b"trial,start_s,end_s,label\nT01,0.000,3.500,Walking backwards\n"[:-11])
    fails(read_annotations, ann, 2, "truncated last line")      # "Walking" would be a valid class


def test_duplicate_column_names(mot, qtm, ann):
    L = lines(mot); L[8] = L[8].replace("left acceleration Y[g]", "left acceleration X[g]"); put(mot, L)
    fails(read_moticon, mot, 9, "'left acceleration X[g]' twice (columns 18 and 19)")
    L = lines(qtm); L[8] = L[8].replace("S01_Spine\t", "S01_Hips\t", 1); put(qtm, L)
    fails(read_qtm_skeleton, qtm, 9, "one segment column for 'Hips'")
    L = lines(ann); L[0] = "trial,start_s,end_s,label,label"; L[1] += ",Jogging"; put(ann, L)
    fails(read_annotations, ann, 1, "each once")


def test_nul_byte(ann, mot):
    ann.write_bytes(ann.read_bytes().replace(b"T01", b"T\x0001", 2))
    fails(read_annotations, ann, 2, "NUL")
    mot.write_bytes(mot.read_bytes().replace(b"\t", b"\x00\t", 1))               # in the column line
    fails(read_moticon, mot, 9, "NUL")


# ----------------------------------------------------------------------------- error details
def test_annotation_error_lines(ann):
    L0 = lines(ann)
    put(ann, L0[:2] + [L0[2] + ","] + L0[3:])
    fails(read_annotations, ann, 3, "4 comma-separated fields, found 5")
    put(ann, L0[:2] + ['T01,4.000,6.000,"Jogging'] + L0[3:])
    fails(read_annotations, ann, 3, "quote")
    ref = read_annotations(put(ann, L0))
    blanky = put(ann, [L0[0], "", L0[1], "", "", L0[2], L0[3], ""])           # blank lines are tolerated ...
    pd.testing.assert_frame_equal(read_annotations(blanky), ref)
    assert read_annotations(blanky).attrs["lines"] == [3, 6, 7]
    put(ann, [L0[0], "", L0[1], "", "", L0[2], L0[3].replace("Walking backwards", "Flying"), ""])
    fails(read_annotations, ann, 7, "class names")                              # ... and counted


# ----------------------------------------------------------------------------- tolerated: BOM, CRLF
def test_bom_and_crlf_read_the_same(mot, qtm, ann):
    for p, read, same in ((mot, read_moticon, same_insole), (qtm, read_qtm_skeleton, same_mocap),
                          (ann, read_annotations, pd.testing.assert_frame_equal)):
        ref = read(p)
        p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes().replace(b"\n", b"\r\n"))
        same(read(p), ref)


@needs_real
@pytest.mark.parametrize("name", ["230927_102137.txt", "walk_data_with_events/text_export.txt"])
def test_real_bom_crlf(tmp_path, name):
    p = tmp_path / "r.txt"
    p.write_bytes(b"\xef\xbb\xbf" + (REAL / name).read_bytes().replace(b"\n", b"\r\n"))
    same_insole(read_moticon(p), read_moticon(REAL / name))

