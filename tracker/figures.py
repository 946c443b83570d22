"""A figure as people write it: the number, its unit and, for a lower bound,
the words the article uses ("超过1500公里", "200余辆"). One function, used by
the pages, the API and the reports, so that a figure reads the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from charts.formatting import plain_number

from .choices import LOWER_BOUNDS, Qualifier


def is_lower_bound(qualifier: str | None) -> bool:
    return qualifier in LOWER_BOUNDS


def _joined(number: str, unit: str) -> str:
    # Chinese units and the per cent sign follow the number directly; a Latin
    # unit ("Gbps") takes a space.
    if not unit:
        return number
    if unit == "%" or not unit[0].isascii():
        return f"{number}{unit}"
    return f"{number} {unit}"


def figure_text(
    value: Decimal | str | None, unit: str = "", qualifier: str | None = None
) -> str:
    """`value` in `unit` with its qualifier, in the active language; "—" when
    there is no value. Old report snapshots carry no qualifier: exact."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, str) else plain_number(value)
    if qualifier == Qualifier.MORE_THAN:
        # Translators: a lower bound, as in 超过1500公里; amount is number and unit.
        return _("more than %(amount)s") % {"amount": _joined(number, unit)}
    if qualifier == Qualifier.ODD:
        # Translators: a lower bound written with 余, as in 200余辆.
        return (_("%(number)s-odd %(unit)s") % {"number": number, "unit": unit}).strip()
    return _joined(number, unit)
