from tests.oidc.fixtures import oidc_provider  # noqa: F401
