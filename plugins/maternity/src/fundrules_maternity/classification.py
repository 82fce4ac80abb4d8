"""What the maternity plugin gives the classification stage: problem types and a ruleset.

The core already routes ``insufficient_contribution`` (any insurance) to ``eligibility``; the
three types here are the problems only maternity has. The ruleset (format:
``fundrules/classification/rules.py``) assigns them at pri 15, before the core's pri-20 rules.
"""

from __future__ import annotations

from fundrules.plugin_api import problem_type_rule

PROBLEM_TYPES: tuple[dict[str, str], ...] = (
    {
        "code": "maternity_fictitious_event",
        "name_zh": "虚构生育事实",
        "name_en": "fictitious maternity event",
        "description": "a birth or miscarriage that cannot have happened as recorded: the "
        "allowance paid to a man, two births closer than a pregnancy allows, a claimant of "
        "implausible age — impersonation or forged certificates (maternity.male_claimant, "
        "maternity.births_too_close, maternity.implausible_age)",
    },
    {
        "code": "maternity_sham_enrollment",
        "name_zh": "虚假参保或挂靠参保骗取生育待遇",
        "name_en": "sham or last-minute enrollment for maternity benefits",
        "description": "a pregnant woman enrolled through a shell, tiny or newly founded "
        "employer shortly before the birth, or an employer whose claims far outnumber what "
        "its workforce makes likely (maternity.sham_employment, "
        "maternity.employer_claim_concentration)",
    },
    {
        "code": "maternity_allowance_miscalculation",
        "name_zh": "生育津贴核定错误",
        "name_en": "maternity allowance wrongly assessed",
        "description": "an allowance granted on more leave days than the law allows or above "
        "the employer's average wage / 30 × days (maternity.allowance_days_excess, "
        "maternity.allowance_above_formula)",
    },
)


RULESET: dict = {
    "name": "maternity",
    "rules": {
        **problem_type_rule(
            "maternity",
            "fictitious_event",
            (
                "maternity.male_claimant",
                "maternity.births_too_close",
                "maternity.implausible_age",
            ),
            "maternity_fictitious_event",
            "a maternity event that cannot have happened as recorded",
        ),
        **problem_type_rule(
            "maternity",
            "sham_enrollment",
            ("maternity.sham_employment", "maternity.employer_claim_concentration"),
            "maternity_sham_enrollment",
            "enrollment through a shell or last-minute employer, or claims concentrated at one",
        ),
        **problem_type_rule(
            "maternity",
            "allowance_miscalculation",
            ("maternity.allowance_days_excess", "maternity.allowance_above_formula"),
            "maternity_allowance_miscalculation",
            "allowance on too many days or above the formula",
        ),
    },
}
