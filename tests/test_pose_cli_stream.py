"""`python -m humaps pose` (batch and --stream), the model file, and `train-pose`'s training call."""
from __future__ import annotations

import io
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from fakes import make_fake_sequences, random_insole

from humaps.cli import main
from humaps.config import ParameterError, resolve
from humaps.data.stream_features import recording_sides
from humaps.experiments.pose_export import fit_pose_model, training_run
from humaps.inference.stream import PoseStreamer
from humaps.io.errors import FormatError
from humaps.io.moticon import write_moticon
from humaps.models.pose_checkpoint import load_pose_model, save_pose_model
from humaps.models.pose_net import PoseNet, PoseNetConfig

FS, WINDOW = 25.0, 10


def _model(causal: bool = True) -> PoseNet:
    torch.manual_seed(0)
    model = PoseNet(PoseNetConfig.tiny(causal=causal, attention_window=WINDOW if causal else 0)).eval()
    torch.nn.init.normal_(model.decoder[-1].weight, std=0.1)
    return model


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("pose_cli")
    ns = SimpleNamespace(dir=d, causal=d / "causal.pt", bidi=d / "bidi.pt", rec=d / "rec.txt")
    save_pose_model(ns.causal, _model(), fs_hz=FS, window=WINDOW, meta={"git_commit": "test"})
    save_pose_model(ns.bidi, _model(causal=False), fs_hz=FS, window=WINDOW)
    write_moticon(random_insole(300, seed=7), ns.rec)  # 3 s: 75 frames at 25 Hz, 7 windows
    return ns


def _pose(files, *args) -> int:
    return main(["pose", str(files.rec), "--model", str(files.causal), *args])


def test_model_file_round_trip(files):
    loaded = load_pose_model(files.causal)
    assert loaded.causal and loaded.fs_hz == FS and loaded.window == WINDOW and loaded.meta["git_commit"] == "test"
    for key, value in _model().state_dict().items():
        assert torch.equal(loaded.model.state_dict()[key], value)


def test_a_file_that_is_not_a_model_is_a_format_error(tmp_path):
    path = tmp_path / "m.pt"
    path.write_text("not a model")
    with pytest.raises(FormatError, match="m.pt: expected a pose model"):
        load_pose_model(path)


def test_stream_poses_equal_batch_poses(files):
    assert _pose(files, "--out", str(files.dir / "b.npz")) == 0
    assert _pose(files, "--out", str(files.dir / "s.npz"), "--stream", "--latency", "2") == 0
    b, s = np.load(files.dir / "b.npz"), np.load(files.dir / "s.npz")
    n = len(b["time"])
    assert n == 75 and len(s["time"]) == n  # a clean export: the stream has exactly the batch frames
    assert np.allclose(s["joints"], b["joints"], atol=1e-4, rtol=0)
    assert np.array_equal(s["time"], b["time"])
    assert int(s["latency_frames"]) == 2 and float(s["latency_ms"]) == 80.0


def test_stdin_stream_to_stdout_one_line_per_pose(files, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(files.rec.read_bytes())))
    assert main(["pose", "-", "--model", str(files.causal), "--stream", "--out", "-", "--engine", "eager"]) == 0
    out = capsys.readouterr().out.splitlines()
    poses = [l for l in out if not l.startswith("#")]
    assert len(poses) == 75 and all(len(l.split("\t")) == 73 for l in poses)
    assert "latency 3 frames (120 ms)" in out[0]  # the default: 0.1 s at 25 Hz, rounded up
    assert out[-1].startswith("# summary: 75 poses at 25 Hz from 300 rows of <stdin>; latency 3 frames")


def test_pose_of_frame_t_leaves_when_frame_t_plus_latency_arrives(files):
    streamer = PoseStreamer(load_pose_model(files.causal), latency=3, engine="eager")
    time, sides = recording_sides(random_insole(100, seed=1))
    arrived_when_emitted = {}
    for i in range(len(time)):
        for index, _, _ in streamer.push(time[i:i + 1], sides[i:i + 1]):
            arrived_when_emitted[index] = streamer.arrived - 1  # the newest frame at emission
    tail = [index for index, _, _ in streamer.finish()]
    assert all(arrived - index == 3 for index, arrived in arrived_when_emitted.items())
    assert sorted(arrived_when_emitted) + tail == list(range(streamer.arrived))  # every frame, in order, once


def test_on_error_skip_goes_on_and_lists_the_line(files, tmp_path):
    lines = files.rec.read_bytes().splitlines(keepends=True)
    first = next(i for i, l in enumerate(lines) if l.startswith(b"# time")) + 2
    lines[first + 99] = b"1.00\t3.5\tgarbled\n"  # the row of 1.00 s, line first + 100
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"".join(lines))
    out = tmp_path / "skip.npz"
    assert main(["pose", str(bad), "--model", str(files.causal), "--stream", "--on-error", "skip",
                 "--out", str(out)]) == 0
    s = np.load(out)
    assert s["skipped_lines"].tolist() == [first + 100] and "tab-separated columns" in str(s["skipped_reason"][0])
    assert len(s["time"]) == 75  # the grid goes on across the skipped row: no frame dropped
    assert "1 lines skipped (lines %d)" % (first + 100) in str(s["summary"])


def test_on_error_stop_writes_the_poses_before_the_line_and_exits_1(files, tmp_path, capsys):
    lines = files.rec.read_bytes().splitlines(keepends=True)
    first = next(i for i, l in enumerate(lines) if l.startswith(b"# time")) + 2
    lines[first + 99] = b"1.00\t3.5\tgarbled\n"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"".join(lines))
    out = tmp_path / "stop.npz"
    assert main(["pose", str(bad), "--model", str(files.causal), "--stream", "--out", str(out)]) == 1
    assert len(np.load(out)["time"]) == 25  # frames 0 … 0.96 s: every row before the bad one
    assert f"bad.txt, line {first + 100}: expected 51 tab-separated columns" in capsys.readouterr().err


def test_stream_refuses_a_bidirectional_model_but_batch_runs_it(files, tmp_path, capsys):
    assert main(["pose", str(files.rec), "--model", str(files.bidi), "--stream", "--out", "-"]) == 2
    assert "--stream needs one trained with `train-pose --causal`" in capsys.readouterr().err
    assert main(["pose", str(files.rec), "--model", str(files.bidi), "--out", str(tmp_path / "b.npz")]) == 0
    assert np.load(tmp_path / "b.npz")["joints"].shape == (75, 24, 3)  # every frame, from overlapping windows


def test_fit_pose_model_trains_the_causal_variant():
    cfg = resolve("pose", "smoke", {"epochs": 1, "cycle_epochs": 1, "window_s": 0.16, "fs_hz": 100.0})
    data = make_fake_sequences(n=8, T=16)
    result, used, idx = fit_pose_model(cfg, data, causal=True)
    assert used.model.causal and used.model.attention_window == 16 == used.window_frames
    assert result.model.cfg == used.model and len(result.curves) == 1
    held_out = set(data.subject) - set(data.subject[idx])  # the validation subject that selected the weight
    assert len(held_out) == cfg.val_subjects and used.train.w_mpjae in cfg.w_mpjae_grid


def test_train_pose_rejects_an_unknown_parameter():
    with pytest.raises(ParameterError, match="epoch"):
        training_run("smoke", {"epoch": 3})
