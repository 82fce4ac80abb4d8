"""The strategies: valid identifiers built from constraints, data that loads with nothing
quarantined (core tables, every registered table, a plugin's table), joins that hit, small
shrunk examples."""

from __future__ import annotations

import re
import types

import pandas as pd
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

import fundrules
from fundrules.period import last_day, parse_period
from fundrules.plugins import build_registry, hookimpl
from fundrules.schema import Table, col
from fundrules.schema.identifiers import ric_profile, ric_valid, uscc_valid
from fundrules.testing import credit_codes, datasets, person_ids

CORE_TABLES = [
    "persons", "employers", "enrollments", "contributions", "benefits", "deaths",
    "incarcerations", "national_benefits", "ledger", "fund_reports", "bank_accounts",
]  # fmt: skip
FAST = settings(
    max_examples=500, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


@given(person_ids("2025-06"))
def test_person_ids_are_valid_tianjin_ids(pid):
    assert pid.startswith("12") and len(pid) == 18
    # python-stdnum's check digit is the reference (not its validate: it looks county codes up
    # by birth year, which the catalog refuses)
    assert ric.calc_check_digit(pid) == pid[-1]
    assert ric_valid(pd.Series([pid]), last_day(parse_period("2025-06"))).all()


@given(credit_codes())
def test_credit_codes_pass_gb_32100(code):
    assert len(code) == 18
    assert uscc.calc_check_digit(code[:17]) == code[-1]
    assert uscc_valid(pd.Series([code])).all()


@settings(FAST, max_examples=30)
@given(datasets("2025-06", tables=["persons", "benefits", "deaths"]))
def test_without_faults_every_person_id_is_valid_and_agrees_with_its_row(raw):
    ds = raw.load()
    persons = ds.table("persons")
    assert ric_valid(persons["person_id"], last_day(parse_period("2025-06"))).all()
    profile = ric_profile(persons["person_id"])
    assert (profile["sex"] == persons["sex"]).all()
    assert (profile["birth_date"] == persons["birth_date"]).all()
    for name in ("benefits", "deaths"):
        assert set(ds.table(name)["person_id"]) <= set(persons["person_id"])


def test_the_core_tables_load_with_nothing_quarantined(registry):
    @given(datasets("2025-06", tables=CORE_TABLES, registry=registry, faults=True))
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    def loads(raw):
        ds = raw.load(registry)
        assert ds.quarantine.empty, ds.quarantine.to_string() + "\n" + raw.describe()
        assert set(ds.tables) == set(CORE_TABLES)

    loads()


def test_every_registered_table_loads_with_nothing_quarantined():
    reg = fundrules.get_registry()

    @given(datasets("2025-06", registry=reg, faults=True))
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    def loads(raw):
        ds = raw.load(reg)
        assert ds.quarantine.empty, ds.quarantine.to_string() + "\n" + raw.describe()

    loads()


def test_cells_are_text_as_in_a_csv(registry):
    raw = find(
        datasets("2025-06", tables=["benefits"], registry=registry),
        lambda r: len(r["benefits"]) >= 1,
        settings=FAST,
    )
    cells = raw["benefits"].iloc[0].to_dict()
    assert all(v is None or isinstance(v, str) for v in cells.values())
    assert re.fullmatch(r"\d{4}-\d{2}", cells["period"])
    assert re.fullmatch(r"-?\d+\.\d{2}", cells["amount"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells["paid_date"])


def test_a_shrunk_example_is_small_and_readable(registry):
    """Looking for a payment to a dead person shrinks to one death and a payment or two."""
    tables = ["benefits", "deaths"]

    def paid_after_death(raw):
        died = dict(zip(raw["deaths"]["person_id"], raw["deaths"]["death_date"], strict=True))
        b = raw["benefits"]
        return any(
            pid in died and period > died[pid][:7]
            for pid, period in zip(b["person_id"], b["period"], strict=True)
        )

    raw = find(
        datasets("2025-06", tables=tables, registry=registry), paid_after_death, settings=FAST
    )
    assert len(raw["deaths"]) == 1
    assert len(raw["benefits"]) <= 2
    text = raw.describe()
    assert "deaths (1 row):" in text and "period 2025-06" in text


class TestPluginTables:
    """A plugin's table gets a strategy from its declaration alone."""

    CLAIMS = Table(
        name="test_claims",
        owner="testplugin",
        period_column="period",
        columns=(
            col("*claim_id", "id"),
            col("person_id", "person_id"),
            col("employer_id?", "employer_id"),
            col("kind", "code", vocabulary="test_claim_kind"),
            col("event_date", "date"),
            col("decision_date?", "date"),
            col("period", "period"),
            col("amount", "money"),
            col("unit_price?", "price"),
            col("grade?", "integer", minimum=1, maximum=10),
            col("months", "number", minimum=0, maximum=60),
            col("approved", "bool"),
            col("note?", "text"),
        ),
    )
    LINES = Table(
        name="test_claim_lines",
        owner="testplugin",
        reaches_person_via=("test_claims", "claim_id", "claim_id"),
        columns=(
            col("*claim_id", "id"),
            col("*line_no", "integer", minimum=1),
            col("provider_id", "id", refers_to="provider"),
            col("fee", "money"),
        ),
    )

    @pytest.fixture(scope="class")
    @classmethod
    def reg(cls):
        tables = (cls.CLAIMS, cls.LINES)

        @hookimpl
        def fundrules_register_tables(register):
            for t in tables:
                register(t)

        @hookimpl
        def fundrules_register_vocabularies(extend):
            extend("test_claim_kind", ["birth", "injury"])

        plugin = types.SimpleNamespace(
            fundrules_register_tables=fundrules_register_tables,
            fundrules_register_vocabularies=fundrules_register_vocabularies,
        )
        return build_registry(entry_points=False, extra_plugins=[("testplugin", plugin)])

    def test_generic_rows_load_and_keys_are_unique(self, reg):
        @given(
            datasets("2025-06", tables=["persons", "test_claims", "test_claim_lines"], registry=reg)
        )
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def loads(raw):
            ds = raw.load(reg)
            assert ds.quarantine.empty, ds.quarantine.to_string() + "\n" + raw.describe()
            claims, lines = ds.table("test_claims"), ds.table("test_claim_lines")
            assert claims["claim_id"].is_unique
            assert not lines.duplicated(["claim_id", "line_no"]).any()
            # joins hit: lines name generated claims, claims name generated persons
            assert set(lines["claim_id"]) <= set(claims["claim_id"])
            assert set(claims["person_id"]) <= set(ds.table("persons")["person_id"])

        loads()

    def test_dates_of_a_row_mostly_follow_their_declaration_order(self, reg):
        ordered = []

        @given(datasets("2025-06", tables=["persons", "test_claims"], registry=reg))
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def collect(raw):
            c = raw.load(reg).table("test_claims").dropna(subset=["decision_date"])
            ordered.extend((c["decision_date"] >= c["event_date"]).tolist())

        collect()
        assert ordered and sum(ordered) / len(ordered) > 0.6

    def test_an_empty_vocabulary_gives_an_empty_table(self):
        reg = build_registry(entry_points=False)  # no benefit types
        raw = find(
            datasets("2025-06", tables=["persons", "benefits"], registry=reg),
            lambda r: len(r["persons"]) >= 2,
            settings=FAST,
        )
        assert raw["benefits"].empty and list(raw["benefits"].columns) == list(
            reg.tables["benefits"].column_names
        )


def test_unknown_tables_are_refused(registry):
    with pytest.raises(ValueError, match="unknown table"):
        datasets("2025-06", tables=["nope"], registry=registry)


def test_empty_optional_integer_cells_load():
    """Found by the generic strategy: intake used to quarantine them (NaN != floor(NaN))."""
    table = Table(name="t_optional_int", owner="t", columns=(col("*k", "id"), col("n?", "integer")))

    @hookimpl
    def fundrules_register_tables(register):
        register(table)

    reg = build_registry(
        entry_points=False,
        extra_plugins=[
            ("t", types.SimpleNamespace(fundrules_register_tables=fundrules_register_tables))
        ],
    )
    frame = pd.DataFrame({"k": ["a", "b"], "n": ["3", None]}, dtype=object)
    ds = fundrules.dataset_from_frames({"t_optional_int": frame}, "2025-06", registry=reg)
    assert ds.quarantine.empty, ds.quarantine.to_string()


def test_strategies_compose_with_other_strategies(registry):
    both = st.tuples(datasets("2025-06", tables=["deaths"], registry=registry), st.integers(0, 3))
    _raw, n = find(both, lambda t: t[1] == 2 and len(t[0]["deaths"]) == 0, settings=FAST)
    assert n == 2
