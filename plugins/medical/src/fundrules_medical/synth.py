"""The medical plugin's part of the synthetic city: providers, knowledge base, settlements and
item lines, one plant per medical.* indicator.

Outpatient and pharmacy visits of one person fall on distinct days and carry distinct
items, at most one of them from the conflict table; inpatient stays never overlap,
never cross a month, and each hospital's mean fund amount per stay is pinned to an
evenly spaced factor of its level's base, so no hospital is a statistical outlier
(leave-one-out z stays near 2 at most) unless planted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundrules.synth.api import (
    DAY,
    DEAD_PAST,
    DISTRICTS,
    INT_NULL,
    ONE_DAY,
    PRISON,
    Coded,
    Plant,
    Population,
    Seq,
    SynthPart,
    World,
    add_months,
    age_on,
    days_in_month,
    mn_of,
    month_start,
    new_persons,
    random_dates,
    ranks,
    resident_medical,
    td,
)

OUT_DX = ["J06.9", "I10", "E11.9", "K29.7", "M54.5", "J20.9", "N39.0", "R51", "L30.9",
          "H10.9", "K52.9", "M17.9", "F41.1", "J45.9", "E78.5", "S93.4", "T14.0"]  # fmt: skip
IN_DX = ["I63.9", "J18.9", "K80.2", "N20.0", "I21.9", "C34.9", "K35.8", "I50.9", "J44.1",
         "E11.6", "M16.9", "S72.0", "S82.2"]  # fmt: skip
EXTRA_DX = ["I63.5", "Z51.1", "Z49.1", "S62.3", "T14.1", "S52.5"]
DX = OUT_DX + IN_DX + EXTRA_DX
DX_ID = {d: i for i, d in enumerate(DX)}
OUT_SAFE = np.array([DX_ID[d] for d in OUT_DX if d[0] not in "ST"])
OUT_ALL = np.array([DX_ID[d] for d in OUT_DX])
IN_SAFE = np.array([DX_ID[d] for d in IN_DX if d[0] not in "ST"])
IN_ALL = np.array([DX_ID[d] for d in IN_DX])
LEVEL_BASE_FEN = np.array([0, 300_000, 650_000, 1_300_000], dtype=np.int64)
CATEGORIES = ["drug", "exam", "treatment", "material", "bed", "other"]
VISIT_TYPES = ["outpatient", "inpatient", "pharmacy"]
OUT, INP, PHA = 0, 1, 2
BLOCK = 200_000  # persons per block of outpatient generation


def _largest_prime_at_most(n: int) -> int:
    for k in range(n, 1, -1):
        if all(k % d for d in range(2, int(k**0.5) + 1)):
            return k
    return 2


@dataclass
class Catalog:
    codes: list[str]
    names: list[str]
    category: np.ndarray  # int8 index into CATEGORIES
    cap_li: np.ndarray  # int64, INT_NULL = no cap
    max_daily: np.ndarray  # float64, NaN = none
    restrict: list[str | None]
    min_age: np.ndarray  # int64, INT_NULL = none
    max_age: np.ndarray
    pool_out: np.ndarray  # regular items for outpatient visits (prime length)
    pool_drug: np.ndarray  # drugs for pharmacy visits (prime length)
    pool_in: np.ndarray  # regular items for stays (prime length)
    conflicts: list[tuple[str, str, str]]

    def __post_init__(self) -> None:
        self.is_drug = self.category == 0
        self.max_dose = np.where(np.isnan(self.max_daily), 3, np.minimum(self.max_daily, 3)).astype(
            np.int8
        )
        self.cap0 = np.where(self.cap_li == INT_NULL, 0, self.cap_li)  # no cap: priced later

    def id(self, code: str) -> int:
        return self.codes.index(code)


def build_catalog(w: World) -> Catalog:
    rng = w.rng
    codes: list[str] = []
    names: list[str] = []
    cat: list[int] = []
    cap: list[int] = []
    maxd: list[float] = []
    restrict: list[str | None] = []
    amin: list[int] = []
    amax: list[int] = []

    def add(code, name, c, cap_yuan, md, sex=None, lo=INT_NULL, hi=INT_NULL):
        codes.append(code)
        names.append(name)
        cat.append(CATEGORIES.index(c))
        cap.append(INT_NULL if cap_yuan is None else round(cap_yuan * 10000))
        maxd.append(np.nan if md is None else float(md))
        restrict.append(sex)
        amin.append(lo)
        amax.append(hi)

    for k in range(1, 151):
        add(
            f"D{k:04d}",
            f"药品{k}",
            "drug",
            round(float(rng.uniform(0.5, 300)), 4),
            [3, 4, 6][k % 3],
        )
    for k in range(1, 41):
        add(
            f"E{k:04d}",
            f"检查{k}",
            "exam",
            round(float(rng.uniform(20, 800)), 2),
            1 if k % 4 else 2,
        )
    for k in range(1, 31):
        add(f"T{k:04d}", f"治疗{k}", "treatment", round(float(rng.uniform(10, 300)), 2), 1 + k % 4)
    for k in range(1, 21):
        add(f"M{k:04d}", f"材料{k}", "material", round(float(rng.uniform(1, 200)), 2), 10)
    for k in range(2, 6):
        add(f"O{k:04d}", f"其他{k}", "other", round(float(rng.uniform(5, 50)), 2), 2)
    add("O0001", "住院综合服务费", "other", None, None)
    add("B0001", "一级医院床位费", "bed", 40, 1)
    add("B0002", "二级医院床位费", "bed", 60, 1)
    add("B0003", "三级医院床位费", "bed", 90, 1)
    # sex- and age-restricted items
    add("E0901", "妇科超声", "exam", 120, 1, sex="F")
    add("D0901", "雌二醇片", "drug", 45.5, 2, sex="F")
    add("T0901", "宫颈上药", "treatment", 60, 1, sex="F")
    add("E0951", "前列腺特异抗原", "exam", 80, 1, sex="M")
    add("D0951", "坦索罗辛胶囊", "drug", 38.2, 1, sex="M")
    add("D0801", "小儿退热混悬液", "drug", 25, 3, hi=14)
    add("D0802", "儿童维生素AD", "drug", 18, 2, hi=17)
    add("E0851", "骨密度检测", "exam", 150, 1, lo=60)
    add("D0811", "成人复方感冒片", "drug", 22, 3, lo=18)
    add("T0811", "老年综合评估", "treatment", 200, 1, lo=65)
    # pairs that must not be billed together
    add("T0501", "静脉输液(首组)", "treatment", 20, 1)
    add("T0502", "静脉输液(全天)", "treatment", 40, 1)
    add("E0501", "血常规", "exam", 25, 1)
    add("E0502", "全血细胞分析", "exam", 30, 1)
    add("D0501", "阿莫西林胶囊", "drug", 15, 4)
    add("D0502", "阿莫西林克拉维酸钾", "drug", 35, 4)
    add("T0511", "特级护理", "treatment", 150, 1)
    add("T0512", "一级护理", "treatment", 60, 1)
    conflicts = [
        ("T0501", "T0502", "same_day"),
        ("E0501", "E0502", "same_day"),
        ("D0501", "D0502", "same_day"),
        ("T0511", "T0512", "same_stay"),
    ]
    ix = {c: i for i, c in enumerate(codes)}
    drugs = [ix[f"D{k:04d}"] for k in range(1, 151)]
    general = (
        drugs
        + [ix[f"E{k:04d}"] for k in range(1, 41)]
        + [ix[f"T{k:04d}"] for k in range(1, 31)]
        + [ix[f"O{k:04d}"] for k in range(2, 6)]
    )
    inpat = drugs + [ix[f"E{k:04d}"] for k in range(1, 41)]
    inpat += [ix[f"T{k:04d}"] for k in range(1, 31)] + [ix[f"M{k:04d}"] for k in range(1, 21)]
    return Catalog(
        codes=codes,
        names=names,
        category=np.array(cat, np.int8),
        cap_li=np.array(cap, np.int64),
        max_daily=np.array(maxd),
        restrict=restrict,
        min_age=np.array(amin, np.int64),
        max_age=np.array(amax, np.int64),
        pool_out=np.array(general[: _largest_prime_at_most(len(general))]),
        pool_drug=np.array(drugs[: _largest_prime_at_most(len(drugs))]),
        pool_in=np.array(inpat[: _largest_prime_at_most(len(inpat))]),
        conflicts=conflicts,
    )


def emit_catalog(w: World, cat: Catalog) -> None:
    w.emit(
        "item_catalog",
        item_code=cat.codes,
        name=cat.names,
        restrict_sex=Coded(
            np.array([-1 if r is None else "MF".index(r) for r in cat.restrict]), ["M", "F"]
        ),
        min_age=cat.min_age,
        max_age=cat.max_age,
        max_daily_quantity=cat.max_daily,
        max_unit_price=cat.cap_li,
    )
    a, b, s = zip(*cat.conflicts, strict=True)
    w.emit("item_conflicts", item_code_a=list(a), item_code_b=list(b), scope=list(s))


# ----------------------------------------------------------------------------- providers
@dataclass
class Providers:
    ids: list[str]
    names: list[str]
    ptype: np.ndarray  # 0 hospital, 1 clinic, 2 pharmacy
    level: np.ndarray
    district: np.ndarray
    factor: np.ndarray  # hospitals: mean fund per stay = factor x level base

    def add_hospital(self, level: int, district: int, name: str) -> int:
        k = len(self.ids)
        self.ids.append(f"H{district}{90000 + k % 10000:05d}")
        self.names.append(name)
        self.ptype = np.append(self.ptype, 0)
        self.level = np.append(self.level, level)
        self.district = np.append(self.district, district)
        self.factor = np.append(self.factor, 1.0)
        return k


def build_providers(w: World) -> Providers:
    rng = w.rng
    n = max(60, round(w.n_persons * w.vol.providers_per_person))
    n_h = max(30, round(0.3 * n))
    per_level = [max(10, round(n_h * s)) for s in (0.45, 0.35, 0.20)]
    n_h = sum(per_level)
    n_p = max(10, round(0.25 * n))
    n_c = max(20, n - n_h - n_p)
    level = np.concatenate(
        [np.full(k, lv + 1) for lv, k in enumerate(per_level)] + [np.ones(n_c + n_p, int)]
    )
    ptype = np.concatenate([np.zeros(n_h, int), np.ones(n_c, int), np.full(n_p, 2)])
    district = rng.choice(DISTRICTS, ptype.size)
    factor = np.ones(ptype.size)
    start = 0
    for k in per_level:
        factor[start : start + k] = rng.permutation(np.linspace(0.85, 1.15, k))
        start += k
    prefix = np.where(ptype == 2, "P", "H")
    ids = [f"{p}{d}{i:05d}" for i, (p, d) in enumerate(zip(prefix, district, strict=True))]
    kind = ["医院", "社区卫生服务中心", "大药房"]
    names = [
        f"天津{['', '一级', '二级', '三级'][lv] if t == 0 else ''}{kind[t]}{i}"
        for i, (t, lv) in enumerate(zip(ptype, level, strict=True))
    ]
    return Providers(ids, names, ptype, level, district, factor)


def emit_providers(w: World, pr: Providers) -> None:
    w.emit(
        "providers",
        provider_id=pr.ids,
        name=pr.names,
        level=pr.level.astype(np.int64),
        provider_type=Coded(pr.ptype, ["hospital", "clinic", "pharmacy"]),
        region_code=[str(d) for d in pr.district],
    )


# ----------------------------------------------------------------------------- lines
_DAYS_TABLE = np.repeat(
    np.array([1, 2, 3, 5, 7, 10, 14, 28, 30], np.int8), [10, 10, 20, 15, 20, 10, 8, 5, 2]
)  # days_supply drawn from 100 slots: 30 days (the limit) 2% of the time


def _line_values(
    w: World, cat: Catalog, item: np.ndarray, drug_days: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Quantity, unit price (li), amount (fen), days_supply (-1 = empty) within every limit."""
    rng = w.rng
    n = item.size
    is_drug = cat.is_drug[item]
    dose = np.minimum(rng.integers(1, 4, n, dtype=np.int8), cat.max_dose[item])
    if drug_days:
        days = np.where(is_drug, _DAYS_TABLE[rng.integers(0, 100, n, dtype=np.int8)], np.int8(-1))
    else:
        days = np.full(n, -1, np.int8)
    qty = np.where(is_drug, dose.astype(np.int32) * np.maximum(days, 1), 1).astype(np.int32)
    # price: 60% to 100% of the cap, at the cap about 5% of the time
    r = np.minimum(rng.integers(600, 1021, n, dtype=np.int16), 1000).astype(np.int64)
    price = cat.cap0[item] * r // 1000
    amount = (qty * price + 50) // 100
    return qty.astype(np.float32), price, amount, days


