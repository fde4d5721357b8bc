"""Bar charts as data for server-rendered SVG (templates/dashboard/_charts.html draws them).

Geometry is computed here; the template prints labels through Jinja's autoescaping, so a name
such as `<script>` shows as text and never becomes markup.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

LABEL_CHARS = 30


@dataclass
class Bar:
    """One row of a chart: a track for the total and a fill for the value."""

    label: str
    full_label: str
    text: str
    y: int
    track: float
    fill: float
    over: bool


@dataclass
class Chart:
    """A horizontal bar chart."""

    id: str
    title: str
    bars: list[Bar] = field(default_factory=list)
    width: int = 680
    label_width: int = 215
    text_width: int = 165
    row: int = 30

    @property
    def height(self) -> int:
        """Return the drawing's height."""
        return max(len(self.bars), 1) * self.row + 6

    @property
    def plot_x(self) -> int:
        """Return where the bars start."""
        return self.label_width

    @property
    def plot_width(self) -> int:
        """Return the room the longest bar may take."""
        return self.width - self.label_width - self.text_width


def shorten(label: str, limit: int = LABEL_CHARS) -> str:
    """Cut a label to fit beside the bars (the full label stays in the tooltip)."""
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    chart_id: str, title: str, rows: Iterable[tuple[str, float, float, str]], width: int = 680
) -> Chart:
    """Build a chart from (label, value, total, text) rows; bars share one scale."""
    rows = list(rows)
    chart = Chart(id=chart_id, title=title, width=width)
    scale = max([max(v, t) for _, v, t, _ in rows] + [1])
    for i, (label, value, total, text) in enumerate(rows):
        chart.bars.append(
            Bar(
                label=shorten(label),
                full_label=str(label),
                text=text,
                y=i * chart.row + 3,
                track=round(max(total, 0) / scale * chart.plot_width, 1),
                fill=round(min(max(value, 0), scale) / scale * chart.plot_width, 1),
                over=total > 0 and value > total,
            )
        )
    return chart
