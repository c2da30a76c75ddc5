"""``python -m humaps manifest DIR``: drafting a manifest from a folder of exports, and checking one."""
import pandas as pd
import pytest
from test_data_store import SUBJECTS, trial

from humaps.cli import main
from humaps.data.store import load_cohort, write_cohort


@pytest.fixture
def exports(tmp_path):
    """Insole exports and annotations named as the simulator names them (no manifest, no skeleton)."""
    d = tmp_path / "exports"
    write_cohort([trial(subject="S01", seed=0), trial(subject="S01", seed=1, trial_id="T02"),
                  trial(subject="S02", seed=2)], d, subjects=SUBJECTS)
    for p in [*d.glob("*.csv"), *d.glob("*.tsv")]:
        if not p.name.endswith("_annotations.csv"):
            p.unlink()
    (d / "report.xlsx").write_bytes(b"PK\x03\x04 not a text export")
    return d


def manifest(capsys, *args):
    code = main(["manifest", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err.splitlines()


def test_simulator_names_are_matched_and_the_folder_then_loads(exports, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    code, out, err = manifest(capsys, exports)
    assert code == 0 and err == []
    assert "S01_T02_annotations.csv  annotations    → subject S01, trial T02" in out
    assert "report.xlsx" in out and "ignored: not a Moticon, QTM or annotation export" in out
    trials = pd.read_csv(exports / "trials.csv", dtype=str, keep_default_na=False)
    assert list(trials.subject + trials.trial) == ["S01T01", "S01T02", "S02T01"]
    assert (trials.skeleton_file == "").all() and (trials.mocap_offset_s == "").all()
    subjects = pd.read_csv(exports / "subjects.csv")
    assert list(subjects.insole_size) == [4, 6] and subjects.mass_kg.isna().all()   # size from the exports' headers
    loaded = load_cohort(exports, workers=1, cache=False)
    assert [t.mocap for t in loaded] == [None] * 3 and len(loaded[0].annotations) == 4


def test_a_second_run_checks_the_existing_manifest(exports, capsys):
    manifest(capsys, exports)
    code, out, err = manifest(capsys, exports)
    assert code == 0 and out.startswith("checking the manifest") and "subject S02, trial T01: insole S02_T01" in out


def test_unmatched_names_are_listed_or_made_subjects_of_their_own(exports, capsys):
    (exports / "S02_T01_insoles.txt").rename(exports / "walk 3.txt")
    (exports / "S02_T01_annotations.csv").rename(exports / "walk 3.csv")
    code, out, err = manifest(capsys, exports, "--dry-run")
    assert code == 0 and out.count("UNMATCHED") == 2 and not (exports / "trials.csv").exists()
    code, out, err = manifest(capsys, exports, "--unmatched", "subject")         # grouped by name without extension
    assert code == 0 and "Moticon export → subject walk-3, trial T01 (unmatched: a subject of its own)" in out
    assert "walk-3,T01,walk 3.txt,,walk 3.csv," in (exports / "trials.csv").read_text()


def test_a_pattern_overrides_the_default(exports, capsys):
    for p in exports.glob("S0*_insoles.txt"):
        p.rename(exports / p.name.replace("S0", "person-").replace("_T", "-run"))   # person-1-run01_insoles.txt
    code, out, err = manifest(capsys, exports, "--dry-run", "--pattern", r"person-(?P<subject>\d+)-run(?P<trial>\d+)")
    assert code == 0 and "person-1-run02_insoles.txt  Moticon export → subject 1, trial 02" in out
    assert out.count("annotations    UNMATCHED") == 3                              # still named S0x_T0x_...
    code, out, err = manifest(capsys, exports, "--pattern", "(?P<subject>x)")
    assert code == 2 and "named groups" in err[0]


def test_every_unreadable_export_is_one_problem_line(exports, capsys):
    (exports / "S01_T01_insoles.txt").write_text("# Name: x\n# time\tnothing\n1\t2\n")
    p = exports / "S02_T01_annotations.csv"
    p.write_text(p.read_text().replace("Walking", "Flying"))
    code, out, err = manifest(capsys, exports)
    assert code == 1 and len(err) == 2 and all(e.startswith("problem: ") for e in err)
    assert "S01_T01_insoles.txt, line" in err[0] and "S02_T01_annotations.csv, line 2" in err[1]


def test_two_exports_for_one_trial_is_a_problem(exports, capsys):
    (exports / "S01_T01_insoles_copy.txt").write_bytes((exports / "S01_T01_insoles.txt").read_bytes())
    code, _, err = manifest(capsys, exports, "--dry-run")
    assert code == 1 and "two files for insole_file: S01_T01_insoles.txt and S01_T01_insoles_copy.txt" in err[0]


def test_flat_signals_cannot_give_a_clock_offset(tmp_path, capsys):
    """Motion capture with a blank offset and an IMU that never moves: no lag to trust, say so."""
    d = tmp_path / "flat"
    write_cohort([trial(subject="S01", seed=0)], d, subjects=SUBJECTS.iloc[:1])
    for p in d.glob("*.csv"):
        p.unlink()
    code, out, err = manifest(capsys, d)
    assert code == 1 and "S01_T01_skeleton.tsv: the clock offset estimated from the data" in err[0]
    assert "is not trusted (confidence" in err[0] and "fill in mocap_offset_s of S01 T01" in err[0]


def test_force_redrafts_and_keeps_filled_anthropometrics(exports, capsys):
    manifest(capsys, exports)
    s = (exports / "subjects.csv").read_text().replace("S01,,,,4", "S01,1.81,77.5,M,4")
    (exports / "subjects.csv").write_text(s)
    code, _, _ = manifest(capsys, exports, "--force")
    assert code == 0 and "S01,1.81,77.5,M,4" in (exports / "subjects.csv").read_text()
