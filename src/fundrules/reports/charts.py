"""Charts as inline SVG, drawn here: a report that opens offline needs no chart library.

Each function returns a :class:`Chart` whose markup is built from escaped text and computed
numbers only. Bar lengths are computed in exact arithmetic (Decimal or int): money never passes
through float, even on its way to a pixel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

FONT = (
    "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei',"
    "'PingFang SC','WenQuanYi Micro Hei',sans-serif"
)
PALETTE = (
    "#2f6db5",
    "#e07b39",
    "#4a9d5b",
    "#c2414b",
    "#8a63b8",
    "#2a9ca3",
    "#b58a2f",
    "#6b7a8f",
    "#d4679a",
    "#7f9c2f",
)
WIDTH = 760
LABEL_WIDTH = 270
VALUE_WIDTH = 150
ROW = 26
MAX_LABEL = 20


@dataclass(frozen=True)
class Chart:
    """An SVG chart ready to place in a page (its text already escaped)."""

    title: str
    svg: str


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (exact) and the text shown beside it."""

    label: str
    value: Decimal | int
    text: str


def _px(value: Decimal | int, largest: Decimal | int, span: int) -> int:
    if not largest or largest <= 0 or value <= 0:
        return 0
    return max(1, int((Decimal(value) * span / Decimal(largest)).to_integral_value(ROUND_HALF_UP)))


def _label(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(title: str, width: int, height: int, body: list[str]) -> Chart:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{escape(FONT)}" font-size="13">'
        f"<title>{escape(title)}</title>"
    )
    return Chart(title=title, svg=head + "".join(body) + "</svg>")


def _empty(title: str) -> Chart:
    return _svg(
        title,
        WIDTH,
        40,
        ['<text x="8" y="25" fill="#777">无数据 (no data)</text>'],
    )


def bar_chart(title: str, bars: Sequence[Bar], *, color: str = PALETTE[0]) -> Chart:
    """Horizontal bars, one row per item, the label on the left and the text on the right."""
    if not bars:
        return _empty(title)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max(b.value for b in bars)
    body = []
    for i, b in enumerate(bars):
        y = i * ROW + 6
        w = _px(b.value, largest, span)
        body.append(
            f"<g><title>{escape(b.label)}: {escape(b.text)}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(_label(b.label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{w}" height="{ROW - 8}" '
            f'fill="{color}" rx="2"/>'
            f'<text x="{LABEL_WIDTH + w + 6}" y="{y + 16}" fill="#333">{escape(b.text)}</text>'
            "</g>"
        )
    return _svg(title, WIDTH, len(bars) * ROW + 12, body)


def stacked_bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    *,
    series_labels: dict[str, str] | None = None,
) -> Chart:
    """Horizontal stacked bars: per row, segments (series, count) in a shared colour legend."""
    rows = [(label, [(s, n) for s, n in segs if n > 0]) for label, segs in rows]
    rows = [r for r in rows if r[1]]
    if not rows:
        return _empty(title)
    series: list[str] = []
    for _, segs in rows:
        for s, _n in segs:
            if s not in series:
                series.append(s)
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    names = series_labels or {}
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max(sum(n for _, n in segs) for _, segs in rows)
    body = []
    for i, (label, segs) in enumerate(rows):
        y = i * ROW + 6
        x = LABEL_WIDTH
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_label(label))}</text>"
        )
        total = 0
        for s, n in segs:
            w = _px(total + n, largest, span) - _px(total, largest, span)
            total += n
            body.append(
                f'<rect x="{x}" y="{y + 3}" width="{w}" height="{ROW - 8}" fill="{colour[s]}">'
                f"<title>{escape(label)} · {escape(names.get(s, s))}: {n}</title></rect>"
            )
            x += w
        body.append(f'<text x="{x + 6}" y="{y + 16}" fill="#333">{total}</text>')
    legend_y = len(rows) * ROW + 14
    lx = LABEL_WIDTH
    line = 0
    for s in series:
        text = names.get(s, s)
        step = 28 + 14 * len(text)
        if lx + step > WIDTH:
            lx, line = LABEL_WIDTH, line + 1
        y = legend_y + line * 20
        body.append(
            f'<rect x="{lx}" y="{y}" width="12" height="12" fill="{colour[s]}"/>'
            f'<text x="{lx + 16}" y="{y + 11}" font-size="12">{escape(text)}</text>'
        )
        lx += step
    return _svg(title, WIDTH, legend_y + (line + 1) * 20 + 6, body)


def column_chart(title: str, bars: Sequence[Bar], *, highlight: str | None = None) -> Chart:
    """Vertical columns in order (months), the text above each, the label below; the column
    named ``highlight`` (the month reported) in a second colour."""
    if not bars:
        return _empty(title)
    height = 220
    top, bottom = 24, 36
    span = height - top - bottom
    step = min(96, (WIDTH - 20) // len(bars))
    largest = max(b.value for b in bars)
    body = [
        f'<line x1="10" y1="{height - bottom}" x2="{10 + step * len(bars)}" '
        f'y2="{height - bottom}" stroke="#999"/>'
    ]
    for i, b in enumerate(bars):
        h = _px(b.value, largest, span)
        x = 10 + i * step
        fill = PALETTE[1] if b.label == highlight else PALETTE[0]
        cx = x + step // 2
        body.append(
            f"<g><title>{escape(b.label)}: {escape(b.text)}</title>"
            f'<rect x="{x + 6}" y="{height - bottom - h}" width="{step - 12}" height="{h}" '
            f'fill="{fill}" rx="2"/>'
            f'<text x="{cx}" y="{height - bottom - h - 6}" text-anchor="middle" font-size="11">'
            f"{escape(b.text)}</text>"
            f'<text x="{cx}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{escape(b.label)}</text></g>"
        )
    return _svg(title, max(WIDTH, 20 + step * len(bars)), height, body)
