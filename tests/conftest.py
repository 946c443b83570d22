import pytest

from tests.factories import PartyFactory, UserFactory, make_initiative, make_task


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
