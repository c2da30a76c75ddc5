"""The real Moticon recordings shipped with moticon-opengo 1.0.3 load, agree with its parser, and the
blank cells of the merged time axes are filled and counted."""
import os
from pathlib import Path

import numpy as np
import pytest

from humaps.data.orientation import foot_orientation
from humaps.io.inspect import inspect_file, main_inspect
from humaps.io.moticon import read_moticon

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("HUMAPS_REAL_DATA", ROOT / ".cache/real/moticon_opengo-1.0.3/tests/testdata"))
FILES = sorted(REAL.glob("*.txt")) + [REAL / "walk_data_with_events" / "text_export.txt"]
needs_real = pytest.mark.skipif(not (REAL / "230927_102114.txt").exists(),
                                reason=f"real Moticon recordings not found under {REAL} (set HUMAPS_REAL_DATA)")


@needs_real
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file_matches_moticon_opengo(path):
    from moticon_opengo.txt_export import Measurement
    from moticon_opengo.utils import Side

    rec = read_moticon(path)
    ref = Measurement(str(path))                   # trim=True, fill_method="duplicate"
    np.testing.assert_array_equal(rec.time, ref.time)
    for s, side in enumerate((Side.LEFT, Side.RIGHT)):
        d = ref.side_data[side]
        np.testing.assert_array_equal(rec.pressure[:, s], d.pressure)
        np.testing.assert_array_equal(rec.acceleration[:, s], d.acceleration)
        np.testing.assert_array_equal(rec.angular_rate[:, s], d.angular)
        np.testing.assert_array_equal(rec.total_force[:, s], d.total_force)
        np.testing.assert_array_equal(rec.cop[:, s], d.cop)
    alt = read_moticon(path, engine="moticon")
    np.testing.assert_array_equal(alt.pressure, rec.pressure)
    assert abs(rec.rate_hz - 100) < 0.01


@needs_real
def test_real_blank_cells_counted():
    rec = read_moticon(REAL / "230927_102114.txt")
    # 63 rows lack the left side, 13 the right (counted from the raw file); 55 are trimmed at the ends
    assert rec.filled["trimmed rows"] == 55
    assert rec.filled["left rows"] == 13 and rec.filled["right rows"] == 8
    assert rec.filled["left pressure"] == 16 * 13
    assert not np.isnan(rec.pressure).any()
    assert "left rows 13" in inspect_file(REAL / "230927_102114.txt")


@needs_real
def test_real_orientation_fast_matches_ahrs():
    rec = read_moticon(REAL / "230927_102231.txt")
    fast, ref = foot_orientation(rec), foot_orientation(rec, engine="ahrs")
    np.testing.assert_allclose(fast, ref, atol=1e-9)


def test_inspect_reports_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("# Start time: x\n# time\tleft pressure 1[N/cm²]\n0.00\t1\n")
    assert main_inspect([str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "line 2" in err