def _emit_items(
    w: World,
    sid: np.ndarray,
    line_no: np.ndarray,
    item: np.ndarray,
    date: np.ndarray,
    qty: np.ndarray,
    price: np.ndarray,
    amount: np.ndarray,
    days: np.ndarray,
) -> None:
    cat: Catalog = w.ctx["catalog"]
    big = price.max(initial=0) >= 2**31 or amount.max(initial=0) >= 2**31
    money_t = np.int64 if big else np.int32  # compact while held; written as decimals
    w.emit(
        "medical_items",
        settlement_id=Seq(np.asarray(sid, np.int32), "ST", 12, 7 + w.seed % 991),
        line_no=line_no.astype(np.int16),
        item_code=Coded(item.astype(np.int16), cat.codes),
        item_category=Coded(cat.category[item], CATEGORIES),
        service_date=date,
        quantity=qty.astype(np.float32),
        unit_price=price.astype(money_t),
        amount=amount.astype(money_t),
        days_supply=days.astype(np.int8),
    )


def _emit_settlements(
    w: World, sid, person, provider, vt, admit, discharge, dx, total, fund, period
) -> None:
    pr: Providers = w.ctx["providers"]
    n = len(sid)
    total = np.asarray(total)
    money_t = np.int64 if total.max(initial=0) >= 2**31 else np.int32
    w.emit(
        "medical_settlements",
        settlement_id=Seq(np.asarray(sid, np.int32), "ST", 12, 7 + w.seed % 991),
        person_id=np.asarray(person, np.int32),
        provider_id=Coded(np.asarray(provider, np.int32), pr.ids),
        visit_type=Coded(np.broadcast_to(np.asarray(vt, np.int8), (n,)), VISIT_TYPES),
        admit_date=admit,
        discharge_date=discharge,
        diagnosis_code=Coded(np.asarray(dx, np.int16), DX),
        total_amount=total.astype(money_t),
        fund_amount=np.asarray(fund).astype(money_t),
        period=np.broadcast_to(np.asarray(period, np.int32), (n,)),
    )


