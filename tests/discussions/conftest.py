from tests.api.conftest import tokens  # noqa: F401 - fixture
from tests.convening import accepted_for, referral_for  # noqa: F401 - fixtures
