"""Input of the park pages' action forms: the party's values with evidence,
the paired party's query or agreement, the joint office's score, adjustment
and publication.

The forms check shapes (a number, a file of an accepted kind, a figure of the
cycle); who may act and when is the services' (parks.services), whose errors
`add_service_errors` puts back on the form. Each form carries the version of
the assessment (or, to publish, of the cycle) it was rendered from, sent to
the service as `expected_version`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from config.api.uploads import max_bytes, megabytes
from tracker.forms import TEXT_MAX, ActionForm, EvidenceFilesField
from tracker.services.evidence import max_files

from .models import SCORE, VALUE


def value_field(code: str) -> str:
    return f"value_{code}"


def lower_field(code: str) -> str:
    return f"lower_{code}"


def note_field(code: str) -> str:
    return f"note_{code}"


class SubmitForm(ActionForm):
    """The park's values, one per indicator of the cycle, with evidence.
    Each value may be marked as a lower bound ("more than"), as the source
    states it."""

    workflow_action = "submit"
    evidence_files = EvidenceFilesField(label=_("Evidence files"))
    service_fields = {"evidence": "evidence_files", "values": "__all__"}

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        fields = {}
        for indicator in self.indicators:
            code = indicator.code
            unit = f"（{indicator.unit}）" if indicator.unit else ""
            fields[value_field(code)] = forms.DecimalField(
                label=f"{indicator.name}{unit}",
                max_digits=VALUE["max_digits"],
                decimal_places=VALUE["decimal_places"],
                error_messages={"required": _("Enter the value of this indicator.")},
            )
            fields[lower_field(code)] = forms.BooleanField(
                label=_("More than this value (a lower bound)"), required=False
            )
            fields[note_field(code)] = forms.CharField(
                label=_("Note on the value"),
                required=False,
                max_length=TEXT_MAX,
            )
        # The indicators' fields first, the files last.
        files = self.fields.pop("evidence_files")
        self.fields.update(fields)
        self.fields["evidence_files"] = files
        files.help_text = _(
            "Statistics tables, contracts, certificates: PDF, JPG, PNG, DOCX or "
            "XLSX, several at once, each at most %(size)s MB, at most %(count)d "
            "files."
        ) % {"size": megabytes(max_bytes()), "count": max_files()}

    def indicator_rows(self):
        """Each indicator with its three bound fields, for the template."""
        for indicator in self.indicators:
            code = indicator.code
            yield (
                indicator,
                self[value_field(code)],
                self[lower_field(code)],
                self[note_field(code)],
            )

    def values(self) -> dict[str, tuple]:
        data = self.cleaned_data
        return {
            i.code: (
                data[value_field(i.code)],
                data.get(lower_field(i.code), False),
                data.get(note_field(i.code), ""),
            )
            for i in self.indicators
        }

    def add_service_errors(self, exc) -> None:
        # A service error about one indicator's value ("values.<code>" or the
        # code itself) goes beside that value.
        errors = getattr(exc, "field_errors", None)
        if errors:
            renamed = {}
            for name, messages in errors.items():
                code = name.split(".", 1)[1] if name.startswith("values.") else name
                if value_field(code) in self.fields:
                    name = value_field(code)
                renamed[name] = messages
            exc.field_errors = renamed
        super().add_service_errors(exc)


class QueryForm(ActionForm):
    """The paired party queries one figure, saying what is wrong with it."""

    workflow_action = "query"
    indicator = forms.ChoiceField(label=_("Figure queried"))
    comment = forms.CharField(
        label=_("What is wrong with the figure"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what is wrong with the figure.")},
    )
    service_fields = {"indicator_code": "indicator"}

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            ("", "—"),
            *((i.code, i.name) for i in indicators),
        ]


class AgreeForm(ActionForm):
    workflow_action = "agree"
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoreForm(ActionForm):
    """Score by the cycle's rules: nothing to fill in."""

    workflow_action = "score"


class AdjustForm(ActionForm):
    workflow_action = "adjust"
    score = forms.DecimalField(
        label=_("Adjusted score"),
        min_value=0,
        max_digits=SCORE["max_digits"],
        decimal_places=SCORE["decimal_places"],
        error_messages={"required": _("Enter the adjusted score.")},
    )
    reason = forms.CharField(
        label=_("Reason for the adjustment"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why the score is adjusted.")},
    )


class PublishForm(ActionForm):
    """Publish the cycle's results: carries the cycle's version."""

    workflow_action = "publish"


class DashboardFilter(forms.Form):
    """The dashboard's filters: a party, a step. Unknown values are ignored."""

    party = forms.TypedChoiceField(
        label=_("Party"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(label=_("Step"), required=False)

    def __init__(self, *args, parties=(), states=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [
            ("", _("All parties")),
            *((p.pk, p.name) for p in parties),
        ]
        self.fields["state"].choices = [("", _("All steps")), *states]
