"""How long `convene demo --children N` takes to load a fresh database (target: 100,000 < 60 s).

    python bench/demo_load.py [--children 100000] [--database-url postgresql://...]

Migrates a throwaway database (SQLite in a temp folder by default), then times the
load alone and prints children per second and the peak memory of the loader.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{folder}/bench.sqlite3"
        env = {**os.environ, "CONVENE_DEVELOPMENT": "true", "DATABASE_URL": url}
        run(["migrate", "--no-input", "-v0"], env)
        seconds = run(["demo", "--children", str(options.children), "--quiet-logins"], env)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    engine = url.split(":", 1)[0]
    print(
        f"demo load: {options.children:,} children on {engine} in {seconds:.1f} s "
        f"({options.children / seconds:,.0f} children/s, target < 60 s); "
        f"peak RSS {peak_mib:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
