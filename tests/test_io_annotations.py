"""Annotation CSV and manifest validation."""
import pandas as pd
import pytest

from humaps.io.annotations import read_annotations, write_annotations
from humaps.io.errors import FormatError
from humaps.io.manifest import read_manifest, write_manifest


def ann():
    return pd.DataFrame({"trial": ["T01"] * 3, "start_s": [0.0, 4.0, 6.5], "end_s": [3.5, 6.0, 8.0],
                         "label": ["Walking", "Jogging", "Doing squats"]})


def test_annotations_round_trip(tmp_path):
    back = read_annotations(write_annotations(ann(), tmp_path / "a.csv"))
    pd.testing.assert_frame_equal(back, ann())


@pytest.mark.parametrize("edit,line,needle", [
    (lambda d: d.assign(label=["Walking", "Flying", "Jogging"]), 3, "30 class names"),
    (lambda d: d.assign(end_s=[3.5, 3.0, 8.0]), 3, "start_s < end_s"),
    (lambda d: d.assign(start_s=[0.0, 3.0, 6.5]), 3, "not to overlap"),
])
def test_annotations_bad(tmp_path, edit, line, needle):
    p = tmp_path / "a.csv"
    edit(ann()).to_csv(p, index=False)
    with pytest.raises(FormatError, match=needle) as e:
        read_annotations(p)
    assert f"{p}, line {line}:" in str(e.value)


def test_annotations_non_numeric_and_empty(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("trial,start_s,end_s,label\nT01,0,abc,Walking\n")
    with pytest.raises(FormatError, match="line 2: expected a number in column 'end_s'"):
        read_annotations(p)
    p.write_text("")
    with pytest.raises(FormatError, match="line 1: .*empty file"):
        read_annotations(p)


def test_manifest_round_trip_and_checks(tmp_path):
    subj = pd.DataFrame({"subject": ["S01", "S02"], "height_m": [1.7, 1.8], "mass_kg": [60.0, 80.0],
                         "sex": ["f", "m"], "insole_size": [4, 6]})
    trials = pd.DataFrame({"subject": ["S01"], "trial": ["T01"], "insole_file": ["a"], "skeleton_file": ["b"],
                           "annotations_file": ["c"], "mocap_offset_s": [0.03]})
    write_manifest(subj, trials, tmp_path)
    s, t = read_manifest(tmp_path)
    assert list(s.subject) == ["S01", "S02"] and t.mocap_offset_s[0] == 0.03
    with pytest.raises(FormatError, match="a subject listed in subjects.csv"):
        write_manifest(subj, trials.assign(subject=["S09"]), tmp_path)
