"""The forms of 催办 by hand, on the item page and on the workbench: what the
office writes to the owner parties, and a party's reply. Shapes only; the
rules (who, when, a blank message) are the services' (supervision.services.
urges), whose errors come back onto the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.forms import ActionForm
from tracker.models import Milestone

from .services.urges import MESSAGE_MAX


class UrgeForm(ActionForm):
    """催办 on an item, carrying the item's version as read. On the workbench
    a hidden milestone names the overdue milestone the urge is about."""

    workflow_action = "urge"
    message = forms.CharField(
        label=_("Message of the 催办"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the owner parties should do, and by when. Their coordinators "
            "are told at once and answer on the item's page."
        ),
    )
    milestone = forms.IntegerField(
        label=_("Milestone"), required=False, widget=forms.HiddenInput
    )

    def service_arguments(self) -> dict:
        pk = self.cleaned_data.get("milestone")
        # Any id the form was sent; the service refuses one that is not a
        # milestone of the item, with the same words whether it exists or not.
        milestone = (
            None
            if pk is None
            else Milestone.objects.filter(pk=pk).first() or Milestone(pk=pk)
        )
        return {
            "message": self.cleaned_data.get("message") or "",
            "milestone": milestone,
        }


class UrgeAnswerForm(ActionForm):
    """A party's reply to an urge addressed to it. An answer adds to the
    ledger and changes nothing else, so it carries no version: it is answered
    once, which the service checks under the row lock."""

    workflow_action = "answer_urge"
    version = None
    reply = forms.CharField(
        label=_("Your party's reply"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What has been done and what comes next. Posting a progress update "
            "answers it too."
        ),
    )
