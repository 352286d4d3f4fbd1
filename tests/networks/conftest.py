import pytest

from tests.networks.world import make_world


@pytest.fixture
def world(organisation, manager):
    return make_world(organisation, manager)
