"""Working days for England: Monday to Friday, less bank holidays and closure days.

Bank holidays are the England and Wales ones shipped as offline data in the
``holidays`` package (substitute days and one-off holidays such as the
coronation on 8 May 2023 included). A partnership adds its own closure days.

Every answer is a lookup in tables built once, when the calendar is made:

* ``working[k]``: the ``k``-th working day of the range (0-based);
* ``position[day]``: the ``k`` of the last working day on or before ``day``,
  that is the count of working days up to ``day``, less one.

The N-th working day strictly after ``day`` is then ``working[position[day] + N]``
and the working days in ``(start, end]`` number ``position[end] - position[start]``:
O(1) whatever N is, and vectorised with numpy fancy indexing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Final, TypeVar

import holidays
import numpy as np
import numpy.typing as npt

__all__ = ["WorkingCalendar", "get_calendar"]

# numpy's datetime64[D] counts days from 1970-01-01.
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_DAY: Final = np.dtype("datetime64[D]")
_T = TypeVar("_T", bound=np.generic)


class WorkingCalendar:
    """Working days between 1 January ``first_year`` and 31 December ``last_year``.

    Instances are immutable and safe to share between threads; prefer
    :func:`get_calendar`, which builds each distinct calendar once.
    """

    __slots__ = (
        "_base_epoch",
        "_closure_days",
        "_is_working_np",
        "_position",
        "_position_np",
        "_size",
        "_working_dates",
        "_working_epoch_np",
        "first_day",
        "last_day",
    )

    def __init__(
        self,
        *,
        closure_days: Iterable[date] = (),
        first_year: int = 2000,
        last_year: int = 2075,
    ) -> None:
        for name, year in (("first_year", first_year), ("last_year", last_year)):
            if isinstance(year, bool) or not isinstance(year, int):
                raise ValueError(f"{name} must be an int, got {year!r}")
            # One year of headroom either side of date's own limits.
            if not 2 <= year <= 9998:
                raise ValueError(f"{name} must be between 2 and 9998, got {year}")
        if first_year > last_year:
            raise ValueError(f"first_year ({first_year}) is after last_year ({last_year})")

        self.first_day: Final = date(first_year, 1, 1)
        self.last_day: Final = date(last_year, 12, 31)
        base = self.first_day.toordinal()
        size = self.last_day.toordinal() - base + 1

        closures = frozenset(closure_days)
        for day in closures:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise ValueError(
                    f"a closure day must be a datetime.date (not a datetime), got {day!r}"
                )
            if not self.first_day <= day <= self.last_day:
                raise ValueError(f"closure day {day} is outside {self._range_text()}")

        bank_holidays = holidays.country_holidays(
            "GB", subdiv="ENG", years=range(first_year, last_year + 1)
        )
        closed = [d for d in bank_holidays if self.first_day <= d <= self.last_day]
        closed.extend(closures)

        ordinals = np.arange(base, base + size, dtype=np.int64)
        # Ordinal 1 (0001-01-01) was a Monday, so (ordinal - 1) % 7 is date.weekday().
        is_working = (ordinals - 1) % 7 < 5
        is_working[np.array([d.toordinal() - base for d in closed], dtype=np.int64)] = False
        # Index in the list of working days of the last working day on or
        # before each day (-1 before the first): a cumulative count less one.
        position = np.cumsum(is_working, dtype=np.int32) - 1
        working_offsets = np.flatnonzero(is_working)

        self._size: Final = size
        self._closure_days: Final = closures
        # The scalar path uses a dict keyed by date rather than numpy: one
        # hash lookup both finds the position and rejects a date out of range
        # or a datetime (which never equals a date), in well under a
        # microsecond; numpy scalar indexing alone costs more.
        self._position: Final[dict[date, int]] = dict(
            zip(
                (date.fromordinal(o) for o in range(base, base + size)),
                position.tolist(),
                strict=True,
            )
        )
        self._working_dates: Final = [date.fromordinal(base + o) for o in working_offsets.tolist()]
        # numpy copies for the batch path, read-only because calendars are shared.
        self._base_epoch: Final = base - _EPOCH_ORDINAL
        self._position_np: Final = _frozen(position)
        self._is_working_np: Final = _frozen(is_working.astype(np.int32))
        self._working_epoch_np: Final = _frozen(working_offsets.astype(np.int64) + self._base_epoch)

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(first_year={self.first_day.year}, last_year={self.last_day.year}, "
            f"closure_days={len(self._closure_days)})"
        )

    @property
    def closure_days(self) -> frozenset[date]:
        return self._closure_days

    def is_working_day(self, day: date) -> bool:
        p = self._position_of(day)
        return p >= 0 and self._working_dates[p] == day

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day strictly after ``day`` ("within n working days of day").

        ``n == 0`` gives ``day`` itself when it is a working day, else the next one.
        """
        # The hot path of every due date: inlined, and errors are sorted out
        # only once they have happened.
        try:
            p = self._position[day]
        except (KeyError, TypeError):
            raise self._bad_day(day) from None
        if n > 0:
            try:
                return self._working_dates[p + n]
            except IndexError:
                raise self._past_the_end(day, n) from None
            except TypeError:
                raise ValueError(f"n must be an int, got {n!r}") from None
        if n == 0:
            if p >= 0 and self._working_dates[p] == day:
                return day
            try:
                return self._working_dates[p + 1]
            except IndexError:
                raise self._past_the_end(day, n) from None
        raise ValueError(f"n must be a non-negative int, got {n!r}")

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days ``d`` satisfy ``start < d <= end``.

        If ``end`` is before ``start`` the answer is negative: minus the working
        days in ``(end, start]``, so that lateness can be counted the same way.
        """
        return self._position_of(end) - self._position_of(start)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        p = self._position_of(day)
        if p >= 0 and self._working_dates[p] == day:
            p -= 1
        if p < 0:
            raise ValueError(f"no working day before {day} within {self._range_text()}")
        return self._working_dates[p]

    def add_working_days_batch(
        self, days: npt.NDArray[np.datetime64], n: int
    ) -> npt.NDArray[np.datetime64]:
        """:meth:`add_working_days` for every element of a ``datetime64[D]`` array."""
        if not isinstance(days, np.ndarray) or days.dtype != _DAY:
            raise ValueError(
                "days must be a numpy array of dtype datetime64[D] "
                '(convert with .astype("datetime64[D]"))'
            )
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ValueError(f"n must be a non-negative int, got {n!r}")
        # Keeps the int32 arithmetic below from overflowing.
        if n > len(self._working_dates):
            raise self._past_the_end("any date", n)
        index = days.view(np.int64) - self._base_epoch
        # NaT is the most negative int64, so it fails the range check too.
        if index.size and (index.min() < 0 or index.max() >= self._size):
            raise ValueError(
                f"days must be within {self._range_text()} and not NaT "
                f"(got {days.min()} to {days.max()})"
            )
        # Fancy indexing returns a fresh array, so it can be updated in place:
        # one fewer million-element temporary.
        j = self._position_np[index]
        if n:
            j += n
        else:
            j += 1
            j -= self._is_working_np[index]
        if j.size and j.max() >= len(self._working_dates):
            raise self._past_the_end(days.max(), n)
        result: npt.NDArray[np.datetime64] = self._working_epoch_np[j].view(_DAY)
        return result

    def _position_of(self, day: date) -> int:
        try:
            return self._position[day]
        except (KeyError, TypeError):
            raise self._bad_day(day) from None

    def _bad_day(self, day: object) -> ValueError:
        # A datetime is a date too, but its date may not be the London date
        # the caller meant: make them convert explicitly.
        if isinstance(day, datetime) or not isinstance(day, date):
            return ValueError(f"expected a datetime.date (not a datetime), got {day!r}")
        return ValueError(f"{day} is outside {self._range_text()}")

    def _past_the_end(self, day: object, n: int) -> ValueError:
        return ValueError(f"{n} working days after {day} falls outside {self._range_text()}")

    def _range_text(self) -> str:
        return f"the calendar's range {self.first_day.isoformat()} to {self.last_day.isoformat()}"


def _frozen(array: npt.NDArray[_T]) -> npt.NDArray[_T]:
    array.flags.writeable = False
    return array


@functools.lru_cache(maxsize=32)
def _cached_calendar(closure_days: frozenset[date]) -> WorkingCalendar:
    return WorkingCalendar(closure_days=closure_days)


def get_calendar(closure_days: frozenset[date] = frozenset()) -> WorkingCalendar:
    """The shared calendar for a set of closure days, built once per distinct set."""
    return _cached_calendar(frozenset(closure_days))
