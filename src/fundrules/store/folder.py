"""The store folder: a plain folder a user can copy and back up, marked as a fundrules store.

```
STORE/
  fundrules-store.json            marker: format name and version, person-shard buckets
  cases.sqlite                    the case database (fundrules.cases), by default
  submissions/<YYYY-MM>/
    .lock                         held (flock) by the one intake of that period that runs
    .incoming-<id>/               a version being written: never read, removed by the next intake
    v0001/                        a committed version (renamed into place when complete)
      submission.json             period, version, received time, late / changed flags, tables
      manifest.json               file hashes, sizes, encodings, row counts, received time
      quarantine.parquet          rows that could not be represented, with the reason
      accounting.parquet          per table: read = loaded + quarantined
      tables/<table>/part-<k>.parquet     rows of person bucket k; part-shared: rows of no person
```
"""

from __future__ import annotations

import json
from pathlib import Path

from fundrules.errors import InputError

MARKER = "fundrules-store.json"
FORMAT = "fundrules-store"
FORMAT_VERSION = 1
DEFAULT_BUCKETS = 32


class StoreError(InputError):
    """The store cannot do what was asked: not a store, no such period or version, locked."""


class IntakeLocked(StoreError):
    """Another intake of the same period is running."""


def create_marker(root: Path, buckets: int = DEFAULT_BUCKETS) -> dict:
    if root.exists() and not root.is_dir():
        raise StoreError(f"not a folder: {root}")
    if root.is_dir() and any(p.name != MARKER for p in root.iterdir()):
        raise StoreError(
            f"{root} is a folder that is not empty and not a fundrules store "
            f"(it has no {MARKER}); give a new or empty folder"
        )
    root.mkdir(parents=True, exist_ok=True)
    info = {"format": FORMAT, "format_version": FORMAT_VERSION, "person_buckets": buckets}
    tmp = root / (MARKER + ".tmp")
    tmp.write_text(json.dumps(info, indent=2), encoding="utf-8")
    tmp.replace(root / MARKER)
    (root / "submissions").mkdir(exist_ok=True)
    return info


def read_marker(root: Path) -> dict:
    marker = root / MARKER
    if not root.is_dir():
        raise StoreError(f"store folder not found: {root}")
    if not marker.is_file():
        raise StoreError(f"{root} is not a fundrules store (no {MARKER} in it)")
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{marker}: unreadable store marker: {exc}") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise StoreError(f"{marker}: not a fundrules store marker")
    version = info.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise StoreError(
            f"{marker}: store format version {version!r}; this fundrules reads up to "
            f"{FORMAT_VERSION} (upgrade fundrules)"
        )
    buckets = info.get("person_buckets")
    if not isinstance(buckets, int) or buckets < 1:
        raise StoreError(f"{marker}: person_buckets must be a positive whole number")
    return info
