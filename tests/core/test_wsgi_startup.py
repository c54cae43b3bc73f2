"""The served application is loaded whole at start-up, then frozen for the collector.

``convene/wsgi.py`` imports the URLconf (every view module) and calls ``gc.freeze()``, so
full collections during requests no longer walk the process's long-lived objects: those
pauses were the p95 outliers at 50,000 discussions (issue 15, docs/performance.md).
Checked in a fresh interpreter: this one has long since imported everything.
"""

import json
import subprocess
import sys

from tests.core.test_settings_startup import clean_environment

PROBE = """
import gc, json, sys
import convene.wsgi
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "views": sorted(m for m in sys.modules if m.startswith("convene.") and m.endswith(".views")),
    "urls": "convene.urls" in sys.modules,
    "application": callable(convene.wsgi.application),
}))
"""


def _start() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean_environment(
            CONVENE_DEVELOPMENT="true", DJANGO_SETTINGS_MODULE="convene.test_settings"
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_urlconf_and_every_view_module_are_loaded_then_the_heap_is_frozen():
    started = _start()
    assert started["application"]
    assert started["urls"], "the root URLconf is imported at start-up, not on the first request"
    # Every app's views, not just the root's: the included URLconfs import them.
    for app in ("discussions", "referrals", "clocks", "reminders", "people"):
        assert f"convene.{app}.views" in started["views"], started["views"]
    # Frozen: tens of thousands of objects moved to the permanent generation.
    assert started["frozen"] > 10_000, started["frozen"]
