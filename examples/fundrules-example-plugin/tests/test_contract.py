"""The plugin's indicator keeps the contract every indicator keeps (fundrules.testing)."""

from fundrules.testing import check_indicator


def test_large_single_payment_keeps_the_contract():
    report = check_indicator("example.large_single_payment")
    assert report.fired > 0  # the generated data exercised it
