"""Reading the YAML configuration files (parameters, classification rules, holidays, cases).

Safe loading only, and no aliases: ``*name`` lets a few hundred bytes expand into gigabytes
("billion laughs"), and no fundrules file needs one (docs/decisions.md D47). A file larger than
:data:`MAX_CONFIG_BYTES` is refused too. Errors are ``yaml.YAMLError`` (callers already turn those
into their own input errors, exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_CONFIG_BYTES = 8 << 20


class NoAliasSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases (and so any expansion of shared nodes)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed in fundrules configuration files: "
                "write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text safely, refusing aliases."""
    return yaml.load(text, Loader=NoAliasSafeLoader)


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file safely: no aliases, at most :data:`MAX_CONFIG_BYTES`."""
    p = Path(path)
    size = p.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise yaml.YAMLError(
            f"{p} is {size:,} bytes; a configuration file may hold at most {MAX_CONFIG_BYTES:,}"
        )
    return load_yaml_text(p.read_text(encoding="utf-8"))
