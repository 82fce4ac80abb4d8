"""Vectorized identifiers: resident IDs (GB 11643), credit codes (GB 32100), sequential ids.

Check characters are computed over whole arrays; tests hold them to python-stdnum.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .dates import to_yyyymmdd

RIC_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array(
    [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64
)
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ALPHA = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
_ALPHA_VALUE = np.full(256, -1, dtype=np.int64)
_ALPHA_VALUE[_ALPHA] = np.arange(31)


_QUADS = np.array([[(v // 10**k) % 10 for k in (3, 2, 1, 0)] for v in range(10000)], dtype=np.uint8)


def _digits(x: np.ndarray, width: int) -> np.ndarray:
    """(n, width) matrix of decimal digit values of non-negative ints (4 digits a step)."""
    x = np.asarray(x, dtype=np.int64).copy()
    out = np.empty((x.size, width), dtype=np.uint8)
    j = width
    while j > 0:
        k = min(4, j)
        q = x % 10000
        out[:, j - k : j] = _QUADS[q][:, 4 - k :]
        x //= 10000
        j -= k
    return out


def ric_check_values(digits17: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check value (0..10, 10 = 'X') of (n, 17) digit values."""
    s = digits17.astype(np.int64) @ RIC_WEIGHTS
    return (12 - s % 11) % 11


