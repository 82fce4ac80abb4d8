"""Everything the library writes for people and downstream systems goes through here.

- :class:`RunWriter`: one run's files written under a fresh generation folder and committed together,
  a completion marker (``complete.json``, written last, listing every file and its SHA-256) and a lock
  so two runs into one folder cannot interleave (docs/decisions.md D40).
- :func:`neutralise` / :func:`write_csv`: CSV cells that a spreadsheet would read as a formula are
  prefixed with ``'`` (D43).
- :func:`mask_id` / :func:`mask_ids_in_text`: personal ids masked in what people read.
"""

from .errors import OutputError, OutputLocked
from .formulas import neutralise, neutralise_frame, write_csv
from .masking import mask_id, mask_ids_in_text
from .run_writer import MARKER, RunWriter, check_output_dir, read_marker, verify_run

__all__ = [
    "MARKER",
    "OutputError",
    "OutputLocked",
    "RunWriter",
    "check_output_dir",
    "mask_id",
    "mask_ids_in_text",
    "neutralise",
    "neutralise_frame",
    "read_marker",
    "verify_run",
    "write_csv",
]