# ----------------------------------------------------------------------------- background
def setup(w: World) -> None:
    cat = build_catalog(w)
    pr = build_providers(w)
    w.ctx["catalog"] = cat
    w.ctx["providers"] = pr
    w.ctx["stays"] = []
    w.ctx["n_bg_providers"] = len(pr.ids)
    emit_catalog(w, cat)


def background(w: World, pop: Population) -> None:
    """Outpatient, pharmacy and inpatient settlements of the chunk's persons, every window month.
    The injured (the injury part's fact) get no injury-coded diagnosis: only plants have one.
    Leaves the fact ``inpatient_month`` (the month of the person's stay, -1 for none) on the
    chunk for parts that run after this one."""
    rng = w.rng
    injured = pop.get("injured", np.zeros(pop.size, bool))
    pr: Providers = w.ctx["providers"]
    vol = w.vol
    n = pop["role"].size
    can = ~np.isin(pop["role"], [DEAD_PAST, PRISON])
    death_m = np.where(
        np.isnat(pop["death"]), 10**9, mn_of(np.where(np.isnat(pop["death"]), w.pe, pop["death"]))
    )
    # one stay at most per person in the window, in a month they are alive through
    stay_m = np.where(rng.random(n) < vol.inpatient_rate * 4, rng.integers(w.P - 3, w.P + 1, n), -1)
    stay_m = np.where(can & (stay_m >= 0) & (death_m > stay_m), stay_m, -1)
    hospitals = np.flatnonzero(pr.ptype == 0)
    # the target period has at least two stays at every hospital (the outlier rule needs peers)
    short = 2 * hospitals.size - int(np.count_nonzero(stay_m == w.P))
    if short > 0:
        free = np.flatnonzero(can & (stay_m < 0) & (death_m > w.P))
        stay_m[rng.choice(free, min(short, free.size), replace=False)] = w.P
    pop["inpatient_month"] = stay_m  # a fact for parts after this one (-1: no stay)
    for m in w.months:
        share = 1.0 if m == w.P else vol.history_medical_share
        if share <= 0:
            continue
        alive = can & (death_m > m)
        inp = np.flatnonzero(alive & (stay_m == m))
        keep = inp if share >= 1 else inp[rng.random(inp.size) < share]
        _stays_background(w, m, pop["idx"][keep], injured[keep], hospitals, force_all=(m == w.P))
        out = np.flatnonzero(alive & (stay_m != m))
        if share < 1:
            out = out[rng.random(out.size) < share]
        lam = (
            max(vol.settlements_per_person - vol.inpatient_rate, 0.05)
            * n
            / max(np.count_nonzero(can), 1)
        )
        for lo in range(0, out.size, BLOCK):  # blocks bound the temporaries' memory
            part = out[lo : lo + BLOCK]
            _outpatient_month(w, m, pop["idx"][part], injured[part], lam)


def _outpatient_month(
    w: World, m: int, persons: np.ndarray, injured_persons: np.ndarray, lam: float
) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    pr: Providers = w.ctx["providers"]
    D = int(days_in_month(m))
    k = np.minimum(rng.poisson(lam, persons.size), min(15, D))
    S = int(k.sum())
    if S == 0:
        return
    owner = np.repeat(persons, k)
    j = ranks(k)
    kk = np.repeat(k, k)
    day = np.floor((j + rng.random(S)) * D / kk).astype(np.int64)
    date = month_start(m) + day.astype("timedelta64[D]")
    vt = np.where(rng.random(S) < 0.3, PHA, OUT).astype(np.int8)
    pharm = np.flatnonzero(pr.ptype == 2)
    other = np.flatnonzero(pr.ptype != 2)
    prov = np.where(vt == PHA, rng.choice(pharm, S), rng.choice(other, S)).astype(np.int32)
    injured = np.repeat(injured_persons, k)
    dx = np.where(injured, rng.choice(OUT_SAFE, S), rng.choice(OUT_ALL, S)).astype(np.int16)
    sid = w.seq("settlement", S)
    # item lines: distinct items per settlement by a prime-stride walk over the pool
    mean_lines = w.vol.items_per_settlement
    L = np.clip(1 + rng.poisson(max(mean_lines - 1, 0), S), 1, max(10, round(2.5 * mean_lines)))
    lo = np.repeat(np.arange(S), L)
    r = ranks(L)
    is_ph = vt == PHA
    Ko, Kd = cat.pool_out.size, cat.pool_drug.size
    K = np.where(is_ph, Kd, Ko)
    start = np.floor(rng.random(S) * K).astype(np.int64)
    stride = 1 + np.floor(rng.random(S) * (K - 1)).astype(np.int64)
    pos = (start[lo] + r * stride[lo]) % K[lo]
    item = np.where(
        is_ph[lo], cat.pool_drug[np.minimum(pos, Kd - 1)], cat.pool_out[np.minimum(pos, Ko - 1)]
    )
    # a few visits bill one restricted or conflict-table item, always to a fitting person
    first = np.cumsum(L) - L
    spec = np.flatnonzero((rng.random(S) < 0.03) & ~is_ph)
    if spec.size:
        item[first[spec]] = _fitting_special(w, cat, owner[spec], date[spec])
    qty, price, amount, days = _line_values(w, cat, item, drug_days=True)
    _emit_items(w, sid[lo], (r + 1), item, date[lo], qty, price, amount, days)
    total = np.add.reduceat(amount, first)
    ratio = rng.integers(5000, 9001, S)
    fund = (total * ratio + 5000) // 10000
    _emit_settlements(
        w,
        sid,
        owner,
        prov,
        vt,
        date,
        np.where(rng.random(S) < 0.5, date, np.datetime64("NaT")),
        dx,
        total,
        fund,
        m,
    )


