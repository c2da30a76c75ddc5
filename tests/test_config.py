"""Profiles and run parameters: each declared once, unknown names stop at once, values are typed."""
import dataclasses

import pytest

from humaps import config
from humaps.config import ParameterError, collect, flatten, resolve, update


@dataclasses.dataclass(frozen=True)
class ToyModel:
    width: int = 64
    dropout: float = 0.1


@dataclasses.dataclass(frozen=True)
class ToyConfig:
    model: ToyModel = dataclasses.field(default_factory=ToyModel)
    epochs: int = 100
    lr: float = 1e-3
    use_cycle: bool = True
    name: str = "paper"
    alphas: tuple = (0.25, 0.5, 0.75)


PRESETS = {"smoke": {"epochs": 1, "width": 8}, "book": {"epochs": 10}, "paper": {}}


@pytest.fixture(autouse=True)
def toy_section(monkeypatch):
    monkeypatch.setitem(config.SECTIONS, "toy", f"{__name__}:ToyConfig")


def test_profiles_select_presets_and_route_nested_names():
    smoke = resolve("toy", "smoke")
    assert smoke.epochs == 1 and smoke.model.width == 8 and smoke.model.dropout == 0.1
    assert resolve("toy", "book").epochs == 10
    assert resolve("toy", "paper") == ToyConfig()


def test_flatten_and_update_use_leaf_names():
    cfg = resolve("toy", "book")
    assert flatten(cfg)["width"] == 64 and "model" not in flatten(cfg)
    assert update(cfg, width=3, lr=0.5) == ToyConfig(model=ToyModel(width=3), epochs=10, lr=0.5)
    with pytest.raises(ParameterError, match="unknown parameter"):
        update(cfg, depth=3)


def test_overrides_are_coerced_to_the_field_type():
    cfg = resolve("toy", "book", {"lr": 1, "use_cycle": "false", "epochs": "3", "alphas": [0.5], "dropout": 0})
    assert cfg.lr == 1.0 and isinstance(cfg.lr, float) and isinstance(cfg.model.dropout, float)
    assert cfg.use_cycle is False and cfg.epochs == 3 and cfg.alphas == (0.5,)


def test_none_means_profile_value():
    assert resolve("toy", "smoke", {"epochs": None}).epochs == 1


@pytest.mark.parametrize("bad", [{"epochs": "many"}, {"epochs": 1.5}, {"name": 3}, {"width": "wide"}])
def test_wrong_types_are_refused(bad):
    with pytest.raises(ParameterError, match="expects"):
        resolve("toy", "paper", bad)


def test_unknown_profile_and_parameter():
    with pytest.raises(ParameterError, match="unknown profile 'fast'"):
        resolve("toy", "fast")
    with pytest.raises(ParameterError, match="unknown parameter 'epoch'"):
        resolve("toy", "paper", {"epoch": 3})


def test_a_typo_in_presets_is_an_error(monkeypatch):
    monkeypatch.setitem(PRESETS, "book", {"epoch": 10})
    with pytest.raises(TypeError, match="unknown fields"):
        resolve("toy", "book")


def test_collect_takes_run_parameters_and_any_injected_hyperparameter():
    namespace = {"__name__": "__main__", "np": 1}
    before = set(namespace)
    namespace.update(profile="smoke", recordings=None)  # the parameters cell
    run = collect(dict(namespace), "toy", before=before)
    assert run.profile == "smoke" and run["toy"].epochs == 1 and run.overrides == {} and run.recordings is None
    namespace.update(width=16, recordings="/data/mine")  # injected by papermill -p width 16 -p recordings ...
    run = collect(dict(namespace), "toy", before=before)
    assert run["toy"].model.width == 16 and run.overrides == {"width": 16} and run.recordings == "/data/mine"
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


def test_a_name_declared_twice_in_nested_configs_is_an_error():
    @dataclasses.dataclass(frozen=True)
    class Twice:
        model: ToyModel = dataclasses.field(default_factory=ToyModel)
        width: int = 3

    with pytest.raises(TypeError, match="declared twice"):
        config.leaves(Twice)


@pytest.mark.parametrize("section", ["cohort", "pose", "activity"])
def test_every_real_section_resolves_at_every_profile(section):
    for profile in config.PROFILES:
        assert dataclasses.is_dataclass(resolve(section, profile))
