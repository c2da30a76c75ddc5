"""The quantile transplant of the real-recording diagnosis: the map, its use on the model's inputs, the verdict."""
import numpy as np
import pandas as pd
import torch
from fakes import random_insole

from humaps.experiments import pose_real, pose_transplant
from humaps.models.pose_net import PoseNet, PoseNetConfig
from humaps.verdicts import DOES_NOT_HOLD, HOLDS, NOT_DISTINGUISHABLE


def _frames(seed: int, scale: float, shift: float, n: int = 5000) -> pd.DataFrame:
    r = np.random.default_rng(seed)
    return pd.DataFrame(r.gamma(2.0, scale, (n, len(pose_real.CHANNELS))) + shift, columns=list(pose_real.CHANNELS))


def test_mapped_channels_take_the_target_distribution_and_the_others_stay():
    from scipy.stats import ks_2samp

    source, target = _frames(0, 1.0, 0.0), _frames(1, 3.0, -2.0)
    x = _frames(2, 1.0, 0.0).to_numpy()              # fresh frames of the source's kind
    y = pose_transplant.quantile_map(source, target, ("acc",))(x)
    for k, name in enumerate(pose_real.CHANNELS):
        if name.startswith("acc"):
            assert ks_2samp(y[:, k], target[name]).statistic < 0.03
        else:
            np.testing.assert_array_equal(y[:, k], x[:, k].astype(np.float32))


def test_the_map_keeps_the_order_of_values_and_is_the_identity_between_equal_distributions():
    source = _frames(0, 1.0, 0.0)
    x = np.sort(_frames(3, 1.0, 0.0).to_numpy(), axis=0)
    y = pose_transplant.quantile_map(source, _frames(1, 2.0, 1.0), ("pressure",))(x)
    assert (np.diff(y, axis=0) >= 0).all()           # monotone: timing and order survive the map
    same = pose_transplant.quantile_map(source, source, tuple(pose_transplant.GROUPS["every channel"]))(x)
    inside = (x >= source.min().to_numpy()) & (x <= source.max().to_numpy())
    np.testing.assert_allclose(same[inside], x[inside], rtol=1e-5, atol=1e-5)


def test_a_transform_reaches_the_model_and_the_identity_changes_nothing():
    torch.manual_seed(0)
    model = PoseNet(PoseNetConfig.tiny()).eval()
    torch.nn.init.normal_(model.decoder[-1].weight, std=0.1)
    rec = random_insole(n=400)
    t, plain = pose_real.predict_recording(model, rec, window=20)
    _, same = pose_real.predict_recording(model, rec, window=20, transform=lambda x: x)
    _, zeroed = pose_real.predict_recording(model, rec, window=20, transform=np.zeros_like)
    np.testing.assert_allclose(same, plain, atol=1e-6)
    assert np.abs(zeroed - plain).max() > 1e-3


def _table(control: float, every: float, real: float) -> pd.DataFrame:
    gap = control - real
    return pd.DataFrame({"matched (%)": [control, every, real],
                         "share of the gap closed": [0.0, (control - every) / gap if gap > 0 else np.nan, 1.0]},
                        index=["simulated (control)", "simulated, every channel transplanted", "real"])


def test_the_verdict_decides_only_when_the_control_passes_and_there_is_a_gap():
    assert pose_transplant.transplant_verdict(_table(96, 60, 54)).status == HOLDS         # 86 % closed
    assert pose_transplant.transplant_verdict(_table(96, 82, 54)).status == DOES_NOT_HOLD  # 33 % closed
    assert pose_transplant.transplant_verdict(_table(40, 30, 20)).status == NOT_DISTINGUISHABLE  # control fails
    assert pose_transplant.transplant_verdict(_table(90, 90, 95)).status == NOT_DISTINGUISHABLE  # no gap
