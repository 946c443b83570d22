from django.db.models import Prefetch

from .models import Membership, Party, User
from .permissions import grants


def party_count() -> int:
    return Party.objects.count()


def user_with_memberships(*, user) -> User:
    """The requesting user with their active memberships and parties."""
    active = Membership.objects.filter(is_active=True).select_related("party")
    me = User.objects.prefetch_related(Prefetch("memberships", queryset=active)).get(
        pk=user.pk
    )
    me.is_administrator = grants(me).administrator
    return me
