"""Input of the task detail page's action forms.

The forms check shapes (a number, a date, a file of an accepted kind, an
indicator or party the user may use); the rules of the task list are the
services', whose errors `add_service_errors` puts back on the form. Every form
carries the version of the row it was read from, sent to the service as
`expected_version`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Party
from config.api.uploads import max_bytes, megabytes, validate_evidence
from config.exceptions import DomainError

from .choices import OVERRIDE_LIGHTS, Light, MilestoneStatus
from .models import Indicator
from .services import ReadingSpec
from .services.evidence import EvidenceSpec, evidence_kinds, max_files

TEXT_MAX = 4000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _evidence_validator(uploaded) -> None:
    validate_evidence(uploaded)


class EvidenceField(forms.FileField):
    """Accepts exactly what the API's evidence field accepts (PDF, JPG, PNG,
    DOCX, XLSX, checked by content, within the size limit)."""

    default_validators = [_evidence_validator]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Evidence file"))
        kwargs.setdefault("help_text", _("PDF, JPG, PNG, DOCX or XLSX, at most 10 MB."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,.docx,.xlsx")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files from one `<input type=file multiple>`, each
    checked as EvidenceField checks one; a refusal names the file."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,.docx,.xlsx")

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        files = [super(EvidenceFilesField, self).clean(f, initial) for f in files]
        if len(files) > max_files():
            raise ValidationError(
                _("Choose at most %(count)d files."), params={"count": max_files()}
            )
        evidence_kinds(files)
        return files


class ServiceErrorsMixin:
    """For a form whose input goes to a service: its errors back on the form."""

    # Service field names that are called otherwise on this form (or name no
    # field of it: NON_FIELD_ERRORS).
    service_fields: dict[str, str] = {}

    def add_service_errors(self, exc: DomainError | ValidationError) -> None:
        """Put a service's error on the fields it names, the rest on the form."""
        if isinstance(exc, ValidationError):
            errors = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {NON_FIELD_ERRORS: exc.messages}
            )
            message = None
        else:
            errors = exc.field_errors
            # The generic "input is not valid" adds nothing to field errors.
            specific = str(exc.message) != str(exc.default_message)
            message = exc.message if specific or not errors else None
        if message is not None:
            self.add_error(None, str(message))
        for name, messages in errors.items():
            name = self.service_fields.get(name, name)
            target = name if name in self.fields and name != "version" else None
            if isinstance(messages, str | Promise):
                messages = [messages]
            for text in messages:
                self.add_error(target, str(text))