def _fitting_special(w: World, cat: Catalog, person: np.ndarray, date: np.ndarray) -> np.ndarray:
    """A sex-, age- or conflict-table item that fits the person with a margin."""
    rng = w.rng
    n = person.size
    male = w.people.arrays()["male"][person]
    age = age_on(w.people.arrays()["birth"][person], date)
    conflict = np.array([cat.id(c) for c in ("T0501", "T0502", "E0501", "E0502", "D0501", "D0502")])
    out = rng.choice(conflict, n)
    kind = rng.integers(0, 3, n)
    sex_item = np.where(
        male,
        rng.choice([cat.id("E0951"), cat.id("D0951")], n),
        rng.choice([cat.id("E0901"), cat.id("D0901"), cat.id("T0901")], n),
    )
    out = np.where(kind == 0, sex_item, out)
    age_item = np.full(n, -1)
    age_item = np.where(age >= 20, cat.id("D0811"), age_item)
    age_item = np.where(age >= 62, cat.id("E0851"), age_item)
    age_item = np.where(age >= 67, cat.id("T0811"), age_item)
    age_item = np.where(age <= 15, cat.id("D0802"), age_item)
    age_item = np.where(age <= 12, cat.id("D0801"), age_item)
    out = np.where((kind == 1) & (age_item >= 0), age_item, out)
    return out


def _stays_background(
    w: World,
    m: int,
    persons: np.ndarray,
    injured: np.ndarray,
    hospitals: np.ndarray,
    force_all: bool,
) -> None:
    rng = w.rng
    pr: Providers = w.ctx["providers"]
    n = persons.size
    if n == 0:
        return
    D = int(days_in_month(m))
    nights = np.where(rng.random(n) < 0.03, 0, np.minimum(rng.geometric(1 / 7.0, n), 20))
    nights = np.minimum(nights, D - 1)
    a = np.floor(rng.random(n) * (D - nights)).astype(np.int64)
    admit = month_start(m) + a.astype("timedelta64[D]")
    lvl_w = np.array([0.0, 0.4, 0.35, 0.25])[pr.level[hospitals]]
    prov = rng.choice(hospitals, n, p=lvl_w / lvl_w.sum())
    if force_all:  # every hospital gets stays in the target period
        k = min(n, 2 * hospitals.size)
        prov[:k] = np.tile(hospitals, 2)[:k]
    dx = np.where(injured, rng.choice(IN_SAFE, n), rng.choice(IN_ALL, n))
    add_stays(w, persons, prov, admit, admit + nights.astype("timedelta64[D]"), dx, background=True)


def add_stays(
    w: World,
    person: np.ndarray,
    provider: np.ndarray,
    admit: np.ndarray,
    discharge: np.ndarray,
    dx: np.ndarray,
    extra_items: list[tuple[np.ndarray, np.ndarray]] | None = None,
    bed_extra_day: np.ndarray | None = None,
    n_other: np.ndarray | None = None,
    fixed_fund: np.ndarray | None = None,
    period: np.ndarray | None = None,
    background: bool = False,
) -> np.ndarray:
    """Inpatient stays with bed lines per night, regular lines inside the stay, and a
    comprehensive-fee line that closes the total; amounts are set in :func:`finalize`.

    ``extra_items``: (item index, service date) per stay, billed as additional lines.
    ``bed_extra_day``: also bill a bed on the discharge day (bed days exceed the stay).
    Returns the settlement numbers.
    """
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    pr: Providers = w.ctx["providers"]
    n = len(person)
    admit = np.asarray(admit, DAY)
    discharge = np.asarray(discharge, DAY)
    nights = (discharge - admit).astype(np.int64)
    beds = np.maximum(nights, 1)
    if bed_extra_day is not None:
        beds = beds + np.asarray(bed_extra_day, np.int64)
    sid = w.seq("settlement", n)
    bed_item = np.array([cat.id("B0001"), cat.id("B0001"), cat.id("B0002"), cat.id("B0003")])[
        pr.level[provider]
    ]
    bo = np.repeat(np.arange(n), beds)
    b_date = admit[bo] + ranks(beds).astype("timedelta64[D]")
    b_item = bed_item[bo]
    # regular lines
    no = rng.integers(2, 9, n) if n_other is None else np.asarray(n_other)
    oo = np.repeat(np.arange(n), no)
    K = cat.pool_in.size
    st = np.floor(rng.random(n) * K).astype(np.int64)
    sd = 1 + np.floor(rng.random(n) * (K - 1)).astype(np.int64)
    o_item = cat.pool_in[(st[oo] + ranks(no) * sd[oo]) % K]
    first_o = np.cumsum(no) - no
    # background stays (one per person) may bill one conflict-table item; planted ones never
    conf = np.flatnonzero((rng.random(n) < (0.03 if background else 0.0)) & (no > 0))
    conf_ids = np.array([cat.id(c) for c in ("T0501", "T0502", "E0501", "E0502", "T0511", "T0512")])
    o_item[first_o[conf]] = rng.choice(conf_ids, conf.size)
    o_date = random_dates(rng, admit[oo], discharge[oo])
    own = [bo, oo]
    items = [b_item, o_item]
    dates = [b_date, o_date]
    if extra_items:
        for it, dt in extra_items:
            own.append(np.arange(n))
            items.append(np.asarray(it))
            dates.append(np.asarray(dt, DAY))
    own.append(np.arange(n))
    items.append(np.full(n, cat.id("O0001")))
    dates.append(admit)
    owner = np.concatenate(own)
    item = np.concatenate(items)
    date = np.concatenate(dates)
    order = np.argsort(owner, kind="stable")
    owner, item, date = owner[order], item[order], date[order]
    qty, price, amount, days = _line_values(w, cat, item, drug_days=False)
    bal = item == cat.id("O0001")
    w.ctx["stays"].append(
        {
            "sid": sid,
            "person": np.asarray(person),
            "provider": np.asarray(provider),
            "admit": admit,
            "discharge": discharge,
            "dx": np.asarray(dx),
            "period": mn_of(discharge) if period is None else np.asarray(period),
            "fixed": np.full(n, -1, np.int64) if fixed_fund is None else np.asarray(fixed_fund),
            "line_owner": owner,
            "item": item,
            "date": date,
            "qty": qty,
            "price": price,
            "amount": np.where(bal, 0, amount),
            "days": days,
            "bal": bal,
        }
    )
    return sid


