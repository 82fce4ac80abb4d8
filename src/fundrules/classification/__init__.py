"""Classification: suspicions → problem type, severity, typical / major, action, agency; and the
warnings sent to the agencies (regulation Art. 6(3), 12, 14–16; workflow.md "classification")."""

from .config import ClassificationConfig, EngineSettings, load_config
from .engine import ClassificationEngineError, RuleEngine
from .output import classify_directory, write_classification
from .pipeline import CLASSIFIED_COLUMNS, Classification, check_config, classify
from .problem_types import CORE_PROBLEM_TYPES, ProblemType, ProblemTypeError, problem_type_catalog
from .profiles import PROFILE_FIELDS, build_profiles
from .routing import Route, RoutingTable
from .rules import ACTIONS, ASPECTS, MAJOR_GRADES, RuleBook, RulesError, build_rule_book
from .warning_groups import WARNING_COLUMNS, build_warnings
from .working_days import CalendarError, WorkingDayCalendar

__all__ = [
    "ACTIONS",
    "ASPECTS",
    "CLASSIFIED_COLUMNS",
    "CORE_PROBLEM_TYPES",
    "MAJOR_GRADES",
    "PROFILE_FIELDS",
    "WARNING_COLUMNS",
    "CalendarError",
    "Classification",
    "ClassificationConfig",
    "ClassificationEngineError",
    "EngineSettings",
    "ProblemType",
    "ProblemTypeError",
    "Route",
    "RoutingTable",
    "RuleBook",
    "RuleEngine",
    "RulesError",
    "WorkingDayCalendar",
    "build_profiles",
    "build_rule_book",
    "build_warnings",
    "check_config",
    "classify",
    "classify_directory",
    "load_config",
    "problem_type_catalog",
    "write_classification",
]
