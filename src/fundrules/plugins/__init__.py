"""Plugin system: hook specifications and the registry of what plugins contribute."""

from .hookspecs import hookimpl, hookspec
from .registry import Failure, PluginError, PluginInfo, Registry, build_registry, get_registry

__all__ = [
    "Failure",
    "PluginError",
    "PluginInfo",
    "Registry",
    "build_registry",
    "get_registry",
    "hookimpl",
    "hookspec",
]
