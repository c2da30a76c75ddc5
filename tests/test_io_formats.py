"""Moticon / QTM writers and readers: round trips at export precision and every bad-input case."""
import numpy as np
import pytest
from fakes import random_insole, random_mocap

from humaps.io.errors import FormatError
from humaps.io.moticon import COLUMNS, read_moticon, write_moticon
from humaps.io.qtm import read_qtm_skeleton, write_qtm_skeleton


def insole(n=200, seed=0):
    return random_insole(n, seed)


def mocap(m=240, seed=0):
    return random_mocap(m, seed)


def test_moticon_round_trip(tmp_path):
    rec = insole()
    p = write_moticon(rec, tmp_path / "a.txt", header={"Size": 6, "Name": "S01_T01"})
    text = p.read_text(encoding="utf-8").splitlines()
    assert text[0].startswith("# Start time: ") and text[7].startswith("# Tag:")
    assert text[8] == "# " + "\t".join(COLUMNS) and "left pressure 1[N/cm²]" in text[8]
    assert text[9].split("\t")[0] == "0.00" and len(text[9].split("\t")[17].split(".")[1]) == 6
    back = read_moticon(p)
    assert back.meta["Size"] == "6" and back.n_frames == rec.n_frames
    for k, tol in (("time", 5e-3), ("pressure", 5e-3), ("acceleration", 5e-7), ("angular_rate", 5e-7),
                   ("total_force", 5e-3), ("cop", 5e-7)):
        np.testing.assert_allclose(getattr(back, k), getattr(rec, k), atol=tol, rtol=0)
    assert sum(back.filled.values()) == 0


def test_moticon_blank_cells_filled_and_counted(tmp_path):
    rec = insole(50)
    rec.pressure[10, 1] = np.nan; rec.acceleration[10, 1] = np.nan; rec.angular_rate[10, 1] = np.nan
    rec.total_force[10, 1] = np.nan; rec.cop[10, 1] = np.nan                   # right side blank at row 10
    rec.pressure[0, 0] = np.nan; rec.acceleration[0, 0] = np.nan; rec.angular_rate[0, 0] = np.nan
    rec.total_force[0, 0] = np.nan; rec.cop[0, 0] = np.nan                     # left starts one row late
    back = read_moticon(write_moticon(rec, tmp_path / "b.txt"))
    assert back.n_frames == 49 and back.filled["trimmed rows"] == 1
    assert back.filled["right rows"] == 1 and back.filled["right pressure"] == 16 and back.filled["left rows"] == 0
    np.testing.assert_allclose(back.pressure[9, 1], back.pressure[8, 1])      # previous-sample hold


def _lines(p):
    return p.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("case,line,needle", [
    ("empty", 1, "empty file"),
    ("no_header", 1, "column header line"),
    ("wrong_columns", 12, "51 tab-separated columns, found 40"),
    ("non_numeric", 13, "a number in column"),
    ("truncated", 28, "truncated last line"),
    ("wrong_rate", 10, "sampling rate of 100 Hz"),
    ("time_backwards", 15, "time increasing"),
    ("missing_column", 9, "left total force[N]"),
])
def test_moticon_bad_input(tmp_path, case, line, needle):
    p = write_moticon(insole(20), tmp_path / "x.txt")
    L = _lines(p)
    if case == "empty":
        p.write_text("")
    elif case == "no_header":
        p.write_text("\n".join(L[9:]))
    elif case == "wrong_columns":
        L[11] = "\t".join(L[11].split("\t")[:40])
    elif case == "non_numeric":
        c = L[12].split("\t"); c[5] = "abc"; L[12] = "\t".join(c)
    elif case == "truncated":
        L = L[:28]; L[27] = L[27][:30]
    elif case == "wrong_rate":
        L = L[:9] + ["\t".join([f"{i * 0.02:.2f}"] + r.split("\t")[1:]) for i, r in enumerate(L[9:29])] + [""]
    elif case == "time_backwards":
        c = L[14].split("\t"); c[0] = "0.01"; L[14] = "\t".join(c)
    elif case == "missing_column":
        L[8] = L[8].replace("left total force[N]", "left force")
    if case != "empty" and case != "no_header":
        p.write_text("\n".join(L), encoding="utf-8")
    with pytest.raises(FormatError) as e:
        read_moticon(p)
    msg = str(e.value)
    assert msg.startswith(f"{p}, line {line}:"), msg
    assert needle in msg, msg


def test_moticon_expected_rate_argument(tmp_path):
    r = insole(30); r.time = np.arange(30) / 50.0
    p = write_moticon(r, tmp_path / "r.txt")
    assert read_moticon(p, expected_rate_hz=50).n_frames == 30


def test_qtm_round_trip_with_gaps(tmp_path):
    rec = mocap()
    rec.positions[7, 3] = np.nan
    p = write_qtm_skeleton(rec, tmp_path / "S01_T01_skeleton.tsv", skeleton="S01")
    L = _lines(p)
    assert L[1] == "NO_OF_FRAMES\t240" and L[3] == "FREQUENCY\t120"
    assert L[8].startswith("Frame\tTime\tS01_Hips\tX\tY\tZ\tQX\tQY\tQZ\tQW\tS01_Spine\t")
    back = read_qtm_skeleton(p)
    gap = np.isnan(back.positions[..., 0])
    assert gap.sum() == 1 and gap[7, 3] and np.isnan(back.rotations[7, 3]).all()
    ok = ~gap
    np.testing.assert_allclose(back.positions[ok], rec.positions[ok], atol=5e-7)
    np.testing.assert_allclose(back.rotations[ok], rec.rotations[ok], atol=5e-7)
    np.testing.assert_allclose(back.time, rec.time, atol=5e-6)


def test_qtm_zero_segment_is_gap(tmp_path):
    p = write_qtm_skeleton(mocap(10), tmp_path / "z.tsv")
    L = _lines(p)
    c = L[12].split("\t"); c[3:10] = ["0.000"] * 3 + ["0.000000"] * 4; L[12] = "\t".join(c)
    p.write_text("\n".join(L))
    assert np.isnan(read_qtm_skeleton(p).positions[3, 0]).all()


@pytest.mark.parametrize("case,line,needle", [
    ("empty", 1, "empty file"),
    ("no_frame_line", None, "column header line"),
    ("frames_mismatch", 2, "NO_OF_FRAMES"),
    ("wrong_freq", 4, "FREQUENCY 120 Hz, found 100 Hz"),
    ("wrong_columns", 11, "194 tab-separated columns"),
    ("non_numeric", 12, "a number in column"),
    ("truncated", 19, "truncated last line"),
])
def test_qtm_bad_input(tmp_path, case, line, needle):
    p = write_qtm_skeleton(mocap(10), tmp_path / "q.tsv")
    L = _lines(p)
    if case == "empty":
        L = [""]
    elif case == "no_frame_line":
        L = L[:8]
    elif case == "frames_mismatch":
        L[1] = "NO_OF_FRAMES\t11"
    elif case == "wrong_freq":
        L[3] = "FREQUENCY\t100"
    elif case == "wrong_columns":
        L[10] = "\t".join(L[10].split("\t")[:100])
    elif case == "non_numeric":
        c = L[11].split("\t"); c[4] = "x1"; L[11] = "\t".join(c)
    elif case == "truncated":
        L = L[:19]; L[18] = L[18][:50]
    p.write_text("\n".join(L))
    with pytest.raises(FormatError) as e:
        read_qtm_skeleton(p)
    msg = str(e.value)
    assert msg.startswith(str(p)), msg
    if line is not None:
        assert f"line {line}:" in msg, msg
    assert needle in msg, msg
