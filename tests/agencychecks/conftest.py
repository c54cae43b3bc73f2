from tests.api.conftest import tokens  # noqa: F401 - fixture
