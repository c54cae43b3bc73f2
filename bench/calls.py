"""Python function calls of one request, per persona and HTML page of ``pages.ROUTES``.

A count that the machine's other load cannot move, unlike time: for comparing two checkouts
on a shared machine (docs/performance.md, "Need-to-know nested as frozen SQL"). Each page is
requested twice to warm up, then once under ``cProfile``. It writes as any use does (sign-ins,
audit entries): point it at a copy of a demo database, never at live data.

    .venv/bin/python bench/calls.py sqlite:////tmp/demo/bench.sqlite3
    CONVENE_BENCH_ROOT=/work/main /work/main/.venv/bin/python bench/calls.py sqlite:///...
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # after the path above


def main() -> None:
    pages.setup_django(sys.argv[1])
    from django.test import Client

    from convene.people.models import Professional

    for persona in pages.DEFAULT_PERSONAS:
        client = Client()
        client.force_login(Professional.objects.get(username=persona))
        for route, path, api in pages.ROUTES:
            if api:  # the API lists want a token: timed by pages.py only
                continue
            for _ in range(2):
                client.get(path)
            profile = cProfile.Profile()
            profile.enable()
            response = client.get(path)
            profile.disable()
            calls = pstats.Stats(profile).total_calls
            print(persona, route, response.status_code, calls, flush=True)


if __name__ == "__main__":
    main()
