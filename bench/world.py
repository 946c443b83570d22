"""The part of a bench's data that every bench needs, built through the services."""

from dataclasses import dataclass

from accounts import services as account_services
from accounts.choices import Role
from accounts.models import Agency, Party, User
from tracker import services
from tracker.models import Initiative


@dataclass(frozen=True)
class World:
    sc: Party
    cq: Party
    sc_lead: Agency
    cq_lead: Agency
    initiative: Initiative
    coordinator: User  # Sichuan's


def two_party_world() -> World:
    """Sichuan and Chongqing with their lead agencies in one initiative, and a
    Sichuan coordinator."""
    sc = account_services.party_create(code="SC", name="四川省", short_name="川")
    cq = account_services.party_create(
        code="CQ", name="重庆市", short_name="渝", kind="municipality", sort_order=1
    )
    sc_lead = account_services.agency_create(
        party=sc, name="四川省发展和改革委员会", short_name="四川省发改委", is_lead=True
    )
    cq_lead = account_services.agency_create(
        party=cq, name="重庆市发展和改革委员会", short_name="重庆市发改委", is_lead=True
    )
    initiative = services.initiative_create(
        code="cy", name="成渝地区双城经济圈", parties=[(sc, sc_lead), (cq, cq_lead)]
    )
    user = account_services.user_create(username="sc_coord", password="bench-pw-1")
    account_services.membership_grant(user=user, party=sc, role=Role.COORDINATOR)
    return World(sc, cq, sc_lead, cq_lead, initiative, user)
