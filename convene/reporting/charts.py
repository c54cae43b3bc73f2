"""Server-drawn bar charts: accessible SVG, no JavaScript (issue 13).

Each chart is ``role="img"`` with a ``<title>`` and ``<desc>`` that say what it shows; the
same figures are in the table beneath it, which is what a screen reader user reads.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = 22
GAP = 8
LABEL_WIDTH = 260
PLOT_WIDTH = 380
WIDTH = LABEL_WIDTH + PLOT_WIDTH + 60


def bar_chart(
    *, chart_id: str, title: str, points: list[tuple[str, float]], measure: str
) -> SafeString:
    """A horizontal bar per point, scaled to the largest value (or to 100 for percentages)."""
    top = 100.0 if measure.startswith("%") else max([v for _, v in points] + [1.0])
    height = max(len(points), 1) * (BAR + GAP) + GAP
    described = "; ".join(f"{label}: {_number(value)}" for label, value in points) or "No data"
    parts = [
        f'<svg class="convene-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(measure)}. {escape(described)}</desc>',
    ]
    for index, (label, value) in enumerate(points):
        y = GAP + index * (BAR + GAP)
        width = 0 if top == 0 else round(PLOT_WIDTH * value / top, 1)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR * 0.7}" text-anchor="end" '
            f'font-size="14" fill="#0b0c0c">{escape(label[:38])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" fill="#1d70b8"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR * 0.7}" font-size="14" '
            f'fill="#0b0c0c">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
