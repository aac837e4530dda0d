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
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 8) / len(points)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-hidden="true"'
            ' focusable="false" preserveAspectRatio="xMidYMid meet"><title>{}</title>',
            WIDTH,
            HEIGHT,
            label,
        )
    ]
    parts += [_grid_line(TOP + plot_h * (1 - fraction), top * fraction) for fraction in (0, 0.5, 1)]
    marks = set(marks)
    for i, (name, value) in enumerate(points):
        x = LEFT + i * slot + slot * 0.15
        labelled = len(points) <= 6 or i % 2 == (len(points) - 1) % 2
        parts += _bar(x, slot, plot_h * float(value) / top, name if labelled else None, i in marks)
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped


def _grid_line(y, value):
    """A horizontal guide at ``y`` with its value on the left."""
    return format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d0d7de" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#57606a">{}</text>',
        LEFT,
        WIDTH - 8,
        round(y, 1),
        round(y, 1),
        LEFT - 6,
        round(y + 4, 1),
        _short(value),
    )


def _bar(x, slot, height, name, marked):
    """One bar of ``height``, its milestone dot if ``marked``, and its label unless None."""
    middle = round(x + slot * 0.35, 1)
    parts = [
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"/>',
            round(x, 1),
            round(TOP + HEIGHT - BOTTOM - TOP - height, 1),
            round(slot * 0.7, 1),
            round(height, 1),
            BAR,
        )
    ]
    if marked:
        parts.append(
            format_html('<circle cx="{}" cy="{}" r="6" fill="{}"/>', middle, TOP + 6, MARK)
        )
    if name is not None:
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="#57606a">{}</text>',
                middle,
                HEIGHT - 8,
                name,
            )
        )
    return parts


def _short(value):
    return escape(f"{value:,.0f}")
