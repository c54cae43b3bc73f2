"""Settings for the test suite and type checking: development defaults, fast hashing.

Two-factor sign-in is enforced in tests as in production: the test client's
``force_login`` (tests/conftest.py) also marks the session as having passed it,
and the browser tests' ``sign_in`` enters a real authenticator code.
"""

import os

os.environ.setdefault("CONVENE_DEVELOPMENT", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from convene.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the process, when queued (after commit): no worker in tests.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SITE_URL = "http://testserver"
CONVENE_DEMO_SKIP_2FA = False
# No anchor file unless a test names one (the `settings` fixture): tests must not write to var/.
CONVENE_AUDIT_ANCHOR_FILE = ""
