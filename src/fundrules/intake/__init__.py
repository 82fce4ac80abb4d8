"""Intake: files → a validated :class:`Dataset`, with quarantine, accounting and a manifest."""

from .dataset import (
    QUARANTINE_COLUMNS,
    Dataset,
    dataset_files,
    dataset_from_frames,
    file_record,
    load_dataset,
    load_table,
    validate_tables,
)
from .errors import AccountingError, DataError, check_row_accounting
from .limits import ReadLimits
from .manifest import (
    CST,
    FileRecord,
    Manifest,
    now_cst,
    parse_received_at,
)

__all__ = [
    "CST",
    "QUARANTINE_COLUMNS",
    "AccountingError",
    "DataError",
    "Dataset",
    "FileRecord",
    "Manifest",
    "ReadLimits",
    "check_row_accounting",
    "dataset_files",
    "dataset_from_frames",
    "file_record",
    "load_dataset",
    "load_table",
    "now_cst",
    "parse_received_at",
    "validate_tables",
]
