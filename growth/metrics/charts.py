"""Bar charts as inline SVG, drawn on the server: no script, no CDN, no inline style.

Only SVG presentation attributes are used, so the page's Content Security
Policy (no inline styles) holds. Every chart is shown beside a table of its
numbers, which is what screen readers read (the SVG is ``aria-hidden``).
"""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 360, 200
LEFT, BOTTOM, TOP = 44, 22, 10
BAR, MARK = "#c8102e", "#1a7f37"


def _nice_max(value):
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(points, *, marks=(), label=""):
    """``points``: [(label, value)]; ``marks``: indexes of bars with a learning milestone."""
    if not points:
        return ""
    top = _nice_max(max(float(v) for _l, v in points))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / len(points)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-hidden="true"'
            ' focusable="false" preserveAspectRatio="xMidYMid meet"><title>{}</title>',
            WIDTH,
            HEIGHT,
            label,
        )
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d0d7de" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#57606a">{}</text>',
                LEFT,
                WIDTH - 8,
                round(y, 1),
                round(y, 1),
                LEFT - 6,
                round(y + 4, 1),
                _short(top * fraction),
            )
        )
    marks = set(marks)
    for i, (name, value) in enumerate(points):
        h = plot_h * float(value) / top
        x = LEFT + i * slot + slot * 0.15
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"/>',
                round(x, 1),
                round(TOP + plot_h - h, 1),
                round(slot * 0.7, 1),
                round(h, 1),
                BAR,
            )
        )
        if i in marks:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="6" fill="{}"/>',
                    round(x + slot * 0.35, 1),
                    TOP + 6,
                    MARK,
                )
            )
        if len(points) <= 6 or i % 2 == (len(points) - 1) % 2:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="9" text-anchor="middle"'
                    ' fill="#57606a">{}</text>',
                    round(x + slot * 0.35, 1),
                    HEIGHT - 8,
                    name,
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped above


def _short(value):
    return escape(f"{value:,.0f}")
