"""The item page's form to record what the item waits for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import ActionForm
from .models import Milestone, Task


class DependencyForm(ActionForm):
    """A blocker of the item (or of one of its milestones): another item of
    the initiative, or one of its milestones. Whether the user may, and
    whether it would close a circle, is the service's to decide."""

    blocker = forms.ChoiceField(label=_("Waits for"))
    milestone = forms.TypedChoiceField(
        label=_("Which part of this item waits"), coerce=int, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        others = (
            Task.objects.filter(initiative_id=task.initiative_id)
            .exclude(pk=task.pk)
            .order_by("code")
        )
        milestones = (
            Milestone.objects.filter(task__in=others, parent__isnull=True)
            .select_related("task")
            .order_by("task__code", "due_date", "id")
        )
        by_task: dict[int, list] = {}
        for m in milestones:
            by_task.setdefault(m.task_id, []).append(
                (f"m{m.pk}", f"{m.task.code} · {m.title}（{m.due_date:%Y-%m-%d}）")
            )
        choices: list = [("", "—")]
        for other in others:
            choices.append(
                (
                    f"{other.code} {other.title}",
                    [
                        (
                            f"t{other.pk}",
                            _("The whole item %(code)s") % {"code": other.code},
                        ),
                        *by_task.get(other.pk, []),
                    ],
                )
            )
        self.fields["blocker"].choices = choices
        self.fields["milestone"].choices = [("", _("The whole item"))] + [
            (m.pk, f"{m.title}（{m.due_date:%Y-%m-%d}）")
            for m in task.milestones.all()
            if m.parent_id is None
        ]
        self._others = {t.pk: t for t in others}
        self._milestones = {m.pk: m for m in milestones}

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        kind, pk = data["blocker"][0], int(data["blocker"][1:])
        if kind == "m":
            blocker_milestone = self._milestones[pk]
            blocker_task = self._others[blocker_milestone.task_id]
        else:
            blocker_milestone, blocker_task = None, self._others[pk]
        milestone = None
        if data.get("milestone"):
            milestone = next(
                m for m in self.task.milestones.all() if m.pk == data["milestone"]
            )
        return {
            "blocker_task": blocker_task,
            "blocker_milestone": blocker_milestone,
            "milestone": milestone,
            "note": data.get("note") or "",
        }
