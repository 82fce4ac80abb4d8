"""The default document templates shipped with fundrules (``supervision_notice.docx``,
``major_incident_report.docx``); ``build.py`` regenerates them. A region replaces them with its
own .docx holding the same placeholders (docs/report-templates.md)."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def default_template(kind: str) -> Path:
    return FOLDER / f"{kind}.docx"
