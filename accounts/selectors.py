from .models import Party


def party_count() -> int:
    return Party.objects.count()