def finalize(w: World) -> None:
    """Fund amounts of the batch's stays (a chunk's, or the plants'): each hospital's mean per
    period pinned to factor x level base within the batch, so that its mean over every batch is
    pinned too and no batch waits for another (D105)."""
    rng = w.rng
    pr: Providers = w.ctx["providers"]
    chunks = w.ctx["stays"]
    if not chunks:
        return
    keys = ["sid", "person", "provider", "admit", "discharge", "dx", "period", "fixed"]
    s = {k: np.concatenate([c[k] for c in chunks]) for k in keys}
    offs = np.cumsum([0] + [c["sid"].size for c in chunks])
    lk = ["line_owner", "item", "date", "qty", "price", "amount", "days", "bal"]
    lines = {k: np.concatenate([c[k] for c in chunks]) for k in lk}
    lines["line_owner"] = np.concatenate(
        [c["line_owner"] + o for c, o in zip(chunks, offs[:-1], strict=True)]
    )
    n = s["sid"].size
    prov = s["provider"]
    per = s["period"]
    target = pr.factor[prov] * LEVEL_BASE_FEN[pr.level[prov]]
    e = rng.uniform(-0.3, 0.3, n)
    grp = (per - per.min()) * len(pr.ids) + prov
    free = s["fixed"] < 0
    _, inv = np.unique(grp, return_inverse=True)
    cnt = np.bincount(inv, weights=free.astype(float))
    esum = np.bincount(inv, weights=np.where(free, e, 0.0))
    emean = esum / np.maximum(cnt, 1)
    fund = np.round(target * (1 + e - emean[inv])).astype(np.int64)
    # outliers (planted): mean of the others at the level, plus margin
    outl = np.flatnonzero(~free)
    if outl.size:
        fund = _outlier_funds(w, s, fund, free)
    items_sum = np.bincount(lines["line_owner"], weights=lines["amount"], minlength=n).astype(
        np.int64
    )
    ratio = rng.uniform(0.6, 0.85, n)
    total = np.maximum(np.round(fund / ratio).astype(np.int64), items_sum + 10000)
    bal_amount = total - items_sum
    b = lines["bal"]
    lines["amount"][b] = bal_amount[lines["line_owner"][b]]
    lines["price"][b] = lines["amount"][b] * 100
    lo = lines["line_owner"]
    line_no = ranks(np.bincount(lo, minlength=n)) + 1
    _emit_items(
        w,
        s["sid"][lo],
        line_no,
        lines["item"],
        lines["date"],
        lines["qty"],
        lines["price"],
        lines["amount"],
        lines["days"],
    )
    _emit_settlements(
        w,
        s["sid"],
        s["person"],
        prov,
        INP,
        s["admit"],
        s["discharge"],
        s["dx"],
        total,
        fund,
        s["period"],
    )
    w.ctx["stays"] = []


def finish(w: World) -> None:
    """The providers, planted hospitals included, once every batch is made."""
    emit_providers(w, w.ctx["providers"])


def _outlier_funds(
    w: World, s: dict[str, np.ndarray], fund: np.ndarray, free: np.ndarray
) -> np.ndarray:
    pr: Providers = w.ctx["providers"]
    prov = s["provider"]
    background = np.arange(pr.ptype.size) < w.ctx["n_bg_providers"]
    for p in np.unique(prov[~free]):
        lvl = pr.level[p]
        # the other hospitals of the level: every chunk gives each one stays in the target
        # period, and each batch's mean is pinned to its target, so their means are the targets
        others = np.flatnonzero(background & (pr.ptype == 0) & (pr.level == lvl))
        others = others[others != p]
        means = pr.factor[others] * LEVEL_BASE_FEN[lvl]
        target = max(means.mean() + 4 * means.std(), 2 * means.mean())
        fund = np.where((prov == p) & ~free, int(np.ceil(target)), fund)
        if others.size < 5:
            raise RuntimeError("provider outlier needs at least 5 other hospitals of its level")
    return fund


# ----------------------------------------------------------------------------- planted visits
def visits(
    w: World,
    person: np.ndarray,
    date: np.ndarray,
    lines: list[
        tuple[
            np.ndarray | int,
            float | np.ndarray | None,
            np.ndarray | int | None,
            np.ndarray | int | None,
        ]
    ],
    vt: int = OUT,
    provider: np.ndarray | None = None,
    dx: np.ndarray | int | None = None,
    same_date: bool = True,
) -> np.ndarray:
    """Outpatient/pharmacy settlements, one per person, each with the given lines.

    ``lines``: (item index, quantity or None, unit price li or None, days_supply or None);
    values may be arrays over persons. Unspecified values are drawn within every limit.
    """
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    pr: Providers = w.ctx["providers"]
    n = len(person)
    date = np.asarray(date, DAY)
    sid = w.seq("settlement", n)
    if provider is None:
        pool = np.flatnonzero(pr.ptype == (2 if vt == PHA else 1))
        provider = rng.choice(pool, n)
    if dx is None:
        dx = rng.choice(OUT_SAFE, n)
    dx = np.broadcast_to(np.asarray(dx), (n,))
    k = len(lines)
    item = np.stack([np.broadcast_to(np.asarray(it), (n,)) for it, *_ in lines], axis=1).ravel()
    qty, price, amount, days = _line_values(w, cat, item, drug_days=True)
    for j, (_, q, p, d) in enumerate(lines):
        sl = slice(j, None, k)
        if d is not None:
            days[sl] = np.broadcast_to(np.asarray(d), (n,))
        if q is not None:
            qty[sl] = np.broadcast_to(np.asarray(q, np.float32), (n,))
        if p is not None:
            price[sl] = np.broadcast_to(np.asarray(p, np.int64), (n,))
    amount = (qty.astype(np.int64) * price + 50) // 100
    owner = np.repeat(np.arange(n), k)
    line_no = np.tile(np.arange(1, k + 1), n)
    _emit_items(w, sid[owner], line_no, item, date[owner], qty, price, amount, days)
    total = amount.reshape(n, k).sum(axis=1)
    fund = (total * 7 + 5) // 10
    _emit_settlements(
        w, sid, np.asarray(person), provider, vt, date, date, dx, total, fund, mn_of(date)
    )
    return sid


