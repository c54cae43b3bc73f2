"""The follow-through builders, for a synthetic partnership built through the real services."""

from tests.followup.conftest import enquiry, s47_decision  # noqa: F401 - fixtures
from tests.records.conftest import make_record  # noqa: F401 - fixture
