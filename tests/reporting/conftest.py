from tests.convening import referral_for  # noqa: F401 - a fixture for these tests
from tests.followup.conftest import enquiry, s47_decision  # noqa: F401 - fixtures
from tests.records.conftest import make_record  # noqa: F401 - fixture
