"""The example plugin's table and vocabulary."""

from __future__ import annotations

from fundrules.plugin_api import Table, col

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "approval_level": ("section", "director"),
}

PAYMENT_APPROVALS = Table(
    name="payment_approvals",
    owner="example",
    description="one row per approved payment: who approved it, at which level, when",
    # no person column of its own: its rows reach the person through the payment, so that
    # partitioning by person keeps an approval with its payment
    reaches_person_via=("benefits", "payment_id", "payment_id"),
    columns=(
        col("*payment_id", "id"),
        col("approved_by", "text"),
        col("approval_level", "code", vocabulary="approval_level"),
        col("approved_on", "date"),
    ),
)

TABLES: tuple[Table, ...] = (PAYMENT_APPROVALS,)