class ActionForm(ServiceErrorsMixin, forms.Form):
    """A form on a versioned row. `parties` are the owner parties the user may
    act for; the choice is shown only when there is more than one.
    `workflow_action` names the action of tracker.workflow it takes (the page
    marks the form with it)."""

    workflow_action = ""
    version = forms.IntegerField(
        label=_("version"), widget=forms.HiddenInput, min_value=1
    )

    def __init__(self, *args, parties: list[Party] | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.parties = {p.pk: p for p in parties or []}
        if len(self.parties) > 1:
            self.fields["party"] = forms.TypedChoiceField(
                label=_("Acting for"),
                coerce=int,
                choices=[("", "—"), *((p.pk, p.name) for p in self.parties.values())],
            )

    @property
    def has_file_field(self) -> bool:
        return any(isinstance(f, forms.FileField) for f in self.fields.values())

    def party(self) -> Party | None:
        if "party" in self.fields:
            return self.parties.get(self.cleaned_data.get("party"))
        return None

    def with_version(self, version: int) -> ActionForm:
        """The same input over another version: what "submit again" sends.
        (A chosen file cannot be sent back to the browser; it is chosen again.)"""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data
        self._errors = None
        self._bound_fields_cache = {}
        self.is_valid()
        return self


class ProgressUpdateForm(ActionForm):
    workflow_action = "post_progress_update"
    narrative = forms.CharField(
        label=_("Progress narrative"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    indicator = forms.TypedChoiceField(
        label=_("Indicator"), coerce=int, required=False, empty_value=None
    )
    period = forms.DateField(
        label=_("End of the reporting period"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day of the reporting period."),
    )
    value = forms.DecimalField(
        label=_("Actual value"), required=False, max_digits=20, decimal_places=4
    )
    evidence = EvidenceField()
    evidence_files = EvidenceFilesField(label=_("Evidence files of the update"))
    service_fields = {"evidence_ids": "evidence_files"}

    def __init__(self, *args, indicators: list[Indicator] = (), parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The version sent is the party's part's (TaskOwner), not the task's:
        # a user choosing among parties carries one per part, and the chosen
        # party's becomes `version`.
        if len(self.parties) > 1:
            self.fields["version"].required = False
            for part in parts:
                self.fields[f"version_{part.party_id}"] = forms.IntegerField(
                    widget=forms.HiddenInput,
                    min_value=1,
                    required=False,
                    initial=part.version,
                )
        self.fields["evidence_files"].help_text = _(
            "Photos, meeting minutes, acceptance certificates: PDF, JPG, PNG, DOCX "
            "or XLSX, several at once, each at most %(size)s MB, at most %(count)d "
            "files."
        ) % {"size": megabytes(max_bytes()), "count": max_files()}
        self.indicators = {i.pk: i for i in indicators}
        if not self.indicators:
            for name in ("indicator", "period", "value", "evidence"):
                del self.fields[name]
        else:
            self.fields["indicator"].choices = [
                ("", _("— no reading —")),
                *((i.pk, str(i)) for i in indicators),
            ]

    def acting_party_id(self) -> int | None:
        """The party whose part the update is for."""
        if "party" in self.fields:
            return self.cleaned_data.get("party")
        return next(iter(self.parties), None)

    def _part_version_field(self) -> str | None:
        party = (
            self.cleaned_data.get("party") if hasattr(self, "cleaned_data") else None
        )
        name = f"version_{party}"
        return name if name in self.fields else None

    def with_version(self, version: int) -> ActionForm:
        name = self._part_version_field()
        if name is not None:
            data = self.data.copy()
            data[self.add_prefix(name)] = str(version)
            self.data = data
        return super().with_version(version)

    def clean(self):
        data = super().clean()
        name = self._part_version_field()
        if name is not None:
            data["version"] = data.get(name)
            if data["version"] is None:
                self.add_error("party", _("Choose the party you are acting for."))
        if not self.indicators:
            return data
        indicator = data.get("indicator")
        given = [n for n in ("period", "value", "evidence") if data.get(n)]
        if indicator is None and given:
            self.add_error(
                "indicator", _("Choose the indicator the value and file are for.")
            )
        if indicator is not None:
            if indicator not in self.indicators:
                self.add_error("indicator", _("Choose one of the listed indicators."))
            for name in ("period", "value"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Needed with a reading."))
        return data

    def evidence_spec(self) -> EvidenceSpec:
        """The files to attach to the update."""
        return EvidenceSpec(files=self.cleaned_data.get("evidence_files") or ())

    def reading(self) -> ReadingSpec | None:
        """The reading to record with the update."""
        indicator = self.cleaned_data.get("indicator")
        if indicator is None:
            return None
        return ReadingSpec(
            indicator=self.indicators[indicator],
            period=self.cleaned_data["period"],
            value=self.cleaned_data["value"],
            evidence=self.cleaned_data.get("evidence") or None,
        )


class ReadingForm(ActionForm):
    """A reading adds a row and changes none: its only conflict is a second
    reading for the same period, which the service refuses with a message. So
    it carries no version (one would refuse it for any change to the task)."""

    workflow_action = "record_reading"
    version = None
    period = forms.DateField(
        label=_("End of the reporting period"),
        widget=DateInput(),
        help_text=_("The last day of the reporting period."),
    )
    value = forms.DecimalField(label=_("Actual value"), max_digits=20, decimal_places=4)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = EvidenceField()
    service_fields = {"indicator": NON_FIELD_ERRORS}

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "period": data["period"],
            "value": Decimal(data["value"]),
            "note": data.get("note") or "",
            "evidence": data.get("evidence") or None,
        }


class ClaimForm(ActionForm):
    workflow_action = "claim_completion"
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when some of your party's milestones are not done yet."),
    )


class ConfirmForm(ActionForm):
    workflow_action = "confirm_completion"


class ReasonForm(ActionForm):
    """An action that keeps its reason on record."""

    reason_label = _("Reason")
    reason = forms.CharField(
        max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = self.reason_label


class RejectForm(ReasonForm):
    workflow_action = "reject_completion"
    reason_label = _("Reason for rejecting")


class ExtensionForm(ReasonForm):
    workflow_action = "request_extension"
    reason_label = _("Reason for the extension")
    field_order = ["requested_due_date", "reason"]
    requested_due_date = forms.DateField(label=_("New due date"), widget=DateInput())


class MilestoneForm(ActionForm):
    """Status for the milestone's coordinators; title and due date as well for
    the joint office. `inline` renders the administrator's extra fields hidden
    (the quick status form of the detail page)."""

    workflow_action = "change_milestone"
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)

    def __init__(self, *args, administrator: bool = False, inline: bool = False, **kw):
        super().__init__(*args, **kw)
        self.administrator = administrator
        if administrator:
            self.fields["title"] = forms.CharField(label=_("Title"), max_length=200)
            self.fields["due_date"] = forms.DateField(
                label=_("Due date"), widget=DateInput()
            )
            if inline:
                self.fields["title"].widget = forms.HiddenInput()
                self.fields["due_date"].widget = forms.HiddenInput()

    def service_arguments(self) -> dict:
        names = ("status", "title", "due_date") if self.administrator else ("status",)
        return {name: self.cleaned_data[name] for name in names}


class StartForm(ActionForm):
    workflow_action = "start"


class ResumeForm(ActionForm):
    workflow_action = "resume"


class SuspendForm(ReasonForm):
    workflow_action = "suspend"


class CancelForm(ReasonForm):
    workflow_action = "cancel"


class ReopenForm(ReasonForm):
    workflow_action = "reopen"


class ExtensionDecisionForm(ActionForm):
    """The joint office's decision on an extension request: approve with a new
    due date (the requested one unless the office chooses another) or refuse,
    with a written opinion either way. A blank opinion or date is the
    service's to refuse, with its own words."""

    workflow_action = "decide_extension"
    field_order = ["decision", "new_due_date", "opinion"]
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve: the due date moves to the new one")),
            ("refuse", _("Refuse: the due date stays")),
        ],
        widget=forms.RadioSelect,
    )
    new_due_date = forms.DateField(
        label=_("New due date"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "When approving: the requested date, or another the office chooses; "
            "later than the current due date."
        ),
    )
    opinion = forms.CharField(
        label=_("Opinion of the joint office"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required to approve and to refuse; the requesting party reads it."
        ),
    )
    service_fields = {"approve": "decision"}

    def service_arguments(self) -> dict:
        approve = self.cleaned_data["decision"] == "approve"
        return {
            "approve": approve,
            "opinion": self.cleaned_data.get("opinion") or "",
            "new_due_date": self.cleaned_data.get("new_due_date") if approve else None,
        }


class LightOverrideForm(ActionForm):
    """The joint office's light, with its reason, until the end of a day
    (Beijing time); the computed light applies again after it."""

    workflow_action = "override_light"
    light = forms.ChoiceField(
        label=_("Light"),
        choices=[c for c in Light.choices if c[0] in OVERRIDE_LIGHTS],
    )
    expires_on = forms.DateField(
        label=_("In force until"),
        widget=DateInput(),
        help_text=_("To the end of this day; then the computed light applies again."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    service_fields = {"expires_at": "expires_on"}

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        end = dt.datetime.combine(data["expires_on"] + dt.timedelta(days=1), dt.time())
        return {
            "light": data["light"],
            "reason": data["reason"],
            "expires_at": timezone.make_aware(end),
        }
