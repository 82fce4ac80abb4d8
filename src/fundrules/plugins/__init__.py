"""Plugin system: hook specifications and the registry of what plugins contribute."""

from .contributions import PluginContributions
from .hookspecs import hookimpl, hookspec
from .registry import Failure, PluginError, PluginInfo, Registry, build_registry, get_registry

__all__ = [
    "Failure",
    "PluginContributions",
    "PluginError",
    "PluginInfo",
    "Registry",
    "build_registry",
    "get_registry",
    "hookimpl",
    "hookspec",
]
