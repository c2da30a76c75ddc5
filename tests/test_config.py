"""Profiles and notebook parameters: unknown names stop at once, values are typed."""
import dataclasses

import pytest

from humaps import config
from humaps.config import ParameterError, collect, resolve


@dataclasses.dataclass(frozen=True)
class ToyConfig:
    epochs: int = 100
    lr: float = 1e-3
    use_cycle: bool = True
    name: str = "paper"
    alphas: tuple = (0.25, 0.5, 0.75)


PRESETS = {"smoke": {"epochs": 1}, "book": {"epochs": 10}, "paper": {}}


@pytest.fixture(autouse=True)
def toy_section(monkeypatch):
    monkeypatch.setitem(config.SECTIONS, "toy", f"{__name__}:ToyConfig")


def test_profiles_select_presets():
    assert resolve("toy", "smoke").epochs == 1
    assert resolve("toy", "book").epochs == 10
    assert resolve("toy", "paper") == ToyConfig()


def test_overrides_are_coerced_to_the_field_type():
    cfg = resolve("toy", "book", {"lr": 1, "use_cycle": "false", "epochs": "3", "alphas": [0.5]})
    assert cfg.lr == 1.0 and isinstance(cfg.lr, float)
    assert cfg.use_cycle is False and cfg.epochs == 3 and cfg.alphas == (0.5,)


def test_none_means_profile_value():
    assert resolve("toy", "smoke", {"epochs": None}).epochs == 1


@pytest.mark.parametrize("bad", [{"epochs": "many"}, {"epochs": 1.5}, {"name": 3}])
def test_wrong_types_are_refused(bad):
    with pytest.raises(ParameterError, match="expects"):
        resolve("toy", "paper", bad)


def test_unknown_profile_and_parameter():
    with pytest.raises(ParameterError, match="unknown profile 'fast'"):
        resolve("toy", "fast")
    with pytest.raises(ParameterError, match="unknown parameter 'epoch'"):
        resolve("toy", "paper", {"epoch": 3})


def test_collect_detects_names_papermill_injected():
    namespace = {"__name__": "__main__", "np": 1}
    before = set(namespace)
    namespace.update(profile="smoke", epochs=None, lr=None, use_cycle=None, name=None, alphas=None)
    run = collect(dict(namespace), "toy", before=before)
    assert run["profile"] == "smoke" and run["toy"].epochs == 1
    namespace["learning_rate"] = 0.1  # a typo passed with papermill -p
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['learning_rate'\]"):
        collect(namespace, "toy", before=before)
    namespace.pop("learning_rate")
    namespace["profile"] = "gpu"
    with pytest.raises(ParameterError, match="unknown profile 'gpu'"):
        collect(namespace, "toy", before=before)


def test_sections_used_together_must_not_share_names(monkeypatch):
    monkeypatch.setitem(config.SECTIONS, "toy2", f"{__name__}:ToyConfig")
    with pytest.raises(ParameterError, match="defined by two sections"):
        config.parameter_names("toy", "toy2")


@pytest.mark.parametrize("section", [s for s in config.SECTIONS if s != "toy"])
def test_every_real_section_resolves_at_every_profile(section):
    try:
        config.section_class(section)
    except ModuleNotFoundError as err:
        pytest.skip(f"section {section!r} not built yet: {err}")
    for profile in config.PROFILES:
        cfg = resolve(section, profile)
        assert dataclasses.is_dataclass(cfg)
