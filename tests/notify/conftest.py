from tests.convening import accepted_for, referral_for  # noqa: F401 - fixtures
