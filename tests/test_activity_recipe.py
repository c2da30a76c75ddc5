"""The section-7 training options the book profile uses: the LSTM readout and the insole models' epochs."""
import pytest
import torch

from humaps.config import resolve, update
from humaps.experiments.activity_classical import selection_budget
from humaps.models.activity_net import (
    ActivityNet,
    ActivityNetConfig,
    Student,
    lstm_readout,
)


def test_mean_readout_averages_the_lstm_steps_and_last_is_the_final_state():
    lstm = torch.nn.LSTM(3, 5, batch_first=True)
    x = torch.randn(2, 7, 3)
    out, (h, _) = lstm(x)
    assert torch.allclose(lstm_readout(lstm, x, "mean"), out.mean(dim=1))
    assert torch.allclose(lstm_readout(lstm, x, "last"), h[0])
    with pytest.raises(AssertionError, match="readout"):
        ActivityNetConfig(insole_readout="max")


def test_insole_epochs_apply_to_the_insole_only_models():
    net = ActivityNetConfig(insole_channels=(4, 2, 2), insole_latent=6, stgcn_channels=(2, 2, 2), pose_latent=6,
                            classifier_hidden=8)
    train = update(resolve("activity", "smoke"), epochs=3, insole_epochs=5).train
    assert train.for_model(ActivityNet(config=net, modality="insole")).epochs == 5
    assert train.for_model(Student(config=net)).epochs == 5
    assert train.for_model(ActivityNet(config=net, modality="pose")).epochs == 3
    assert train.for_model(ActivityNet(config=net, modality="both")).epochs == 3
    assert update(train, insole_epochs=0).for_model(Student(config=net)).epochs == 3


def test_the_insole_forest_gets_the_insole_models_budget():
    cfg = update(resolve("activity", "smoke"), epochs=3, insole_epochs=5)
    assert selection_budget(cfg, "insoles") == 5
    assert selection_budget(cfg, "skeleton") == 3 * len(cfg.pose_heading_grid)
