"""The plugin's indicator keeps the contract every indicator keeps (fundrules.testing)."""

from fundrules.testing import check_indicator


def test_large_single_payment_keeps_the_contract():
    report = check_indicator("example.large_single_payment")
    # how many generated datasets made it fire: 0 means the properties held vacuously on this
    # run's few examples (the ci profile); --hypothesis-profile=thorough explores far more
    print(report)
