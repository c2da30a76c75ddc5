"""Profiles and run parameters, declared once for the whole companion.

Every hyperparameter is a field of exactly one frozen dataclass, with the
paper's value (or our documented choice) as its default: the model layer owns
the architecture (``PoseNetConfig``, ``ActivityNetConfig``), the training
layer the optimisation (``PoseTrainConfig``, ``ActivityTrainConfig``), and an
experiment's config composes them with its own protocol fields. A *section*
(``cohort``, ``pose``, ``activity``) names one such top-level config; its
module's ``PRESETS`` maps each profile to the fields that profile changes:

- ``smoke``: seconds per notebook, used by the regression tests;
- ``book``: the published book on a 2-core CPU;
- ``paper``: the paper's dimensions and protocol, meant for a GPU.

Parameters are addressed by their field name alone, whatever config nests
them (``epochs``, ``d_model``, ``n_subjects``): names are unique within a
section and across the sections a chapter combines. A chapter's papermill
``parameters`` cell holds only the run parameters (``profile``,
``recordings``); ``papermill -p epochs 3`` injects any hyperparameter, and
:func:`collect` resolves it, or stops at once with the list of accepted names.
"""
from __future__ import annotations

import dataclasses
import importlib
import types
from typing import Any

PROFILES: tuple[str, ...] = ("smoke", "book", "paper")

#: section name -> "module:Class"; the module also defines PRESETS.
SECTIONS: dict[str, str] = {
    "cohort": "humaps.sim.config:CohortConfig",
    "pose": "humaps.experiments.pose_config:PoseConfig",
    "activity": "humaps.experiments.activity_config:ActivityConfig",
}

#: what a run is about rather than how a model is built: every chapter takes these
RUN_PARAMETERS: dict[str, str] = {
    "profile": "smoke | book | paper: the scale of the run",
    "recordings": "a folder of device exports with its manifest (subjects.csv, trials.csv); None = the simulated cohort",
}


class ParameterError(ValueError):
    """A notebook or command line asked for a profile or parameter that does not exist."""


def section_class(section: str) -> tuple[type, dict[str, dict]]:
    """(config class, PRESETS) of ``section``."""
    try:
        target = SECTIONS[section]
    except KeyError:
        raise ParameterError(f"unknown section {section!r}; known: {sorted(SECTIONS)}") from None
    mod_name, cls_name = target.split(":")
    module = importlib.import_module(mod_name)
    return getattr(module, cls_name), getattr(module, "PRESETS")


def _nested(f: dataclasses.Field) -> type | None:
    """The config class of a field declared ``name: Cfg = field(default_factory=Cfg)``, else None."""
    factory = f.default_factory
    return factory if isinstance(factory, type) and dataclasses.is_dataclass(factory) else None


def leaves(cls: type) -> dict[str, dataclasses.Field]:
    """Every settable field of a (possibly nested) config class, by name; names must be unique."""
    out: dict[str, dataclasses.Field] = {}
    for f in dataclasses.fields(cls):
        sub = _nested(f)
        for name, leaf in (leaves(sub) if sub else {f.name: f}).items():
            if name in out:
                raise TypeError(f"{cls.__name__}: parameter {name!r} is declared twice in its nested configs")
            out[name] = leaf
    return out


