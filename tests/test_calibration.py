"""Device calibration: measuring a recording's IMU at rest, the per-recording normalisation, the fitted values
the simulator draws from, and the training augmentation."""
import json

import numpy as np
import pytest
import torch

from humaps.data import calibration
from humaps.recordings import InsoleRecording
from humaps.sim import device
from humaps.training.augment import augment_windows


def still_then_moving(offset=(1.0, -3.0, 16.0), n_still: int = 150, n_move: int = 400, seed: int = 0):
    """A recording: ``n_still`` frames at rest (gyro = offset + 0.1 deg/s noise, gravity tilted 11° nose-down),
    then ``n_move`` frames of large rotation; both feet alike, 700 N on the cells throughout."""
    rng = np.random.default_rng(seed)
    n = n_still + n_move
    gyro = np.asarray(offset, float) + 0.1 * rng.standard_normal((n, 2, 3))
    gyro[n_still:] += 200 * np.sin(np.arange(n_move) / 10.0)[:, None, None]
    acc = np.tile([-np.sin(np.radians(11)), 0.0, np.cos(np.radians(11))], (n, 2, 1)) + 0.003 * rng.standard_normal((n, 2, 3))
    acc[n_still:] += np.sin(np.arange(n_move) / 7.0)[:, None, None]
    press = np.full((n, 2, 16), 350.0 / 160.0)
    return InsoleRecording(time=np.arange(n) / 100.0, pressure=press, acceleration=acc, angular_rate=gyro,
                           total_force=np.full((n, 2), 350.0), cop=np.zeros((n, 2, 2)), meta={"Size": "4"})


def test_quiet_frames_and_what_is_measured_there():
    rec = still_then_moving()
    quiet = calibration.quiet_frames(rec, 0)
    assert quiet[10:120].all() and not quiet[200:].any()     # a window reaching into the motion is not quiet
    m = calibration.imu_at_rest(rec, 0, (np.zeros(0, int), np.zeros(0, int)))
    np.testing.assert_allclose(m["gyro_offset_dps"], [1.0, -3.0, 16.0], atol=0.05)
    np.testing.assert_allclose(m["gyro_noise_dps"], 0.1, rtol=0.25)
    assert m["mount_pitch_deg"] == pytest.approx(11.0, abs=0.3) and abs(m["mount_roll_deg"]) < 0.3


def test_device_normalisation_removes_the_offsets_and_the_body_weight():
    rec = still_then_moving()
    out = calibration.device_normalised(rec)
    np.testing.assert_allclose(np.median(out.angular_rate[:140], 0), 0.0, atol=0.05)
    np.testing.assert_allclose(out.total_force.sum(1), calibration.REFERENCE_BODY_WEIGHT_N)
    np.testing.assert_allclose(out.pressure.sum((-1, -2)) * 160.0 / 16,
                               calibration.REFERENCE_BODY_WEIGHT_N * rec.pressure.sum((-1, -2)) * 10 / 700.0)
    np.testing.assert_array_equal(out.acceleration, rec.acceleration)       # the IMU's tilt is left alone


def test_drawn_devices_stay_inside_the_measured_ranges():
    c = device.calibration()
    devs = [device.draw(np.random.default_rng(k)) for k in range(200)]
    offsets = np.abs(np.stack([d.gyro_offset_dps for d in devs]))
    assert np.all(offsets <= np.asarray(c["imu"]["gyro_offset_dps"]["max_abs"]) + 1e-9)
    pitch = np.stack([d.mount_deg[:, 0] for d in devs])
    assert pitch.min() >= c["imu"]["mount_pitch_deg"][0] and pitch.max() <= c["imu"]["mount_pitch_deg"][1]
    gravity = np.stack([d.gravity_g for d in devs])
    assert gravity.min() >= c["imu"]["gravity_g"][0] and gravity.max() <= c["imu"]["gravity_g"][1]
    assert offsets[:, :, 1].max() > 0.8 * c["imu"]["gyro_offset_dps"]["max_abs"][1]   # the range is used


def test_calibration_file_says_where_it_came_from():
    doc = json.loads(device.CALIBRATION_JSON.read_text(encoding="utf-8"))
    assert doc["command"].startswith("python -m humaps calibrate")
    assert len(doc["files"]) == 4 and all(len(f["sha256"]) == 64 for f in doc["files"])
    text = device.CALIBRATION_JSON.read_text(encoding="utf-8")
    assert len(text) < 5000                                  # values, not samples


def test_calibration_reproduces_the_committed_values(tmp_path):
    from humaps.data import realism

    try:
        realism.real_walking_recordings()
    except FileNotFoundError as err:
        pytest.skip(f"real moticon-opengo 1.0.3 test recordings not available: {err}")
    out = calibration.calibrate(out=tmp_path / "calibration.json")
    committed = json.loads(device.CALIBRATION_JSON.read_text(encoding="utf-8"))
    for key in ("files", "imu", "cells", "gait", "clock"):
        assert json.loads(json.dumps(out[key])) == committed[key], key


def test_augmentation_is_seeded_bounded_and_off_at_zero():
    rng = np.random.default_rng(0)
    P = torch.as_tensor(rng.uniform(0, 10, (8, 25, 32)), dtype=torch.float32)
    A = torch.as_tensor(rng.normal(size=(8, 25, 18)), dtype=torch.float32)
    same = augment_windows(P, A, torch.Generator().manual_seed(0), 0.0)
    assert same[0] is P and same[1] is A
    a1 = augment_windows(P, A, torch.Generator().manual_seed(3))
    a2 = augment_windows(P, A, torch.Generator().manual_seed(3))
    assert torch.equal(a1[0], a2[0]) and torch.equal(a1[1], a2[1])
    p, a = a1
    gain = (p / P).reshape(8, 25, 32)
    assert torch.allclose(gain, gain[:, :1])                 # one gain per window and cell
    assert torch.equal(a[..., [7, 10, 12, 13, 14, 15]], A[..., [7, 10, 12, 13, 14, 15]])   # yaw and COP untouched
    assert (a - A)[..., [6, 8, 9, 11]].abs().max() < 10.0    # pitch/roll: tilt spread + drift, degrees
