"""Horizontal bar charts drawn as SVG on the server: no script, no outside library.

Each chart is a list of bars (label, value, width in SVG units proportional to the largest
value); the template draws them and prints the same figures as a table for screen readers.
"""

from decimal import Decimal

WIDTH = 320  # the longest bar, in SVG units
ROW = 24  # the height of one bar's row


def bars(
    items: list[tuple[str, Decimal | int]], *, total: list[Decimal] | None = None, width: int = WIDTH, row: int = ROW
) -> dict:
    """A chart of `items`; with `total`, each bar shows its value against its own total (e.g. committed of budget)."""
    scale_values = [float(value) for _label, value in items] + [float(t) for t in (total or [])]
    largest = max(scale_values, default=0) or 1
    rows = []
    for index, (label, value) in enumerate(items):
        bar = {
            "label": str(label),
            "value": value,
            "width": round(float(value) * width / largest, 1),
            "y": index * row,
            "text_y": index * row + 16,
        }
        if total is not None:
            bar["total"] = total[index]
            bar["total_width"] = round(float(total[index]) * width / largest, 1)
        rows.append(bar)
    return {"rows": rows, "height": max(len(rows), 1) * row, "width": width}
