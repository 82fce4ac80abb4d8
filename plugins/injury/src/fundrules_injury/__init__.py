"""fundrules-injury: the work-injury insurance (工伤保险) plugin of fundrules."""

from .disability import ONE_TIME_DISABILITY_MONTHS

__all__ = ["ONE_TIME_DISABILITY_MONTHS"]
