"""A cohort written in device formats loads back through the same loaders (and the cache), and the
loader checks that the manifest, the files on disk and the annotations agree."""
import csv
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from humaps.data.store import load_cohort, load_cohort_report, write_cohort
from humaps.io.errors import FormatError
from humaps.recordings import InsoleRecording, MocapRecording

SEGS = [(0.0, 4.0, "Walking"), (4.0, 5.0, "Jumping in place"), (5.0, 10.0, "Jogging"), (10.0, 12.0, "Doing squats")]


def trial(duration=12.0, offset=0.05, subject="S01", segments=SEGS, seed=0, trial_id="T01"):
    """A synthetic trial (insole 100 Hz, mocap 120 Hz starting 0.5 s earlier), like test_data_windows.trial."""
    r = np.random.default_rng(seed)
    n, m = int(duration * 100) + 1, int((duration + 1) * 120) + 1
    ins = InsoleRecording(time=np.arange(n) / 100, pressure=r.uniform(0, 10, (n, 2, 16)),
                          acceleration=np.tile([0, 0, 1.0], (n, 2, 1)), angular_rate=np.zeros((n, 2, 3)),
                          total_force=r.uniform(0, 500, (n, 2)), cop=r.uniform(-.5, .5, (n, 2, 2)))
    tm = np.arange(m) / 120 - 0.5
    pos = np.zeros((m, 24, 3)); pos[..., 0] = (tm + offset)[:, None]
    pos[:, 1:, 2] = 1.0
    mo = MocapRecording(time=tm - tm[0], positions=pos, rotations=np.tile([1.0, 0, 0, 0], (m, 24, 1)))
    ann = pd.DataFrame(segments, columns=["start_s", "end_s", "label"]).assign(trial=trial_id)
    return SimpleNamespace(subject=subject, trial_id=trial_id, insole=ins, mocap=mo, annotations=ann,
                           mocap_offset_s=offset + tm[0])


SUBJECTS = pd.DataFrame({"subject": ["S01", "S02"], "height_m": [1.7, 1.8], "mass_kg": [60.0, 80.0],
                         "sex": ["f", "m"], "insole_size": [4, 6]})


def test_write_load_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    trials = [trial(duration=12.0, subject=s, seed=i) for i, s in enumerate(["S01", "S02"])]
    write_cohort(trials, tmp_path / "c", subjects=SUBJECTS)
    names = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert "S01_T01_insoles.txt" in names and "S02_T01_skeleton.tsv" in names and "trials.csv" in names
    back = load_cohort(tmp_path / "c", workers=1)
    again = load_cohort(tmp_path / "c", workers=1)                 # served from the cache
    assert [t.subject for t in back] == ["S01", "S02"] and len(again) == 2
    for a, b in zip(trials, back):
        np.testing.assert_allclose(b.insole.pressure, a.insole.pressure, atol=5e-3)
        np.testing.assert_allclose(b.mocap.positions, a.mocap.positions, atol=1e-6)
        assert abs(b.mocap_offset_s - a.mocap_offset_s) < 1e-12
        assert list(b.annotations.label) == list(a.annotations.label)
    assert back[1].insole.meta["Size"] == "6"


def test_cohort_writer_is_the_same_with_one_or_two_workers(tmp_path):
    """Subjects are simulated and written by worker processes; the files do not depend on how many."""
    from humaps.data.cohort import write
    from humaps.sim.config import CohortConfig

    cfg = CohortConfig(n_subjects=2, repetitions=1)
    one = write(cfg, tmp_path / "one", workers=1, progress=False).parent
    two = write(cfg, tmp_path / "two", workers=2, progress=False).parent
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir()) and len(names) == 2 * 3 + 2  # + subjects.csv, trials.csv
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


# ----------------------------------------------------------------------------- consistency checks
@pytest.fixture
def cohort(tmp_path):
    trials = [trial(subject="S01", seed=0), trial(subject="S01", seed=1, trial_id="T02"), trial(subject="S02", seed=2)]
    write_cohort(trials, tmp_path / "c", subjects=SUBJECTS)
    return tmp_path / "c"


