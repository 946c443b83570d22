"""Test data built through the services, so tests see the same rules users do."""

import datetime as dt
import itertools

import factory
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import AgencyKind, PartyKind
from accounts.models import Agency, Party, User
from tracker import services
from tracker.choices import TaskList
from tracker.models import Initiative, Task

_seq = itertools.count(1)
# A task's default term: well ahead of today, so a task made without a due date
# is neither overdue nor due soon, whatever the day the tests run on.
DEFAULT_TERM = dt.timedelta(days=200)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return account_services.user_create(password="pw-for-tests-1", **kwargs)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    code = factory.Sequence(lambda n: f"p{n}")
    name = factory.Sequence(lambda n: f"第{n}省")
    short_name = factory.Sequence(lambda n: f"省{n}")
    kind = PartyKind.PROVINCE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return account_services.party_create(**kwargs)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    party = factory.SubFactory(PartyFactory)
    name = factory.Sequence(lambda n: f"第{n}责任单位")
    kind = AgencyKind.DEPARTMENT

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return account_services.agency_create(**kwargs)


def make_initiative(parties: list[Party]) -> Initiative:
    n = next(_seq)
    leads = [
        (
            party,
            Agency.objects.filter(party=party, is_lead=True).first()
            or AgencyFactory(party=party, is_lead=True, name=f"{party.name}牵头单位"),
        )
        for party in parties
    ]
    return services.initiative_create(
        code=f"init{n}", name=f"联合倡议{n}", parties=leads
    )


def make_task(
    initiative: Initiative,
    *,
    parties: list[Party] | None = None,
    code: str | None = None,
    due_date: dt.date | None = None,
    task_list: str = TaskList.RECIPROCAL,
    **kwargs,
) -> Task:
    """A task owned by `parties` (default: every participating party), on the
    list of reciprocal items unless told."""
    parties = parties if parties is not None else list(initiative.parties.all())
    stream = initiative.work_streams.first() or services.work_stream_create(
        initiative=initiative, code="ws", name="工作领域"
    )
    owners = [
        services.OwnerSpec(
            party=party,
            agency=Agency.objects.get(party=party, is_lead=True),
            contact_name="联络人",
        )
        for party in parties
    ]
    return services.task_create(
        initiative=initiative,
        code=code or f"T-{next(_seq)}",
        title=kwargs.pop("title", "联合事项"),
        work_stream=stream,
        due_date=due_date or timezone.localdate() + DEFAULT_TERM,
        owners=owners,
        task_list=task_list,
        lead_party=kwargs.pop("lead_party", parties[0] if parties else None),
        **kwargs,
    )