def flatten(cfg) -> dict[str, Any]:
    """{parameter name: value} of a (possibly nested) config instance."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        out.update(flatten(value) if _nested(f) else {f.name: value})
    return out


def build(cls: type, values: dict[str, Any]):
    """An instance of ``cls`` with ``values`` (flat names) routed to the nested config declaring each."""
    kwargs = {}
    for f in dataclasses.fields(cls):
        sub = _nested(f)
        if sub:
            kwargs[f.name] = build(sub, {k: v for k, v in values.items() if k in leaves(sub)})
        elif f.name in values:
            kwargs[f.name] = values[f.name]
    return cls(**kwargs)


def update(cfg, **changes):
    """A copy of ``cfg`` with flat-named fields changed (``update(pose_cfg, w_mpjae=0.0)``)."""
    unknown = set(changes) - set(leaves(type(cfg)))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {sorted(unknown)} for {type(cfg).__name__}")
    return build(type(cfg), flatten(cfg) | changes)


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    """Coerce papermill/CLI values (ints for floats, strings from the shell) to the field's type."""
    default = f.default
    if value is None or default is None or default is dataclasses.MISSING:
        return value
    kind = type(default)
    if kind is bool:
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
            return value.lower() in {"true", "1"}
        if isinstance(value, bool):
            return value
    elif kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    elif kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    elif kind in (int, float) and isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    elif kind is tuple and isinstance(value, (list, tuple)):
        return tuple(value)
    elif isinstance(value, kind):
        return value
    raise ParameterError(f"parameter {f.name!r} expects {kind.__name__} (default {default!r}), "
                         f"got {value!r} ({type(value).__name__})")


def resolve(section: str, profile: str, overrides: dict[str, Any] | None = None):
    """The ``section`` config for ``profile`` with ``overrides`` (flat names; None values ignored)."""
    if profile not in PROFILES:
        raise ParameterError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    cls, presets = section_class(section)
    known = leaves(cls)
    values = dict(presets.get(profile, {}))
    if set(values) - set(known):  # a typo in a PRESETS dict must not be ignored
        raise TypeError(f"PRESETS[{profile!r}] of {cls.__name__} sets unknown fields {sorted(set(values) - set(known))}")
    for name, value in (overrides or {}).items():
        if name not in known:
            raise ParameterError(f"unknown parameter {name!r} for {cls.__name__}; known: {sorted(known)}")
        if value is not None:
            values[name] = _coerce(known[name], value)
    return build(cls, values)


def parameter_names(*sections: str) -> list[str]:
    """Every hyperparameter of ``sections``, in declaration order; a name in two sections is an error."""
    names: list[str] = []
    for s in sections:
        for name in leaves(section_class(s)[0]):
            if name in names:
                raise ParameterError(f"parameter {name!r} is defined by two sections of {sections}")
            names.append(name)
    return names


@dataclasses.dataclass(frozen=True)
class Run:
    """A chapter's resolved run: profile, recordings folder, the overrides given, one config per section."""

    profile: str
    recordings: str | None
    overrides: dict
    configs: dict

    def __getitem__(self, section: str):
        return self.configs[section]


def collect(namespace: dict[str, Any], *sections: str, before: set[str]) -> Run:
    """Resolve a chapter's parameters from its global ``namespace``.

    ``before`` is ``set(globals())`` taken just before the parameters cell: every
    new public name was set by the parameters cell or injected by papermill. It
    must be a run parameter (:data:`RUN_PARAMETERS`) or a hyperparameter of
    ``sections``; anything else is an error naming the accepted parameters.
    """
    profile = namespace.get("profile")
    if profile not in PROFILES:
        raise ParameterError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    known = parameter_names(*sections)
    new = {k for k, v in namespace.items()
           if k not in before and not k.startswith("_") and not isinstance(v, types.ModuleType)}
    unknown = sorted(new - set(known) - set(RUN_PARAMETERS))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {unknown}; this chapter takes {sorted(RUN_PARAMETERS)} and the "
            f"hyperparameters of {', '.join(sections)} (`python -m humaps profiles` lists them): {known}")
    overrides = {k: namespace[k] for k in known if k in new and namespace[k] is not None}
    configs = {}
    for s in sections:
        own = leaves(section_class(s)[0])
        configs[s] = resolve(s, profile, {k: v for k, v in overrides.items() if k in own})
    recordings = namespace.get("recordings")
    return Run(profile=profile, recordings=None if recordings is None else str(recordings),
               overrides=overrides, configs=configs)
