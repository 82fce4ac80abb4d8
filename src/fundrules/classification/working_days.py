"""Working days on the Chinese official calendar, for the major-incident report deadline.

Public holidays and the weekend days worked in exchange (调休上班) are announced by the State
Council each year, so no rule computes them: the years the ``chinesecalendar`` package knows come
from it; later years (or corrections) from a holiday file the configuration names::

    2027:
      holidays: [2027-01-01, 2027-02-08, ...]   # days off that would be working days
      workdays: [2027-02-06]                    # weekend days worked in exchange

A year in the file is taken from the file whole. A date in a year neither knows is an error, never
a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml

from fundrules.config_files import load_yaml
from fundrules.errors import InputError


class CalendarError(InputError, ValueError):
    """A working-day question about a year for which no official calendar is known."""


@dataclass(frozen=True)
class HolidayYear:
    holidays: frozenset[date]
    workdays: frozenset[date]


_PACKAGE_YEARS = range(
    min(d.year for d in chinese_calendar.holidays),
    max(d.year for d in chinese_calendar.holidays) + 1,
)


class WorkingDayCalendar:
    """Chinese official working days: the package's years, overridden or extended by a file."""

    def __init__(self, years: Mapping[int, HolidayYear] | None = None, source: str = "") -> None:
        self._years = dict(years or {})
        self._source = source

    @classmethod
    def from_file(cls, path: str | Path) -> WorkingDayCalendar:
        try:
            data = load_yaml(path) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise CalendarError(f"cannot read holiday file {path}: {exc}") from exc
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: Mapping[Any, Any], source: str = "") -> WorkingDayCalendar:
        where = source or "holiday table"
        if not isinstance(data, Mapping):
            raise CalendarError(f"{where}: a mapping of year to holidays and workdays")
        years: dict[int, HolidayYear] = {}
        for key, entry in data.items():
            try:
                year = int(key)
            except (TypeError, ValueError):
                raise CalendarError(f"{where}: {key!r} is not a year") from None
            if not isinstance(entry, Mapping) or set(entry) - {"holidays", "workdays"}:
                raise CalendarError(f"{where}: year {year} holds 'holidays' and 'workdays' lists")
            days = {
                k: frozenset(_day(v, where, year) for v in entry.get(k) or ())
                for k in ("holidays", "workdays")
            }
            if days["holidays"] & days["workdays"]:
                raise CalendarError(f"{where}: year {year} lists a day as holiday and workday")
            years[year] = HolidayYear(days["holidays"], days["workdays"])
        return cls(years, source=where)

    def is_working_day(self, day: date) -> bool:
        entry = self._years.get(day.year)
        if entry is not None:
            if day in entry.workdays:
                return True
            return day.weekday() < 5 and day not in entry.holidays
        if day.year in _PACKAGE_YEARS:
            return bool(chinese_calendar.is_workday(day))
        known = f"chinesecalendar {chinese_calendar.__version__} knows "
        known += f"{_PACKAGE_YEARS.start}–{_PACKAGE_YEARS.stop - 1}"
        if self._years:
            known += f"; {self._source} knows {', '.join(str(y) for y in sorted(self._years))}"
        raise CalendarError(
            f"no official holiday calendar for {day.year} ({known}): add the year's holidays "
            "and adjusted working days to the holiday file of the configuration"
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        counted = 0
        while counted < days:
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current


def _day(value: Any, where: str, year: int) -> date:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            raise CalendarError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    if day.year != year:
        raise CalendarError(f"{where}: {day} is listed under {year}")
    return day
