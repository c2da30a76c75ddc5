"""Profiles and notebook parameters, defined once for the whole companion.

Each experiment section owns a frozen dataclass whose defaults are the paper's
settings, and a ``PRESETS`` dict mapping every profile name to the fields that
profile changes:

- ``smoke``: seconds per notebook, used by the regression tests;
- ``book``: the published book on a 2-core CPU (whole book within 45 minutes);
- ``paper``: the paper's dimensions and protocol, meant for a GPU.

A notebook names the sections it uses; its papermill ``parameters`` cell sets
``profile`` and lists every field of those sections with the value ``None``
("take the profile's value"). ``papermill -p epochs 3`` then overrides one
field. :func:`collect` resolves the values, and stops at once with a clear
error on an unknown profile, an unknown parameter name, or a value of the
wrong type.
"""
from __future__ import annotations

import dataclasses
import importlib
from typing import Any

PROFILES: tuple[str, ...] = ("smoke", "book", "paper")

#: section name -> "module:Class"; the module also defines PRESETS.
SECTIONS: dict[str, str] = {
    "cohort": "humaps.sim.config:CohortConfig",
    "pose": "humaps.experiments.pose_config:PoseConfig",
    "activity": "humaps.experiments.activity_config:ActivityConfig",
}


class ParameterError(ValueError):
    """A notebook or command line asked for a profile or parameter that does not exist."""


def section_class(section: str):
    try:
        target = SECTIONS[section]
    except KeyError:
        raise ParameterError(f"unknown section {section!r}; known: {sorted(SECTIONS)}") from None
    mod_name, cls_name = target.split(":")
    module = importlib.import_module(mod_name)
    return getattr(module, cls_name), getattr(module, "PRESETS")


def _coerce(cls, name: str, value: Any) -> Any:
    """Coerce papermill/CLI values (ints for floats, strings from the shell) to the field's type."""
    default = {f.name: f for f in dataclasses.fields(cls)}[name].default
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
    raise ParameterError(
        f"parameter {name!r} of {cls.__name__} expects {kind.__name__} "
        f"(default {default!r}), got {value!r} ({type(value).__name__})"
    )


def resolve(section: str, profile: str, overrides: dict[str, Any] | None = None):
    """The ``section`` config for ``profile`` with ``overrides`` applied (None values ignored)."""
    if profile not in PROFILES:
        raise ParameterError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    cls, presets = section_class(section)
    fields = {f.name for f in dataclasses.fields(cls)}
    values = dict(presets.get(profile, {}))
    for name, value in (overrides or {}).items():
        if name not in fields:
            raise ParameterError(f"unknown parameter {name!r} for {cls.__name__}; known: {sorted(fields)}")
        if value is not None:
            values[name] = _coerce(cls, name, value)
    return cls(**values)


def parameter_names(*sections: str) -> list[str]:
    names: list[str] = []
    for s in sections:
        cls, _ = section_class(s)
        for f in dataclasses.fields(cls):
            if f.name in names:
                raise ParameterError(f"parameter {f.name!r} is defined by two sections of {sections}")
            names.append(f.name)
    return names


def collect(namespace: dict[str, Any], *sections: str, before: set[str] | None = None) -> dict[str, Any]:
    """Resolve a notebook's parameters from its global ``namespace``.

    ``before`` is ``set(globals())`` taken just before the parameters cell;
    any new public name that is not ``profile`` or a field of ``sections`` was
    injected by papermill for a parameter that does not exist, and is an error.
    Returns ``{"profile": name, section: config, ...}``.
    """
    profile = namespace.get("profile")
    if profile not in PROFILES:
        raise ParameterError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    known = set(parameter_names(*sections)) | {"profile"}
    if before is not None:
        new = {k for k in namespace if k not in before and not k.startswith("_")}
        unknown = sorted(k for k in new - known if not _is_module(namespace[k]))
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {unknown}; this notebook takes 'profile' and {sorted(known - {'profile'})}"
            )
    out: dict[str, Any] = {"profile": profile}
    for s in sections:
        cls, _ = section_class(s)
        names = [f.name for f in dataclasses.fields(cls)]
        out[s] = resolve(s, profile, {n: namespace.get(n) for n in names})
    return out


def _is_module(obj: Any) -> bool:
    import types

    return isinstance(obj, types.ModuleType)
