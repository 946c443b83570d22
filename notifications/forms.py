"""The preferences page's form: three boxes per event (receive, in the
centre, by e-mail) and how e-mail comes (one each, or a daily digest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .preferences import Choice

CHANNELS = (
    ("enabled", _("Receive")),
    ("in_app", _("In the notification centre")),
    ("email", _("By e-mail")),
)
EACH = "each"
DIGEST = "digest"


class PreferencesForm(forms.Form):
    daily_digest = forms.TypedChoiceField(
        label=_("How e-mail comes"),
        choices=[
            (EACH, _("One e-mail for each notification")),
            (DIGEST, _("One digest a day instead")),
        ],
        coerce=lambda value: value == DIGEST,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, choices: list[Choice], daily_digest: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["daily_digest"].initial = DIGEST if daily_digest else EACH
        for choice in choices:
            for channel, label in CHANNELS:
                # 催办 and 通报 always show in the centre: their boxes are
                # shown ticked and cannot be changed (the service refuses too).
                fixed = choice.required and channel in ("enabled", "in_app")
                self.fields[self.key(choice.event, channel)] = forms.BooleanField(
                    label=label,
                    required=False,
                    initial=getattr(choice, channel),
                    disabled=fixed,
                )

    @staticmethod
    def key(event: str, channel: str) -> str:
        return f"{event}-{channel}"

    def rows(self) -> list[dict]:
        """One row per event: its name and its three bound boxes."""
        return [
            {
                "choice": choice,
                "boxes": [self[self.key(choice.event, c)] for c, _label in CHANNELS],
            }
            for choice in self.choices
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "daily_digest": data["daily_digest"],
            "events": {
                choice.event: {
                    channel: data[self.key(choice.event, channel)]
                    for channel, _label in CHANNELS
                }
                for choice in self.choices
            },
        }