def edit_manifest(d, **changes):
    """changes: {"<row>.<field>": value} in trials.csv"""
    with (d / "trials.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    for key, value in changes.items():
        row, field = key.split(".")
        rows[int(row)][field] = value
    with (d / "trials.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def load(d):
    return load_cohort_report(d, workers=1, cache=False)


def test_clean_cohort_has_nothing_unused(cohort):
    trials, report = load(cohort)
    assert [(t.subject, t.trial_id) for t in trials] == [("S01", "T01"), ("S01", "T02"), ("S02", "T01")]
    assert report.unused_files == [] and report.n_trials == 3


def test_unlisted_files_are_reported(cohort, caplog):
    (cohort / "notes.txt").write_text("x")
    (cohort / "more").mkdir()
    (cohort / "more" / "S03_T01_insoles.txt").write_text("x")
    _, report = load(cohort)
    assert report.unused_files == ["more/S03_T01_insoles.txt", "notes.txt"]
    with caplog.at_level("WARNING"):
        assert len(load_cohort(cohort, workers=1, cache=False)) == 3
    assert "2 file(s) not listed in trials.csv" in caplog.text


@pytest.mark.parametrize("name", ["/etc/hostname", "../../etc/hostname", "more/../../x.txt", "..\\x.txt",
                                  "C:/x.txt"])
def test_paths_outside_the_folder_are_refused(cohort, name):
    edit_manifest(cohort, **{"0.insole_file": name})
    with pytest.raises(FormatError, match="inside the folder") as e:
        load(cohort)
    assert e.value.file == str(cohort / "trials.csv") and e.value.line == 2


def test_an_insole_file_is_required(cohort):
    edit_manifest(cohort, **{"0.insole_file": ""})
    with pytest.raises(FormatError, match="a value in column 'insole_file'") as e:
        load(cohort)
    assert e.value.line == 2


def test_symlink_out_of_the_folder_is_refused(cohort, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes((cohort / "S01_T01_insoles.txt").read_bytes())
    (cohort / "link.txt").symlink_to(outside)
    edit_manifest(cohort, **{"0.insole_file": "link.txt"})
    with pytest.raises(FormatError, match="inside the cohort folder"):
        load(cohort)


def test_entry_pointing_at_another_subjects_or_trials_file(cohort):
    edit_manifest(cohort, **{"0.insole_file": "S02_T01_insoles.txt", "2.insole_file": "S01_T01_insoles.txt"})
    with pytest.raises(FormatError, match="named for subject 'S02'"):
        load(cohort)
    edit_manifest(cohort, **{"0.insole_file": "S01_T02_insoles.txt", "1.insole_file": "S01_T01_insoles.txt",
                             "2.insole_file": "S02_T01_insoles.txt"})
    with pytest.raises(FormatError, match="named for subject 'S01' trial 'T02'"):
        load(cohort)


def test_content_of_another_subject(cohort):
    (cohort / "x.txt").write_bytes((cohort / "S02_T01_insoles.txt").read_bytes())   # header Name: S02_T01
    edit_manifest(cohort, **{"0.insole_file": "x.txt"})
    with pytest.raises(FormatError, match="'# Name: S02_T01'") as e:
        load(cohort)
    assert e.value.file == str(cohort / "x.txt")
    edit_manifest(cohort, **{"0.insole_file": "S01_T01_insoles.txt"})
    (cohort / "y.tsv").write_bytes((cohort / "S02_T01_skeleton.tsv").read_bytes())   # segments S02_Hips, ...
    edit_manifest(cohort, **{"0.skeleton_file": "y.tsv"})
    with pytest.raises(FormatError, match="segments named for 'S02'"):
        load(cohort)


def test_annotation_trial_must_be_the_manifests(cohort):
    p = cohort / "S01_T01_annotations.csv"
    L = p.read_text().split("\n")
    L[3] = L[3].replace("T01", "T02")
    p.write_text("\n".join(L))
    with pytest.raises(FormatError, match="trial 'T01' \\(the manifest's trial") as e:
        load(cohort)
    assert e.value.file == str(p) and e.value.line == 4


def test_segments_must_lie_inside_the_recording(cohort):
    p = cohort / "S02_T01_annotations.csv"
    p.write_text(p.read_text() + "\nT01,12.500,20.000,Walking\n")                   # a blank line, then past 12 s
    with pytest.raises(FormatError, match="inside the insole recording") as e:
        load(cohort)
    assert e.value.file == str(p) and e.value.line == 7


def test_manifest_values(cohort):
    text = (cohort / "trials.csv").read_text()
    for bad in ("nan", "inf", "abc"):
        edit_manifest(cohort, **{"1.mocap_offset_s": bad})
        with pytest.raises(FormatError, match="a finite number .* in column 'mocap_offset_s'") as e:
            load(cohort)
        assert e.value.line == 3
    (cohort / "trials.csv").write_text(text)
    edit_manifest(cohort, **{"1.annotations_file": "S01_T01_annotations.csv"})
    with pytest.raises(FormatError, match="every file listed once"):
        load(cohort)