def regular(w: World, kind: str = "drug") -> int:
    cat: Catalog = w.ctx["catalog"]
    pool = (
        cat.pool_drug
        if kind == "drug"
        else cat.pool_out[cat.category[cat.pool_out] == CATEGORIES.index(kind)]
    )
    return int(w.rng.choice(pool))


def hospitals_of_level(w: World, level: int | None = None) -> np.ndarray:
    pr: Providers = w.ctx["providers"]
    base = pr.ptype == 0
    if level is not None:
        base &= pr.level == level
    return np.flatnonzero(base & (np.arange(pr.ptype.size) < w.ctx["n_bg_providers"]))


def patients(w: World, n: int, age_lo: float = 30, age_hi: float = 70, male=None) -> np.ndarray:
    """Fresh insured residents with no other records."""
    idx = new_persons(w, n, age_lo, age_hi, male=male)
    resident_medical(w, idx)
    return idx


def single_exams(cat: Catalog) -> list[int]:
    """Exams billed at most once a day."""
    return [c for c in cat.pool_out if cat.category[c] == 1 and cat.max_daily[c] == 1]


def stay_dates(
    w: World, n: int, nights_lo: int = 3, nights_hi: int = 8, lo_day: int = 1, hi_day: int = 18
) -> tuple[np.ndarray, np.ndarray]:
    """Admission and discharge dates of n stays in the target period."""
    a = w.ps + td(w.rng.integers(lo_day, hi_day, n))
    return a, a + td(w.rng.integers(nights_lo, nights_hi, n))


def settled_after_death(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text
    ps = w.ps
    hosp = hospitals_of_level(w)
    code = "medical.settled_after_death"
    n = w.count(code)
    if n:
        idx = patients(w, n, 55, 85)
        death = ps + td(rng.integers(0, 20, n))
        death[0] = ps
        w.emit("deaths", person_id=idx, death_date=death, source="civil_affairs")
        d = death + td(np.where(np.arange(n) == 0, 1, rng.integers(1, 8, n)))
        visits(w, idx, d, [(regular(w), None, None, None), (regular(w, "exam"), None, None, None)])
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1, 55, 85)
    w.emit("deaths", person_id=idx, death_date=np.array([ps + td(9)]), source="cremation")
    visits(w, idx, np.array([ps + td(9)]), [(regular(w), None, None, None)])
    w.near_miss(code, "person", ids(idx), "visit on the day of death")
    idx = patients(w, 1, 55, 85)
    w.emit("deaths", person_id=idx, death_date=np.array([ps + td(12)]), source="civil_affairs")
    add_stays(
        w,
        idx,
        rng.choice(hosp, 1),
        np.array([ps + td(4)]),
        np.array([ps + td(12)]),
        np.array([DX_ID["I21.9"]]),
    )
    w.near_miss(code, "person", ids(idx), "died on the discharge day")


