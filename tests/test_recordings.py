"""A folder of recordings as a chapter's data: insole-only folders, blank clock offsets, what is said and refused."""
import dataclasses

import numpy as np
import pytest
from test_data_store import SUBJECTS, trial

from humaps.config import Run, resolve
from humaps.data import realism, source
from humaps.data.store import load_cohort, load_cohort_report, write_cohort
from humaps.experiments.datasets import activity_data, pose_data
from humaps.recordings import MocapRecording


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))


def run_on(folder) -> Run:
    return Run(profile="smoke", recordings=str(folder), overrides={},
               configs={s: resolve(s, "smoke") for s in ("cohort", "pose", "activity")})


def folder_of(tmp_path, trials, name="rec"):
    write_cohort(trials, tmp_path / name, subjects=SUBJECTS)
    return tmp_path / name


@pytest.fixture
def insole_only(tmp_path):
    trials = [trial(subject=s, seed=i) for i, s in enumerate(["S01", "S02"])]
    for t in trials:
        t.mocap, t.annotations = None, None
    return folder_of(tmp_path, trials)


def test_an_insole_only_folder_loads_without_mocap_or_annotations(insole_only):
    trials = load_cohort(insole_only, workers=1)
    assert [(t.mocap, t.annotations) for t in trials] == [(None, None)] * 2
    assert all(np.isnan(t.mocap_offset_s) for t in trials)


def test_the_summary_says_what_the_folder_holds_and_skips(insole_only):
    (insole_only / "notes.pdf").write_bytes(b"%PDF-1.4")
    (insole_only / "S03_T01_insoles.txt").write_bytes((insole_only / "S01_T01_insoles.txt").read_bytes())
    text = repr(source.describe(run_on(insole_only)))
    assert "2 subjects, 2 trials, 0.4 min of insole recordings" in text and "motion capture in 0 of 2 trials" in text
    assert "notes.pdf (not a device export)" in text
    assert "S03_T01_insoles.txt (a Moticon export not listed in trials.csv)" in text


def test_pose_and_activity_chapters_stop_without_motion_capture(insole_only):
    with pytest.raises(source.MissingData, match="need motion capture: in .*, 2 of 2 trials have no skeleton_file"):
        pose_data(run_on(insole_only))
    with pytest.raises(source.MissingData, match="need motion capture and annotations"):
        activity_data(run_on(insole_only))


def test_activity_chapters_stop_without_annotations(tmp_path):
    trials = [trial(subject=s, seed=i) for i, s in enumerate(["S01", "S02"])]
    for t in trials:
        t.annotations = None
    with pytest.raises(source.MissingData, match="need annotations: .*2 of 2 trials have no annotations_file"):
        activity_data(run_on(folder_of(tmp_path, trials)))


def test_a_missing_folder_is_not_replaced_by_the_simulated_cohort(tmp_path):
    with pytest.raises(FileNotFoundError, match="recordings folder .*nowhere.* not found"):
        source.describe(run_on(tmp_path / "nowhere"))


@pytest.fixture(scope="module")
def excerpt():
    """The first 50 s of a simulated trial (both streams), its true offset kept (a few ms: the
    estimator searches ±1 s)."""
    from humaps.data.cohort import simulate_subject

    tr = simulate_subject((resolve("cohort", "smoke"), 0))[0]
    mo = tr.mocap
    keep = (mo.time + tr.mocap_offset_s >= 0.0) & (mo.time + tr.mocap_offset_s < 50.0)
    t0 = mo.time[keep][0]
    mocap = MocapRecording(time=mo.time[keep] - t0, positions=mo.positions[keep], rotations=mo.rotations[keep])
    return dataclasses.replace(tr, insole=tr.insole.between(0.0, 50.0), mocap=mocap,
                               annotations=tr.annotations[tr.annotations.end_s < 50.0],
                               mocap_offset_s=tr.mocap_offset_s + t0)


def test_a_blank_offset_is_estimated_at_load_and_reported(tmp_path, excerpt):
    d = folder_of(tmp_path, [dataclasses.replace(excerpt, mocap_offset_s=np.nan)])
    trials, report = load_cohort_report(d, workers=1)
    assert abs(trials[0].mocap_offset_s - excerpt.mocap_offset_s) < 0.010
    row = report.estimated_offsets.iloc[0]
    assert row["trusted"] and row["confidence"] > 0.5 and row["offset_s"] == trials[0].mocap_offset_s
    text = repr(source.describe(run_on(d)))
    assert f"clock offsets estimated from the data for 1 trials (1 trusted): S01 T01 {row['offset_s'] * 1000:+.1f} ms" in text


def test_an_offset_typed_into_trials_csv_is_not_served_stale_from_the_cache(tmp_path, excerpt):
    d = folder_of(tmp_path, [dataclasses.replace(excerpt, mocap_offset_s=np.nan)])
    estimated = load_cohort(d, workers=1)[0].mocap_offset_s
    p = d / "trials.csv"
    p.write_text(p.read_text().rstrip("\n") + "0.0123\n")       # the blank last cell filled in
    assert load_cohort(d, workers=1)[0].mocap_offset_s == 0.0123 != estimated


def test_real_recordings_come_through_the_folder_loader_unchanged():
    from humaps.io.moticon import read_moticon

    try:
        via_folder = realism.real_walking_recordings()
    except FileNotFoundError as err:
        pytest.skip(str(err))
    raw = realism.real_data_dir()
    for rec, name in zip(via_folder, realism.REAL_FILES):
        direct = read_moticon(raw / name)
        np.testing.assert_array_equal(rec.pressure, direct.pressure)
        np.testing.assert_array_equal(rec.total_force, direct.total_force)
