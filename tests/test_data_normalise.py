"""The one normaliser: training statistics only, and the small-std rule."""
import numpy as np

from humaps.data.normalise import Normaliser


def test_statistics_come_from_the_training_data_only():
    r = np.random.default_rng(0)
    train, test = r.normal(5, 2, (100, 30, 4)), r.normal(50, 20, (10, 30, 4))
    z = Normaliser.fit(train)
    np.testing.assert_allclose(z(train).mean(axis=(0, 1)), 0, atol=1e-4)
    np.testing.assert_allclose(z(train).std(axis=(0, 1)), 1, atol=1e-4)
    assert z(test).mean() > 5  # the test data are not re-centred
    np.testing.assert_allclose(z.inverse(z(test)), test, rtol=1e-5)


def test_a_constant_channel_is_scaled_by_one():
    x = np.zeros((10, 5, 3))
    x[..., 1] = np.arange(50).reshape(10, 5)
    z = Normaliser.fit(x)
    assert z.std[0] == 1.0 and z.std[2] == 1.0 and z.std[1] > 1
    assert z(x + 1.0)[..., 0].max() == 1.0  # a shift of 1 in a dead channel stays 1, not 10⁶


def test_trailing_channel_axes():
    x = np.random.default_rng(1).normal(size=(8, 6, 24, 3))
    z = Normaliser.fit(x, channel_dims=2)
    assert z.mean.shape == (24, 3) and z(x).shape == x.shape
