"""The workbook's charts: stacked bars under their table, placed so that they
print within the tables' width (reports/render/xlsx.py writes the tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import pgettext
from openpyxl.chart import BarChart, Reference

if TYPE_CHECKING:
    from .xlsx import SheetWriter


def bar_chart_height(rows: int) -> float:
    """A stacked bar chart's height in centimetres for `rows` bars."""
    return max(6.0, 1.2 * rows + 3.5)


def axes_visible(chart):
    # Newer Excel hides an axis whose <c:delete> is left out.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def stacked_bar_chart(
    writer: SheetWriter, title: str, header: int, last: int, first_col: int, colours
):
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = title
    chart.y_axis.title = pgettext("count of tasks", "Tasks")
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first row on top, as in the table
    sheet = writer.sheet
    data = Reference(
        sheet,
        min_col=first_col,
        max_col=first_col + len(colours) - 1,
        min_row=header,
        max_row=last,
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    for series, colour in zip(chart.series, colours, strict=False):
        series.graphicalProperties.solidFill = colour.lstrip("#")
        series.graphicalProperties.line.solidFill = colour.lstrip("#")
    axes_visible(chart)
    chart.height = bar_chart_height(last - header)
    chart.width = 18
    return chart


def chart_below(writer: SheetWriter, chart, rows: float):
    """The chart under the table just written, from column A: it prints within
    the width of the tables instead of past their right edge."""
    writer.gap()
    writer.sheet.add_chart(chart, f"A{writer.row + 1}")
    writer.gap(round(rows) + 1)


def chart_rows(rows: int) -> float:
    """How many sheet rows a stacked bar chart of `rows` bars covers."""
    return bar_chart_height(rows) / 0.53 + 1
