"""Intake: files → a validated :class:`Dataset`, with quarantine, accounting and a manifest."""

from .dataset import QUARANTINE_COLUMNS, Dataset, dataset_from_frames, load_dataset, load_table
from .errors import DataError
from .manifest import Manifest, accept_submission, accepted_submissions, now_cst

__all__ = [
    "QUARANTINE_COLUMNS",
    "DataError",
    "Dataset",
    "Manifest",
    "accept_submission",
    "accepted_submissions",
    "dataset_from_frames",
    "load_dataset",
    "load_table",
    "now_cst",
]