def ric_ids(region: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """Build 18-char resident IDs as a numpy ``S18`` array."""
    d = np.concatenate(
        [_digits(region, 6), _digits(to_yyyymmdd(birth), 8), _digits(seq, 3)], axis=1
    )
    chk = ric_check_values(d)
    out = np.empty((d.shape[0], 18), dtype=np.uint8)
    out[:, :17] = d + 48
    out[:, 17] = np.where(chk == 10, ord("X"), chk + 48)
    return out.view("S18").ravel()


def ric_valid_check(ids: np.ndarray) -> np.ndarray:
    """True where the check character of an ``S18`` ID array is right (format assumed)."""
    m = np.frombuffer(np.ascontiguousarray(ids, dtype="S18").tobytes(), dtype=np.uint8)
    m = m.reshape(-1, 18)
    chk = ric_check_values(m[:, :17] - 48)
    want = np.where(chk == 10, ord("X"), chk + 48)
    return m[:, 17] == want


def corrupt_ric(ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Replace each ID's check character by a different, wrong one."""
    m = np.frombuffer(np.ascontiguousarray(ids, dtype="S18").tobytes(), dtype=np.uint8)
    m = m.reshape(-1, 18).copy()
    chk = ric_check_values(m[:, :17] - 48)
    bad = (chk + 1 + rng.integers(0, 10, m.shape[0])) % 11
    m[:, 17] = np.where(bad == 10, ord("X"), bad + 48)
    return m.view("S18").ravel()


def uscc_check_values(values17: np.ndarray) -> np.ndarray:
    """GB 32100 check value (index into the alphabet) of (n, 17) alphabet values."""
    s = values17.astype(np.int64) @ USCC_WEIGHTS
    return (31 - s % 31) % 31


def uscc_codes(
    rng: np.random.Generator, region: np.ndarray, letter_share: float = 0.15
) -> np.ndarray:
    """Random valid unified social credit codes (``S18``) for the given region codes.

    The organisation-code part (positions 9-17) carries a valid GB 11714 check as real
    codes do; some bodies hold letters, to exercise the alphabet.
    """
    n = len(region)
    auth = np.where(rng.random(n) < 0.97, 9, 1)  # 9 = market regulation, 1 = institutions
    kind = np.where(auth == 9, np.where(rng.random(n) < 0.85, 1, 2), 1)
    body = rng.integers(0, 10, (n, 8))
    letters = rng.random((n, 8)) < letter_share / 8
    letters[:, 0] |= rng.random(n) < letter_share  # letters mostly up front, as in practice
    lv = rng.integers(10, 31, (n, 8))  # alphabet values of letters A..Y (no I O Z S V)
    body = np.where(letters, lv, body)
    # GB 11714 check over the body: char values (digits, A=10 .. Z=35 by ASCII)
    ascii_body = _ALPHA[body]
    gbval = np.where(ascii_body >= 65, ascii_body.astype(np.int64) - 55, ascii_body - 48)
    c = 11 - (gbval @ ORG_WEIGHTS) % 11
    org_chk = np.where(c == 11, 0, c)  # 10 -> 'X'
    org_chk_val = np.where(org_chk == 10, _ALPHA_VALUE[ord("X")], org_chk)
    vals = np.concatenate(
        [auth[:, None], kind[:, None], _digits(region, 6), body, org_chk_val[:, None]], axis=1
    )
    chk = uscc_check_values(vals)
    out = _ALPHA[np.concatenate([vals, chk[:, None]], axis=1)]
    return np.ascontiguousarray(out).view("S18").ravel()


def uscc_valid_check(codes: np.ndarray) -> np.ndarray:
    m = np.frombuffer(np.ascontiguousarray(codes, dtype="S18").tobytes(), dtype=np.uint8)
    m = m.reshape(-1, 18)
    vals = _ALPHA_VALUE[m]
    ok = (vals >= 0).all(axis=1)
    chk = uscc_check_values(np.where(vals[:, :17] < 0, 0, vals[:, :17]))
    return ok & (chk == vals[:, 17])


def corrupt_uscc(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    m = np.frombuffer(np.ascontiguousarray(codes, dtype="S18").tobytes(), dtype=np.uint8)
    m = m.reshape(-1, 18).copy()
    chk = uscc_check_values(_ALPHA_VALUE[m[:, :17]])
    bad = (chk + 1 + rng.integers(0, 30, m.shape[0])) % 31
    m[:, 17] = _ALPHA[bad]
    return m.view("S18").ravel()


def fixed_strings(codes: np.ndarray) -> pa.StringArray:
    """Arrow string array from a fixed-width ``S`` numpy array, without Python objects."""
    codes = np.ascontiguousarray(codes)
    width = codes.dtype.itemsize
    n = codes.size
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(codes.tobytes())
    ).cast(pa.string())


def prefixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """``prefix`` + zero-padded numbers, as an arrow string array."""
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    n = len(numbers)
    m = np.empty((n, len(p) + width), dtype=np.uint8)
    m[:, : len(p)] = p
    m[:, len(p) :] = _digits(numbers, width) + 48
    return fixed_strings(m.view(f"S{len(p) + width}").ravel())


def prefixed_numpy(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Same as :func:`prefixed_ids`, as a numpy unicode array (small arrays)."""
    return np.asarray(prefixed_ids(prefix, numbers, width).to_pylist(), dtype=object).astype(str)


class PersonIdFactory:
    """Hands out unique resident IDs; sequence parity encodes sex."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._sorted = np.empty(0, dtype=np.int64)
        self._extra: set[int] = set()

    @staticmethod
    def _key(region: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
        return (np.asarray(region, np.int64) * 10**8 + to_yyyymmdd(birth)) * 1000 + seq

    def _taken(self, keys: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self._sorted, keys)
        pos = np.minimum(pos, max(self._sorted.size - 1, 0))
        hit = self._sorted[pos] == keys if self._sorted.size else np.zeros(keys.size, bool)
        if self._extra:
            hit |= np.fromiter((int(k) in self._extra for k in keys), bool, keys.size)
        return hit

    def new(self, region: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
        n = len(birth)
        region = np.broadcast_to(np.asarray(region, np.int64), (n,))
        seq = np.zeros(n, dtype=np.int64)
        todo = np.arange(n)
        keys = np.zeros(n, dtype=np.int64)
        while todo.size:
            r = self.rng.integers(0, 499, todo.size)
            seq[todo] = np.where(male[todo], 2 * r + 1, 2 * r + 2)
            keys[todo] = self._key(region[todo], birth[todo], seq[todo])
            dup_in_batch = np.zeros(n, bool)
            order = np.argsort(keys, kind="stable")
            sk = keys[order]
            d = np.zeros(n, bool)
            d[1:] = sk[1:] == sk[:-1]
            dup_in_batch[order[d]] = True
            bad = dup_in_batch[todo] | self._taken(keys[todo])
            todo = todo[bad]
        if n > 1000 or self._sorted.size == 0:
            self._sorted = np.sort(np.concatenate([self._sorted, keys]))
        else:
            self._extra.update(int(k) for k in keys)
        return ric_ids(region, birth, seq)


class EmployerIdFactory:
    """Hands out unique valid credit codes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._seen: set[bytes] = set()
        self._sorted = np.empty(0, dtype="S18")

    def new(self, region: np.ndarray) -> np.ndarray:
        region = np.asarray(region, np.int64)
        out = uscc_codes(self.rng, region)
        while True:
            _, first = np.unique(out, return_index=True)
            dup = np.ones(out.size, bool)
            dup[first] = False
            if self._sorted.size:
                pos = np.minimum(np.searchsorted(self._sorted, out), self._sorted.size - 1)
                dup |= self._sorted[pos] == out
            if self._seen:
                dup |= np.fromiter((c in self._seen for c in out.tolist()), bool, out.size)
            if not dup.any():
                break
            out[dup] = uscc_codes(self.rng, region[dup])
        if out.size > 1000 or self._sorted.size == 0:
            self._sorted = np.sort(np.concatenate([self._sorted, out]))
        else:
            self._seen.update(out.tolist())
        return out
