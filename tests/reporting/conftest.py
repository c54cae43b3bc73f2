from tests.convening import referral_for  # noqa: F401 - a fixture for these tests
