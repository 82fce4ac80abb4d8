"""The process checks in a real run: the case book's tables and the store's submissions handed to
``screen()``; the run's own suspicions reach the recurrence check."""

from __future__ import annotations

import json

import pandas as pd

import fundrules
from fundrules.cases import CaseBook, handed_tables
from fundrules.screening import screen
from fundrules.store import open_store

BAD_ID = "120101195001010010"  # wrong check character: data.invalid_person_id fires
PROCESS = [
    "process.feedback_overdue",
    "process.consultation_overdue",
    "process.recurring_after_no_issue",
    "process.late_submission",
    "process.changed_submission",
]


def test_cases_handed_to_screening(tmp_path, pki, base_run, registry, load):
    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    p = pki.people
    with CaseBook(url, pki.ca) as book:
        book.open_cases(base_run)
        ids = book.list_cases(p["monitor"]).set_index("subject_id").case_id
        a, b = (int(x) for x in ids.iloc[:2])
        for cid in (a, b):
            book.act(p["monitor"], cid, "confirm", at="2025-07-21")
            book.act(p["monitor"], cid, "dispatch", at="2025-07-31")
        book.act(p["monitor"], b, "consult", at="2025-08-01", reason="due?")
        book.act(p["business"], b, "answer", at="2025-08-05", reason="no")
        book.act(p["agency"], b, "feedback", at="2025-08-29", conclusion="no_issue")
        book.act(p["monitor"], b, "close", at="2025-08-30", reason="no issue found")
        tables = book.screening_tables()
    closed = ids[ids == b].index[0]
    ds = load(
        {
            "persons": [
                {
                    "person_id": BAD_ID,
                    "sex": "M",
                    "birth_date": "1950-01-01",
                    "region_code": "120101",
                }
            ]
        },
        period="2025-09",
    )
    run_rows = pd.DataFrame(
        {
            "indicator": ["pension.paid_after_death"],
            "insurance": ["pension"],
            "subject_type": ["person"],
            "subject_id": [closed],
            "period": [fundrules.period.parse_period("2025-09")],
            "amount_at_risk": pd.Series([12345], dtype="int64"),
        }
    )
    result = screen(
        ds,
        indicators=PROCESS[:3],
        params={c: {"as_of": "2025-09-02"} for c in PROCESS[:2]},
        registry=registry,
        handed={**tables, "run_suspicions": run_rows},
    )
    s = result.suspicions.set_index("indicator")
    assert result.runs.set_index("indicator").status.to_dict() == {c: "ok" for c in PROCESS[:3]}
    fb = result.suspicions[result.suspicions.indicator == "process.feedback_overdue"]
    assert list(fb.subject_id) == [str(a)]  # b answered on time; a is due 2025-08-31
    assert fb.subject_type.iloc[0] == "case"
    assert json.loads(fb.evidence.iloc[0])["records"][0]["due"] == "2025-08-31"
    rec = s.loc["process.recurring_after_no_issue"]
    assert rec.subject_id == closed and str(rec.amount_at_risk) == "123.45"
    assert json.loads(rec.evidence)["records"][0]["closed_case"] == str(b)


def test_recurrence_sees_the_runs_own_suspicions(tmp_path, pki, registry, load):
    """No run_suspicions handed: the engine hands the suspicions of the run's other indicators,
    and runs the recurrence check after them."""
    from .conftest import suspicion, write_run

    run = write_run(
        tmp_path / "may",
        [suspicion("data.invalid_person_id", BAD_ID, "0.00", period="2025-05", insurance="")],
    )
    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    p = pki.people
    with CaseBook(url, pki.ca) as book:
        book.open_cases(run)
        (cid,) = book.list_cases(p["monitor"]).case_id
        book.act(p["monitor"], int(cid), "confirm", at="2025-07-21")
        book.act(p["monitor"], int(cid), "dispatch", at="2025-07-22")
        book.act(p["supervisor"], int(cid), "feedback", at="2025-07-25", conclusion="no_issue")
        book.act(p["monitor"], int(cid), "close", at="2025-07-26")
        tables = book.screening_tables()
    ds = load(
        {
            "persons": [
                {
                    "person_id": BAD_ID,
                    "sex": "M",
                    "birth_date": "1950-01-01",
                    "region_code": "120101",
                }
            ]
        },
        period="2025-06",
    )
    result = screen(
        ds,
        indicators=["process.recurring_after_no_issue", "data.invalid_person_id"],
        registry=registry,
        handed=tables,
    )
    assert list(result.runs.indicator) == [
        "data.invalid_person_id",
        "process.recurring_after_no_issue",
    ]
    rec = result.suspicions[result.suspicions.indicator == "process.recurring_after_no_issue"]
    assert list(rec.subject_id) == [BAD_ID]
    evidence = json.loads(rec.evidence.iloc[0])["records"][0]
    assert evidence["recurs_for"] == "data.invalid_person_id" and evidence["closed_case"] == str(
        cid
    )