def overlapping_inpatient(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text
    hosp = hospitals_of_level(w)
    code = "medical.overlapping_inpatient"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        a1, d1 = stay_dates(w, n, 4, 9)
        a2 = np.where(np.arange(n) == 0, d1 - ONE_DAY, a1 + td(rng.integers(1, 3, n)))
        d2 = a2 + td(rng.integers(2, 6, n))
        p1 = rng.integers(0, hosp.size, n)
        p2 = (p1 + rng.integers(1, hosp.size, n)) % hosp.size
        add_stays(w, idx, hosp[p1], a1, d1, np.full(n, DX_ID["I50.9"]))
        add_stays(w, idx, hosp[p2], a2, d2, np.full(n, DX_ID["J44.1"]))
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    a1, d1 = stay_dates(w, 1, 4, 6)
    add_stays(w, idx, hosp[:1], a1, d1, np.array([DX_ID["I21.9"]]))
    add_stays(w, idx, hosp[1:2], d1, d1 + td(5), np.array([DX_ID["I21.9"]]))
    w.near_miss(code, "person", ids(idx), "transfer: discharge day = next admission")


def split_admission(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text
    ps = w.ps
    hosp = hospitals_of_level(w)
    code = "medical.split_admission"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        gap = np.where(np.arange(n) == 0, 15, rng.integers(0, 16, n))
        a2 = ps + td(rng.integers(0, 10, n))
        d1 = a2 - td(gap)
        a1 = d1 - td(rng.integers(3, 8, n))
        h = rng.choice(hosp, n)
        add_stays(w, idx, h, a1, d1, np.full(n, DX_ID["I63.9"]))
        add_stays(w, idx, h, a2, a2 + td(rng.integers(3, 8, n)), np.full(n, DX_ID["I63.5"]))
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    h = rng.choice(hosp, 1)
    add_stays(
        w, idx, h, np.array([ps - td(25)]), np.array([ps - td(20)]), np.array([DX_ID["I63.9"]])
    )
    add_stays(w, idx, h, np.array([ps - td(4)]), np.array([ps + td(3)]), np.array([DX_ID["I63.9"]]))
    w.near_miss(code, "person", ids(idx), "readmitted 16 days after discharge")
    idx = patients(w, 1)
    h = rng.choice(hosp, 1)
    starts = ps - td(40) + td(np.arange(6) * 12)
    add_stays(
        w, np.repeat(idx, 6), np.repeat(h, 6), starts, starts + td(2), np.full(6, DX_ID["Z51.1"])
    )
    w.near_miss(code, "person", ids(idx), "planned chemotherapy cycles (Z51)")


def sex_restricted_item(w: World) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    ids = w.people.id_text
    ps = w.ps
    code = "medical.sex_restricted_item"
    n = w.count(code)
    if n:
        male = np.arange(n) % 2 == 0
        idx = patients(w, n, 25, 60, male=male)
        item = np.where(male, cat.id("E0901"), cat.id("E0951"))
        visits(
            w,
            idx,
            ps + td(rng.integers(0, 28, n)),
            [(item, None, None, None), (regular(w), None, None, None)],
        )
        w.mark(code, "person", ids(idx))


def age_restricted_item(w: World) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    ids = w.people.id_text
    ps = w.ps
    code = "medical.age_restricted_item"
    n = w.count(code)
    if n:
        child = np.arange(n) % 2 == 0
        d = ps + td(rng.integers(0, 25, n))
        birth = np.where(child, add_months(d, -15 * 12), add_months(d, -60 * 12) + ONE_DAY)
        birth[~child & (np.arange(n) > 1)] += td(40)  # younger: 59 and some weeks
        birth[child & (np.arange(n) > 1)] -= td(100)  # older: 15 and some months
        idx = new_persons(w, n, birth=birth)
        resident_medical(w, idx)
        item = np.where(child, cat.id("D0801"), cat.id("E0851"))
        visits(w, idx, d, [(item, 1, None, 1)])
        w.mark(code, "person", ids(idx))
    d = np.array([ps + td(10)])
    idx = new_persons(w, 1, birth=add_months(d + ONE_DAY, -15 * 12))
    resident_medical(w, idx)
    visits(w, idx, d, [(cat.id("D0801"), 1, None, 1)])
    w.near_miss(code, "person", ids(idx), "aged 14 (15 the next day)")
    idx = new_persons(w, 1, birth=add_months(d, -60 * 12))
    resident_medical(w, idx)
    visits(w, idx, d, [(cat.id("E0851"), 1, None, None)])
    w.near_miss(code, "person", ids(idx), "60th birthday")


def excess_quantity(w: World) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    ids = w.people.id_text
    ps = w.ps
    code = "medical.excess_quantity"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        drug = cat.pool_drug[rng.integers(0, cat.pool_drug.size, n)]
        md = cat.max_daily[drug]
        by_days = np.arange(n) % 2 == 1
        days = np.where(by_days, 31, 7)
        qty = np.where(by_days, 31, md * 7 + 1)
        visits(w, idx, ps + td(rng.integers(0, 28, n)), [(drug, qty, None, days)], vt=PHA)
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    drug = int(cat.pool_drug[0])
    visits(
        w, idx, np.array([ps + td(5)]), [(drug, float(cat.max_daily[drug] * 30), None, 30)], vt=PHA
    )
    w.near_miss(code, "person", ids(idx), "30 days at the daily maximum")


def bed_days_exceed_stay(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text
    hosp = hospitals_of_level(w)
    code = "medical.bed_days_exceed_stay"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        a, d = stay_dates(w, n, 2, 9)
        add_stays(
            w,
            idx,
            rng.choice(hosp, n),
            a,
            d,
            np.full(n, DX_ID["J18.9"]),
            bed_extra_day=np.ones(n, np.int64),
        )
        w.mark(code, "person", ids(idx))


def duplicate_charge(w: World) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    ids = w.people.id_text
    ps = w.ps
    code = "medical.duplicate_charge"
    exam1 = single_exams(cat)
    n = w.count(code)
    if n:
        idx = patients(w, n)
        e = rng.choice(exam1, n)
        visits(
            w,
            idx,
            ps + td(rng.integers(0, 28, n)),
            [(e, 1, None, None), (e, 1, None, None), (regular(w), None, None, None)],
        )
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    t = cat.id("M0001")  # max 10 a day
    visits(w, idx, np.array([ps + td(3)]), [(t, 4, None, None), (t, 6, None, None)])
    w.near_miss(code, "person", ids(idx), "two lines summing to the daily maximum")


def price_above_cap(w: World) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    ids = w.people.id_text
    ps = w.ps
    exam1 = single_exams(cat)
    code = "medical.price_above_cap"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        e = rng.choice(exam1, n)
        price = np.where(
            np.arange(n) == 0,
            cat.cap_li[e] + 1,
            (cat.cap_li[e] * rng.uniform(1.1, 2.0, n)).astype(np.int64),
        )
        visits(w, idx, ps + td(rng.integers(0, 28, n)), [(e, 1, price, None)])
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    e = exam1[0]
    visits(w, idx, np.array([ps + td(3)]), [(e, 1, cat.cap_li[e], None)])
    w.near_miss(code, "person", ids(idx), "unit price exactly at the cap")


def frequent_visits(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text
    ps = w.ps
    code = "medical.frequent_visits"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        many = np.arange(n) % 2 == 0
        i1 = idx[many]
        k = np.where(np.arange(i1.size) == 0, 21, rng.integers(21, 26, i1.size))
        who = np.repeat(i1, k)
        day = ps + td(ranks(k))
        visits(w, who, day, [(regular(w), None, None, None)], vt=OUT)
        i2 = idx[~many]
        who = np.repeat(i2, 4)
        day = np.repeat(ps + td(rng.integers(0, 28, i2.size)), 4)
        clinics = np.flatnonzero(w.ctx["providers"].ptype == 1)
        prov = (
            np.concatenate([rng.choice(clinics, 4, replace=False) for _ in range(i2.size)])
            if i2.size
            else np.zeros(0, int)
        )
        visits(w, who, day, [(regular(w), None, None, None)], provider=prov)
        w.mark(code, "person", ids(idx))
    idx = patients(w, 2)
    visits(w, np.repeat(idx[:1], 20), ps + td(np.arange(20)), [(regular(w), None, None, None)])
    clinics = np.flatnonzero(w.ctx["providers"].ptype == 1)
    visits(
        w,
        np.repeat(idx[1:], 3),
        np.full(3, ps + td(6)),
        [(regular(w), None, None, None)],
        provider=rng.choice(clinics, 3, replace=False),
    )
    w.near_miss(code, "person", ids(idx[:1]), "20 visits")
    w.near_miss(code, "person", ids(idx[1:]), "3 providers on one day")


def fee_outside_stay(w: World) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    ids = w.people.id_text
    hosp = hospitals_of_level(w)
    code = "medical.fee_outside_stay"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        a, d = stay_dates(w, n, 3, 8)
        when = np.where(np.arange(n) % 2 == 0, d + ONE_DAY, a - ONE_DAY)
        drug = cat.pool_drug[rng.integers(0, cat.pool_drug.size, n)]
        add_stays(
            w,
            idx,
            rng.choice(hosp, n),
            a,
            d,
            np.full(n, DX_ID["K80.2"]),
            extra_items=[(drug, when)],
        )
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    a, d = stay_dates(w, 1, 3, 6)
    add_stays(
        w,
        idx,
        rng.choice(hosp, 1),
        a,
        d,
        np.array([DX_ID["K80.2"]]),
        extra_items=[(np.array([int(cat.pool_drug[3])]), d)],
    )
    w.near_miss(code, "person", ids(idx), "fee on the discharge day")


def conflicting_items(w: World) -> None:
    rng = w.rng
    cat: Catalog = w.ctx["catalog"]
    ids = w.people.id_text
    ps = w.ps
    hosp = hospitals_of_level(w)
    code = "medical.conflicting_items"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        kind = np.arange(n) % 3
        day = ps + td(rng.integers(0, 25, n))
        i0 = idx[kind == 0]
        visits(
            w,
            i0,
            day[kind == 0],
            [(cat.id("E0501"), 1, None, None), (cat.id("E0502"), 1, None, None)],
        )
        i1 = idx[kind == 1]
        visits(w, i1, day[kind == 1], [(cat.id("T0501"), 1, None, None)])
        visits(w, i1, day[kind == 1], [(cat.id("T0502"), 1, None, None)])
        i2 = idx[kind == 2]
        a, d = stay_dates(w, i2.size, 3, 8)
        add_stays(
            w,
            i2,
            rng.choice(hosp, i2.size),
            a,
            d,
            np.full(i2.size, DX_ID["J18.9"]),
            n_other=np.full(i2.size, 3),
            extra_items=[
                (np.full(i2.size, cat.id("T0511")), a),
                (np.full(i2.size, cat.id("T0512")), d),
            ],
        )
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    visits(w, idx, np.array([ps + td(3)]), [(cat.id("D0501"), None, None, None)])
    visits(w, idx, np.array([ps + td(4)]), [(cat.id("D0502"), None, None, None)])
    w.near_miss(code, "person", ids(idx), "same-day pair on consecutive days")


def visits_during_stay(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text
    hosp = hospitals_of_level(w)
    code = "medical.visits_during_stay"
    n = w.count(code)
    if n:
        idx = patients(w, n)
        a, d = stay_dates(w, n, 2, 8)
        v = np.where(np.arange(n) == 0, a + ONE_DAY, random_dates(rng, a + ONE_DAY, d - ONE_DAY))
        add_stays(w, idx, rng.choice(hosp, n), a, d, np.full(n, DX_ID["E11.6"]))
        visits(w, idx, v, [(regular(w), None, None, None)], vt=PHA)
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1)
    a, d = stay_dates(w, 1, 3, 6)
    add_stays(w, idx, rng.choice(hosp, 1), a, d, np.array([DX_ID["E11.6"]]))
    visits(w, idx, d, [(regular(w), None, None, None)], vt=PHA)
    w.near_miss(code, "person", ids(idx), "pharmacy on the discharge day")


def settled_during_incarceration(w: World) -> None:
    rng = w.rng
    ids = w.people.id_text
    ps = w.ps
    code = "medical.settled_during_incarceration"
    n = w.count(code)
    if n:
        idx = patients(w, n, 20, 50)
        start = np.where(np.arange(n) == 0, ps + td(2), ps - td(rng.integers(1, 60, n)))
        w.emit(
            "incarcerations",
            person_id=idx,
            start_date=start,
            end_date=np.full(n, np.datetime64("NaT"), DAY),
        )
        v = np.where(np.arange(n) == 0, start + ONE_DAY, ps + td(rng.integers(3, 25, n)))
        visits(w, idx, v, [(regular(w), None, None, None)])
        w.mark(code, "person", ids(idx))
    idx = patients(w, 1, 20, 50)
    w.emit(
        "incarcerations",
        person_id=idx,
        start_date=np.array([ps + td(8)]),
        end_date=np.array([np.datetime64("NaT")], DAY),
    )
    visits(w, idx, np.array([ps + td(8)]), [(regular(w), None, None, None)])
    w.near_miss(code, "person", ids(idx), "visit on the day of entry")


def provider_cost_outlier(w: World) -> None:
    rng = w.rng
    code = "medical.provider_cost_outlier"
    n = min(w.count(code), 3)
    pr: Providers = w.ctx["providers"]
    marks = []
    for lv in range(1, n + 1):
        h = pr.add_hospital(
            lv, int(rng.choice(DISTRICTS)), f"天津{['', '一级', '二级', '三级'][lv]}医院(新)"
        )
        k = int(rng.integers(3, 7))
        idx = patients(w, k)
        a, d = stay_dates(w, k, 3, 8)
        add_stays(
            w,
            idx,
            np.full(k, h),
            a,
            d,
            np.full(k, DX_ID["J18.9"]),
            fixed_fund=np.zeros(k, np.int64),
        )
        marks.append(pr.ids[h])
    w.mark(code, "provider", marks)


PLANTS: dict[str, Plant] = {
    "medical.settled_after_death": settled_after_death,
    "medical.overlapping_inpatient": overlapping_inpatient,
    "medical.split_admission": split_admission,
    "medical.sex_restricted_item": sex_restricted_item,
    "medical.age_restricted_item": age_restricted_item,
    "medical.excess_quantity": excess_quantity,
    "medical.bed_days_exceed_stay": bed_days_exceed_stay,
    "medical.duplicate_charge": duplicate_charge,
    "medical.price_above_cap": price_above_cap,
    "medical.frequent_visits": frequent_visits,
    "medical.fee_outside_stay": fee_outside_stay,
    "medical.conflicting_items": conflicting_items,
    "medical.visits_during_stay": visits_during_stay,
    "medical.settled_during_incarceration": settled_during_incarceration,
    "medical.provider_cost_outlier": provider_cost_outlier,
}


def outpatient_visits(w: World, idx: np.ndarray, dates: np.ndarray, icd10: np.ndarray) -> None:
    """One outpatient visit per person on the date, coded with the ICD-10 diagnosis, billing a
    regular drug (a service other parts use: the injury plugin's double claims)."""
    dx = np.array([DX_ID[str(d)] for d in np.asarray(icd10)])
    visits(w, idx, dates, [(regular(w), None, None, None)], dx=dx)


def inpatient_stays(w: World, idx: np.ndarray, admit: np.ndarray, discharge: np.ndarray) -> None:
    """One inpatient stay per person at a background hospital, admitted and discharged on the
    given days of one month (a service other parts use: the ltc plugin's care in hospital)."""
    hosp = hospitals_of_level(w)
    n = len(idx)
    add_stays(w, idx, w.rng.choice(hosp, n), admit, discharge, np.full(n, DX_ID["I63.9"]))


PART = SynthPart(
    name="medical",
    setup=setup,
    background=background,
    plants=PLANTS,
    flush=finalize,
    finish=finish,
    shuffled=("providers",),
    rates={"medical.provider_cost_outlier": 1e-6},
    services={
        "medical.outpatient_visits": outpatient_visits,
        "medical.inpatient_stays": inpatient_stays,
    },
    after=("injury",),
)
