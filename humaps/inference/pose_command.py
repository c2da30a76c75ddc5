"""``python -m humaps pose RECORDING --model M --out OUT [--stream]``: poses from a Moticon export.

Without ``--stream`` (batch) the recording is read whole by :func:`~humaps.io.moticon.read_moticon`
(``-`` reads standard input to its end): a causal model runs once over all its frames
(:func:`~humaps.inference.stream.predict_causal`), a bidirectional one over windows that
overlap by half (:func:`~humaps.experiments.pose_real.predict_recording`; a recording shorter
than one window gets no pose, and the summary says so).

With ``--stream`` (causal models only) the lines are read as they arrive (``-``: standard
input, e.g. ``tail -f export.txt | python -m humaps pose - --model m.pt --stream --out -``)
and a pose leaves for every model frame, ``--latency`` frames after it arrived
(:mod:`humaps.inference.stream`). A malformed line raises a FormatError naming the line;
``--on-error skip`` records it and goes on. Outputs: :mod:`humaps.inference.pose_output`.
Exit status: 0, 1 when the input stopped on an error (poses up to it are still written), 2 for usage.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

from humaps.inference.pose_output import PoseWriter, summary_line
from humaps.inference.stream import (
    ENGINES,
    PoseStreamer,
    default_latency,
    predict_causal,
)
from humaps.io.errors import FormatError
from humaps.io.moticon_stream import ON_ERROR, MoticonLineReader
from humaps.models.pose_checkpoint import load_pose_model


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("recording", help="a Moticon OpenGo text export, or - for standard input")
    p.add_argument("--model", required=True, help="a model file written by `python -m humaps train-pose`")
    p.add_argument("--out", required=True, help="poses.npz, a text file (appended to), or - for standard output")
    p.add_argument("--stream", action="store_true",
                   help="read lines as they arrive and emit each pose with a fixed latency (causal models)")
    p.add_argument("--latency", type=int, default=None,
                   help="--stream: frames between a frame's arrival and its pose (default: 0.1 s worth)")
    p.add_argument("--on-error", choices=ON_ERROR, default="stop",
                   help="--stream: a malformed data line stops the stream, or is skipped and recorded")
    p.add_argument("--engine", choices=ENGINES, default="traced",
                   help="--stream: the model step as a TorchScript trace (faster) or eager PyTorch (same poses)")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")


def _batch(args, loaded, writer: PoseWriter) -> str:
    from humaps.data.stream_features import recording_sides
    from humaps.experiments.pose_real import predict_recording
    from humaps.io.moticon import read_moticon

    if args.recording == "-":  # the file reader needs a file: standard input, read to its end
        with tempfile.NamedTemporaryFile(suffix=".txt") as tmp:
            shutil.copyfileobj(sys.stdin.buffer, tmp)
            tmp.flush()
            rec = read_moticon(tmp.name)
        rec.source = "<stdin>"
    else:
        rec = read_moticon(args.recording)
    if loaded.causal:
        t, joints = predict_causal(loaded, *recording_sides(rec))
        note = ""
    else:
        t, joints = predict_recording(loaded.model, rec, window=loaded.window, fs_hz=loaded.fs_hz)
        note = "" if len(t) else f"; the recording is shorter than one {loaded.window}-frame window: no pose"
    writer.write_all(t, joints)
    return summary_line(frames=len(t), fs_hz=loaded.fs_hz, rows=rec.n_frames, source=args.recording, latency=None,
                        skipped=[], gaps=[], leading_one_sided=rec.filled.get("trimmed rows", 0),
                        held=rec.filled.get("left rows", 0) + rec.filled.get("right rows", 0)) + note


def _stream(args, loaded, writer: PoseWriter, streamer: PoseStreamer) -> tuple[str, str | None, MoticonLineReader]:
    latency = streamer.latency
    name = "<stdin>" if args.recording == "-" else args.recording
    reader = MoticonLineReader(name=name, on_error=args.on_error)
    stopped = None
    src = sys.stdin.buffer if args.recording == "-" else open(args.recording, "rb")
    try:
        for raw in src:  # the arrival loop: a line at a time, as the source delivers them
            row = reader.feed(raw)
            if row is not None:
                writer.write(streamer.push(np.array([row[0]]), row[1][None]))
        reader.finish()
    except FormatError as err:
        stopped = str(err)
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        if src is not sys.stdin.buffer:
            src.close()
    writer.write(streamer.finish())  # the last partial chunk: every arrived frame gets its pose
    inputs = streamer.inputs
    summary = summary_line(frames=streamer.emitted, fs_hz=loaded.fs_hz, rows=reader.rows, source=name, latency=latency,
                           skipped=reader.skipped, gaps=reader.gaps, leading_one_sided=inputs.leading_one_sided,
                           held=inputs.held, stopped=stopped)
    return summary, stopped, reader


def command(args) -> int:
    try:
        loaded = load_pose_model(args.model)
    except (FormatError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.recording != "-" and not Path(args.recording).is_file():
        print(f"error: {args.recording}: no such file", file=sys.stderr)
        return 2
    if args.stream and not loaded.causal:
        print(f"error: {args.model} is a bidirectional model (its poses depend on later frames of each "
              f"{loaded.window}-frame window); --stream needs one trained with `train-pose --causal`", file=sys.stderr)
        return 2
    latency = default_latency(loaded.fs_hz) if args.latency is None else args.latency
    if latency < 0 or args.threads < 1:
        print("error: --latency must be >= 0 and --threads >= 1", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    writer = PoseWriter(args.out, fs_hz=loaded.fs_hz, latency=latency if args.stream else None,
                        model_meta=loaded.meta, model_path=str(args.model))
    if args.stream:
        streamer = PoseStreamer(loaded, latency=latency, engine=args.engine)  # ready (traced) before the first line
        print(f"humaps pose: streaming at {loaded.fs_hz:g} Hz with a latency of {latency} frames "
              f"({1000 * latency / loaded.fs_hz:.0f} ms): the pose of frame t leaves when frame t+{latency} arrives",
              file=sys.stderr, flush=True)
        summary, stopped, reader = _stream(args, loaded, writer, streamer)
        skipped, gaps = reader.skipped, reader.gaps
    else:
        try:
            summary = _batch(args, loaded, writer)
            stopped = None
        except FormatError as err:
            summary, stopped = f"stopped: {err}", str(err)
        skipped, gaps = [], []
    writer.close(summary, skipped=skipped, gaps=gaps, stream=args.stream)
    print(f"humaps pose: {summary}", file=sys.stderr)
    if stopped:
        print(f"error: {stopped}", file=sys.stderr)
        return 1
    return 0
