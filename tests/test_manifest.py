"""The manifest's two CSV tables: written and read back exactly, blank cells where allowed, clear errors."""
import numpy as np
import pandas as pd
import pytest

from humaps.io.errors import FormatError
from humaps.io.manifest import read_manifest, require_values, write_manifest


def tables():
    subjects = pd.DataFrame({"subject": ["01", "S2"], "height_m": [1.7123456789012345, np.nan],
                             "mass_kg": [60.1, np.nan], "sex": ["F", np.nan], "insole_size": [4, 6],
                             "age": [31, 40], "right_handed": [True, False], "note": ["a, b", "x"]})
    trials = pd.DataFrame({"subject": ["01", "S2"], "trial": ["T01", "T01"], "insole_file": ["a.txt", "sub/b.txt"],
                           "skeleton_file": ["a.tsv", ""], "annotations_file": [np.nan, ""],
                           "mocap_offset_s": [0.1 + 0.2, np.nan]})
    return subjects, trials


def write(tmp_path, subjects_text, trials_text):
    (tmp_path / "subjects.csv").write_text(subjects_text)
    (tmp_path / "trials.csv").write_text(trials_text)
    return tmp_path


SUBJ = "subject,height_m,mass_kg,sex,insole_size\nS01,1.7,60,F,4\n"
TRIAL_HEAD = "subject,trial,insole_file,skeleton_file,annotations_file,mocap_offset_s\n"


def test_tables_read_back_bit_for_bit_with_ids_as_text(tmp_path):
    write_manifest(*tables(), tmp_path)
    s, t = read_manifest(tmp_path)
    assert list(s.subject) == ["01", "S2"] and s.height_m[0] == 1.7123456789012345 and np.isnan(s.mass_kg[1])
    assert s.insole_size.dtype.kind == "i" and s.age.dtype.kind == "i" and s.right_handed.dtype == bool
    assert s.note[0] == "a, b" and pd.isna(s.sex[1])
    assert t.mocap_offset_s[0] == 0.1 + 0.2 and np.isnan(t.mocap_offset_s[1])
    assert t.skeleton_file[0] == "a.tsv" and pd.isna(t.skeleton_file[1]) and t.annotations_file.isna().all()


def test_blank_offset_skeleton_and_annotations_are_allowed(tmp_path):
    write(tmp_path, SUBJ, TRIAL_HEAD + "S01,T01,x.txt,,,\n")
    s, t = read_manifest(tmp_path)
    assert t.insole_file[0] == "x.txt" and t[["skeleton_file", "annotations_file", "mocap_offset_s"]].isna().all(None)


def test_spreadsheet_quirks_bom_crlf_blank_lines_no_final_newline(tmp_path):
    write(tmp_path, "\ufeff" + SUBJ.replace("\n", "\r\n"), TRIAL_HEAD + "\nS01,T01,x.txt,,,0.5")
    _, t = read_manifest(tmp_path)
    assert t.mocap_offset_s[0] == 0.5 and t.attrs["lines"] == [3]


def test_a_missing_anthropometric_column_is_named(tmp_path):
    write(tmp_path, "subject,height_m,sex,insole_size\nS01,1.7,F,4\n", TRIAL_HEAD + "S01,T01,x.txt,,,\n")
    with pytest.raises(FormatError, match="missing 'mass_kg': add the column") as e:
        read_manifest(tmp_path)
    assert e.value.file.endswith("subjects.csv") and e.value.line == 1


def test_a_word_in_a_number_column_names_its_line(tmp_path):
    write(tmp_path, SUBJ + "S02,1.8,heavy,M,5\n", TRIAL_HEAD + "S01,T01,x.txt,,,\n")
    with pytest.raises(FormatError, match="number .* in column 'mass_kg', found 'heavy'") as e:
        read_manifest(tmp_path)
    assert e.value.line == 3


def test_a_trial_of_an_unknown_subject(tmp_path):
    write(tmp_path, SUBJ, TRIAL_HEAD + "S01,T01,x.txt,,,\nS09,T01,y.txt,,,\n")
    with pytest.raises(FormatError, match="a subject listed in subjects.csv, found 'S09'") as e:
        read_manifest(tmp_path)
    assert e.value.line == 3


def test_a_folder_without_tables_is_told_how_to_draft_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m humaps manifest"):
        read_manifest(tmp_path)


def test_require_values_names_the_subjects_left_blank():
    s = pd.DataFrame({"subject": ["S01", "S02"], "mass_kg": [60.0, np.nan]})
    with pytest.raises(ValueError, match="mass_kg is blank for 1 of 2 subjects \\(S02\\); force normalisation needs"):
        require_values(s, "mass_kg", needed_for="force normalisation")
    assert require_values(s.iloc[:1], "mass_kg", needed_for="x")["S01"] == 60.0
