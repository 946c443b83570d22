"""What a report workbook's cells hold beyond plain text: kinds the sheet
writer formats (a percent, a local time, a day) and snapshot decimals as
numbers. Shared by the workbook's sheet modules."""

from __future__ import annotations

from .formatting import to_date, to_datetime, to_decimal


class Percent(float):
    """A rate given in percent (43.5) to be written as a fraction (0.435)."""


class Stamp:
    """A date-time to write as a local (Beijing) wall time."""

    def __init__(self, value):
        moment = to_datetime(value)
        self.value = moment.replace(tzinfo=None) if moment else None


class Day:
    def __init__(self, value):
        self.value = to_date(value)


def as_number(value):
    """A decimal string from the snapshot as an int or a float cell."""
    number = to_decimal(value)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)
