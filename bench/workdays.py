"""How fast are due dates? ``python bench/workdays.py`` (a few seconds on 2 cores).

Per call: adding 3 and 15 working days with our ``WorkingCalendar``, with
workalendar's ``UnitedKingdom`` (the usual Python answer) and with a single
``numpy.busday_offset`` call. Batch: 1,000,000 dates through our
``add_working_days_batch`` and through ``numpy.busday_offset``. Every
contender is checked to give our answers before it is timed.

numpy is given the same holidays (every weekday our calendar does not work)
as a prebuilt ``busdaycalendar``, its fastest form. Its ``roll="forward"``
counts from the next working day when a date falls on a weekend or holiday
(Saturday + 1 = Tuesday), whereas "within 1 working day of Saturday" is
Monday; ``roll="backward"`` counts from the previous working day, which gives
our answer for n >= 1, so that is what is timed. The mismatches that
``roll="forward"`` would give are counted and printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

COUNTS = (3, 15)
BATCH_SIZE = 1_000_000


def timed(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best and median wall time of ``action`` in seconds."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def peak_bytes(action: Callable[[], object]) -> int:
    # numpy reports its buffers to tracemalloc, so this sees the arrays too.
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples, for a smoke test")
    args = parser.parse_args()
    per_call_sample = 2_000 if args.quick else 20_000
    peer_sample = 200 if args.quick else 2_000
    repeats = 3 if args.quick else 7

    # Running as a script puts bench/ on sys.path, not the project.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from convene.workdays.calendar import WorkingCalendar

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from workalendar.europe import UnitedKingdom

    began = time.perf_counter()
    WorkingCalendar()
    first_build = time.perf_counter() - began
    began = time.perf_counter()
    ours = WorkingCalendar()
    built_in = time.perf_counter() - began

    every_day = np.arange(
        np.datetime64(ours.first_day.isoformat()), np.datetime64(ours.last_day.isoformat()) + 1
    )
    off_weekdays = [d for d in every_day.tolist() if d.weekday() < 5 and not ours.is_working_day(d)]
    busdaycal = np.busdaycalendar(
        weekmask="1111100", holidays=np.array(off_weekdays, dtype="datetime64[D]")
    )
    peer = UnitedKingdom()

    rng = np.random.default_rng(2026)
    # workalendar lacks the 2023 coronation holiday: sample where it agrees.
    since_2024 = np.datetime64("2024-01-01") + rng.integers(0, 365 * 16, per_call_sample).astype(
        "timedelta64[D]"
    )
    sample: list[date] = since_2024.tolist()
    peer_dates = sample[:peer_sample]
    sample64 = list(since_2024)

    rows: list[tuple[str, float, float]] = []
    for n in COUNTS:
        expected = [ours.add_working_days(d, n) for d in sample]
        numpy_single = [
            np.busday_offset(d, n, roll="backward", busdaycal=busdaycal).item() for d in sample64
        ]
        assert numpy_single == expected, "numpy busday_offset disagrees"
        peer_answers = [peer.add_working_days(d, n) for d in peer_dates]
        disagree = sum(a != b for a, b in zip(peer_answers, expected, strict=False))
        assert disagree == 0, f"workalendar disagrees on {disagree} dates"

        add = ours.add_working_days
        best, median = timed(lambda add=add, n=n: [add(d, n) for d in sample], repeats)
        rows.append((f"ours add_working_days(d, {n})", best / len(sample), median / len(sample)))
        best, median = timed(
            lambda n=n: [peer.add_working_days(d, n) for d in peer_dates], max(3, repeats // 2)
        )
        rows.append(
            (f"workalendar UnitedKingdom +{n}", best / len(peer_dates), median / len(peer_dates))
        )
        best, median = timed(
            lambda n=n: [
                np.busday_offset(d, n, roll="backward", busdaycal=busdaycal) for d in sample64
            ],
            repeats,
        )
        rows.append(
            (f"numpy busday_offset (one date) +{n}", best / len(sample), median / len(sample))
        )

    print(
        f"WorkingCalendar {ours.first_day}..{ours.last_day} built in {built_in * 1e3:.1f} ms "
        f"({first_build * 1e3:.0f} ms the first time, loading the holidays data)"
    )
    print(f"\nPer call ({len(sample):,} dates from 2024 on; workalendar {len(peer_dates):,})")
    print(f"{'':40} {'best µs':>10} {'median µs':>10}")
    for name, best, median in rows:
        print(f"{name:40} {best * 1e6:10.2f} {median * 1e6:10.2f}")
    for n in COUNTS:
        ours_best = next(b for name, b, _ in rows if name.startswith("ours") and f"{n})" in name)
        peer_best = next(b for name, b, _ in rows if name.endswith(f"+{n}") and "workal" in name)
        print(f"workalendar / ours, +{n}: {peer_best / ours_best:,.0f}x (target >= 50x)")

    batch = np.datetime64("2000-01-01") + rng.integers(0, 365 * 75, BATCH_SIZE).astype(
        "timedelta64[D]"
    )
    print(f"\nBatch of {BATCH_SIZE:,} dates, 2000 to 2074")
    print(f"{'':40} {'best s':>10} {'median s':>10} {'peak MiB':>10}")
    for n in COUNTS:
        expected_batch = ours.add_working_days_batch(batch, n)
        backward: npt.NDArray[np.datetime64] = np.busday_offset(
            batch, n, roll="backward", busdaycal=busdaycal
        )
        assert np.array_equal(backward, expected_batch), "numpy batch disagrees"
        forward = np.busday_offset(batch, n, roll="forward", busdaycal=busdaycal)
        forward_mismatches = int(np.count_nonzero(forward != expected_batch))

        ours_best, ours_median = timed(lambda n=n: ours.add_working_days_batch(batch, n), repeats)
        ours_peak = peak_bytes(lambda n=n: ours.add_working_days_batch(batch, n))
        numpy_best, numpy_median = timed(
            lambda n=n: np.busday_offset(batch, n, roll="backward", busdaycal=busdaycal), repeats
        )
        numpy_peak = peak_bytes(
            lambda n=n: np.busday_offset(batch, n, roll="backward", busdaycal=busdaycal)
        )
        print(
            f"{f'ours add_working_days_batch +{n}':40} "
            f"{ours_best:10.4f} {ours_median:10.4f} {ours_peak / 2**20:10.1f}"
        )
        print(
            f"{f'numpy busday_offset backward +{n}':40} "
            f"{numpy_best:10.4f} {numpy_median:10.4f} {numpy_peak / 2**20:10.1f}"
        )
        print(
            f"ours_batch / numpy_batch, +{n}: {ours_best / numpy_best:.2f} (target <= 2); "
            f"roll='forward' would differ on {forward_mismatches:,} dates (weekends, holidays)"
        )


if __name__ == "__main__":
    main()
