"""A holiday path in a configuration cannot read, or echo, any file of the machine (issue #12
item 10)."""

from __future__ import annotations

from datetime import date

import pytest
from classification.rows import frame, suspicion

from fundrules.classification import CalendarError, classify


def test_a_holiday_path_cannot_read_files_outside_the_configuration_folder(tmp_path, core_registry):
    secret = tmp_path / "secret.yaml"
    secret.write_text("root-password-is: hunter2\n")
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    for path in ("../secret.yaml", str(secret), "/etc/passwd"):
        cfg = conf_dir / "c.yaml"
        cfg.write_text(f"holidays: {path!r}\n")
        with pytest.raises(CalendarError) as err:
            classify(frame(suspicion()), cfg, discovered=date(2025, 9, 26), registry=core_registry)
        assert "hunter2" not in str(err.value) and "root:" not in str(err.value)
        assert "must name a .yaml file in the configuration's folder" in str(err.value)
