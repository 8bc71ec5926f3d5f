"""Server-side SVG charts: plain markup, no script, readable in a PDF and by a screen reader."""

from django.utils.html import escape

BAR_HEIGHT = 22
LABEL_CHARACTERS = 30  # what fits in LABEL_WIDTH at 13 px; longer labels are cut, whole in <desc>
GAP = 8
LABEL_WIDTH = 230
BAR_AREA = 360
FILL = "#005ea2"  # 7:1 against white


def bar_chart_svg(title: str, bars: list[tuple[str, int]], *, description: str = "") -> str:
    """Return an inline SVG horizontal bar chart with a title, a description and value labels."""
    bars = [(str(label), int(value)) for label, value in bars]
    biggest = max((value for _, value in bars), default=0) or 1
    height = max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + 60
    summary = description or "; ".join(f"{label}: {value}" for label, value in bars) or "No data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>",
    ]
    if not bars:
        parts.append(
            f'<text x="0" y="{BAR_HEIGHT}" font-size="14" fill="#1b1b1b">No activity in this period.</text>'
        )
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_AREA * value / biggest) if value else 0
        short = label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1b1b1b">'
            f"{escape(short)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{FILL}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}" font-size="13" fill="#1b1b1b">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
