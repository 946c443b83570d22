import pytest

from tests.clock import TODAY, frozen
from tests.factories import PartyFactory, UserFactory, make_initiative, make_task


@pytest.fixture
def today():
    """The clock frozen at noon of the tests' today (tests/clock.py)."""
    with frozen():
        yield TODAY


@pytest.fixture
def sichuan(db):
    return PartyFactory(code="sc", name="四川省", short_name="川")


@pytest.fixture
def chongqing(db):
    return PartyFactory(code="cq", name="重庆市", short_name="渝", kind="municipality")


@pytest.fixture
def initiative(sichuan, chongqing):
    return make_initiative([sichuan, chongqing])


@pytest.fixture
def task(initiative):
    return make_task(initiative, code="NY-01", title="川渝1000千伏特高压交流工程")


@pytest.fixture
def reporter(db):
    return UserFactory(username="reporter")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _member(username, party, role):
    from accounts.services import membership_grant

    user = UserFactory(username=username)
    membership_grant(user=user, party=party, role=role)
    return user


@pytest.fixture
def sc_coord(sichuan):
    return _member("sc_coord", sichuan, "coordinator")


@pytest.fixture
def cq_coord(chongqing):
    return _member("cq_coord", chongqing, "coordinator")


@pytest.fixture
def sc_leader(sichuan):
    return _member("sc_leader", sichuan, "leadership")


@pytest.fixture
def cq_auditor(chongqing):
    return _member("cq_auditor", chongqing, "auditor")


@pytest.fixture
def office(sichuan):
    """An administrator of the joint office (专班)."""
    return _member("office", sichuan, "administrator")


@pytest.fixture(scope="session", autouse=True)
def _empty_report_queue_at_end():
    """Reports requested by tests are published to the test queue, which no
    worker reads; empty it when the session ends so nothing piles up."""
    yield
    from django.conf import settings

    from config.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(settings.REPORTS_QUEUE)
    except Exception as exc:  # the broker is not the subject here
        print(f"could not empty the test report queue: {exc}")


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, made after the test database and so
    stopped before it is dropped: the server's threads close their
    connections when it stops, else the drop finds them still open and the
    database is left behind on the server."""
    return live_server


@pytest.fixture(autouse=True)
def _service_language():
    """Every test starts in the service's language: a request through the
    test client leaves the language it asked for active in this thread
    (LocaleMiddleware activates it and nothing takes it back), which would
    make what the next test reads depend on the order tests run in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
