"""Generate a large synthetic partnership for measuring Convene at scale.

    python bench/generate.py --discussions 20000 --database-url sqlite:///var/bench.sqlite3
    python bench/generate.py --discussions 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/convene_big

Migrates the database (it must be fresh: the generator refuses one it already
filled), loads the demo personas with a caseload of children, builds one case
of each kind through the services, then copies those cases until there are N
discussions, spread over eight years: referrals in every state, invitations,
records with sections and versions, clocks met, breached and open,
escalations, notifications and emails, S47 enquiries, ICPCs, HRPMs, actions
and a valid audit hash chain (``convene audit verify`` passes). Synthetic
data only: Faker en_GB names, NHS numbers from the 999 test range. Prints
progress, then rows per table and the time taken. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--discussions", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--children", type=int, default=None, help="default 0.3 × discussions")
    parser.add_argument("--password", default=None, help="for every persona (default: random)")
    parser.add_argument(
        "--writers", type=int, default=2, help="writer processes (PostgreSQL; default 2)"
    )
    options = parser.parse_args()
    if not 1 <= options.discussions <= 3_000_000:
        parser.error("--discussions must be between 1 and 3,000,000")
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("CONVENE_DEVELOPMENT", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.partnership.report import print_report
    from bench.partnership.run import generate_partnership

    call_command("migrate", "--no-input", verbosity=0)
    report = generate_partnership(
        discussions=options.discussions,
        seed=options.seed,
        children=options.children,
        password=options.password,
        writers=options.writers,
    )
    print_report(report)


if __name__ == "__main__":
    main()