def test_store_submissions_are_handed(tmp_path, registry):
    """A store fed June twice, the second time late and changed: both submission checks fire."""
    store = open_store(tmp_path / "store", create=True)
    for n, (name, received) in enumerate(
        [("first", "2025-07-10T09:00:00+08:00"), ("second", "2025-07-16T00:30:00+08:00")]
    ):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "persons.csv").write_text(
            f"person_id,name,sex,birth_date,region_code\n{BAD_ID},n{n},M,1950-01-01,120101\n",
            encoding="utf-8",
        )
        store.intake(folder, "2025-06", received_at=received, registry=registry)
    handed = handed_tables(tmp_path / "store")
    assert list(handed["submissions"].submission_id) == ["2025-06/v1", "2025-06/v2"]
    assert handed["cases"].empty  # no case database yet, and none was created
    assert not (tmp_path / "store" / "cases.sqlite").exists()
    ds = fundrules.dataset_from_frames({}, "2025-06", registry=registry)
    result = screen(ds, indicators=PROCESS[3:], registry=registry, handed=handed)
    got = sorted(zip(result.suspicions.indicator, result.suspicions.subject_id, strict=True))
    # received 16 July 00:30 China time (15 July in UTC): late by the China date
    assert got == [
        ("process.changed_submission", "2025-06/v2"),
        ("process.late_submission", "2025-06/v2"),
    ]


def test_as_of_reaches_every_deadline_check(tmp_path, registry):
    from fundrules.screening.parameters import ParameterError, with_as_of

    f = tmp_path / "params.yaml"
    f.write_text(
        "parameters:\n  process.late_submission: {due_day: 10}\n"
        "  process.feedback_overdue: {as_of: '2025-01-01'}\n",
        encoding="utf-8",
    )
    merged = with_as_of(f, "2025-10-01", registry.indicators)
    assert merged["process.feedback_overdue"] == {"as_of": "2025-10-01"}
    assert merged["process.consultation_overdue"] == {"as_of": "2025-10-01"}
    assert merged["process.late_submission"] == {"due_day": 10}
    assert with_as_of(f, None, registry.indicators) == f
    import pytest

    with pytest.raises(ParameterError, match="--as-of '2025/10/01' is not a date YYYY-MM-DD"):
        with_as_of(None, "2025/10/01", registry.indicators)


def test_screen_from_a_store_with_as_of(tmp_path, registry, pki, base_run):
    """`fundrules screen --store S --as-of D`: the store hands its submissions and cases."""
    from cli_run import fundrules

    store = open_store(tmp_path / "store", create=True)
    folder = tmp_path / "june"
    folder.mkdir()
    (folder / "persons.csv").write_text(
        f"person_id,name,sex,birth_date,region_code\n{BAD_ID},n,M,1950-01-01,120101\n",
        encoding="utf-8",
    )
    store.intake(folder, "2025-06", received_at="2025-07-20T10:00:00+08:00", registry=registry)
    p = pki.people
    with CaseBook(store.database_url, pki.ca) as book:  # the store's own case database
        book.open_cases(base_run)
        cid = int(book.list_cases(p["monitor"]).case_id.iloc[0])
        book.act(p["monitor"], cid, "confirm", at="2025-07-21")
        book.act(p["monitor"], cid, "dispatch", at="2025-07-31")
    args = ["screen", "--store", tmp_path / "store", "--period", "2025-06", "--json",
            "--indicators", ",".join(PROCESS)]  # fmt: skip
    early = fundrules(*args, "--out", tmp_path / "o1", "--as-of", "2025-08-31")
    late = fundrules(*args, "--out", tmp_path / "o2", "--as-of", "2025-09-01")
    assert early.returncode == 0 and late.returncode == 0, early.stderr + late.stderr

    def found(out):
        return {i["indicator"]: i["suspicions"] for i in json.loads(out.stdout)["indicators"]}

    assert found(early)["process.late_submission"] == 1  # received 20 July
    assert found(early)["process.feedback_overdue"] == 0  # due 31 August, judged that day
    assert found(late)["process.feedback_overdue"] == 1
    bad = fundrules(*args, "--out", tmp_path / "o3", "--as-of", "1 Sept")
    assert bad.returncode == 2 and "--as-of '1 Sept' is not a date YYYY-MM-DD" in bad.stderr
