import pytest

from tests.factories import InnovationFactory, make_part


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are never checked here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def north(innovation, leader):
    """A part of the innovation in Developing."""
    return make_part(innovation, by=leader, name="North team", stage=3)


@pytest.fixture
def south(innovation, leader):
    """Another part of the innovation in Developing."""
    return make_part(innovation, by=leader, name="South team", stage=3)


@pytest.fixture
def elsewhere(organisation, leader):
    """A part of another innovation of the same organisation."""
    other = InnovationFactory(organisation=organisation, title="Edge of care hub")
    return make_part(other, by=leader, name="Hub team", stage=3)


@pytest.fixture
def outsider_part(other_organisation, outsider):
    """A part of another organisation's innovation."""
    other = InnovationFactory(organisation=other_organisation, title="Southdale mentoring")
    return make_part(other, by=outsider, name="Southdale team", stage=3)
