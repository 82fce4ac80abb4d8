"""The validated store: submissions validated once and kept as versions (workflow.md,
"Submissions and the store"); read as the data as of a month, table by table, shard by shard.

    store = fundrules.open_store("store", create=True)
    store.intake("data/2025-06", "2025-06", received_at="2025-07-10T09:00")
    store.submissions()
"""

from .folder import IntakeLocked, StoreError
from .shards import person_buckets, row_persons, shard_buckets
from .store import Store, StoredVersion, open_store, submission_due

__all__ = [
    "IntakeLocked",
    "Store",
    "StoreError",
    "StoredVersion",
    "open_store",
    "person_buckets",
    "row_persons",
    "shard_buckets",
    "submission_due",
]
