"""A problem found in a file: where (sheet, row, column) and what, in both of
the service's languages, so the page, the command and a stored job can show it
to whoever reads it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation

from .columns import SHEET_EN, SHEETS

LANGUAGES = ("zh-hans", "en")


class FileRefused(Exception):
    """The file as a whole is refused (size, macros, encryption, …): nothing of
    it was read."""

    def __init__(self, message, **params):
        self.message = message
        self.params = params
        super().__init__(render(message, params, "en"))

    def texts(self) -> dict[str, str]:
        return {lang: render(self.message, self.params, lang) for lang in LANGUAGES}


def render(message, params: dict, language: str) -> str:
    with translation.override(language):
        text = str(message)
        return text % {k: str(v) for k, v in params.items()} if params else text


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None  # the column's key; None for the row or the sheet
    message: object  # a lazy translatable string
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        heading = None
        if self.column is not None and self.sheet in SHEETS:
            heading = next(
                (c for c in SHEETS[self.sheet] if c.key == self.column), None
            )
        return {
            "sheet": self.sheet,
            "sheet_en": SHEET_EN.get(self.sheet, self.sheet),
            "row": self.row,
            "column": self.column,
            "column_zh": heading.zh if heading else (self.column or ""),
            "column_en": heading.en if heading else (self.column or ""),
            "zh": render(self.message, self.params, "zh-hans"),
            "en": render(self.message, self.params, "en"),
        }
