"""The generator's closing table: rows per table, seconds, rows per second."""

from __future__ import annotations

from bench.partnership.run import Report


def print_report(report: Report) -> None:
    total = sum(report.rows.values())
    print()
    print(f"{'table':<40} {'rows':>12}")
    for table, count in sorted(report.rows.items(), key=lambda item: -item[1]):
        print(f"{table:<40} {count:>12,}")
    print(f"{'total copied':<40} {total:>12,}")
    print()
    for name, seconds in report.steps:
        print(f"  {name:<50} {seconds:>8.1f} s")
    copied = dict(report.steps).get(f"{report.cases:,} cases copied", 0.0)
    rate = total / copied if copied else 0.0
    print(
        f"{report.discussions:,} discussions ({report.cases:,} cases) in {report.seconds:.1f} s; "
        f"copying {rate:,.0f} rows/s"
    )
    print(f"Password for every persona: {report.password}")
