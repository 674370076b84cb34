"""Calling a connector again after a :class:`~addin.connectors.connector.Transient` failure.

:func:`retry` runs one call (typically ``connector.send(batch)``) and, while it raises
``Transient``, waits and calls again:

- the wait before attempt *n + 1* is drawn uniformly in ``[0, min(max_delay, base_delay ×
  2ⁿ⁻¹)]`` ("full jitter": clients that failed together do not come back together);
- when the platform said how long to wait (``Transient.retry_after``, from ``Retry-After``),
  that wait is used instead, as given: the platform knows its own limits better than we do;
- the whole thing is bounded by ``max_attempts`` calls and by ``budget`` seconds measured from
  the first call (the calls' own time counts): a wait that would end past the budget is not
  started, so the function never sleeps for nothing.

When a bound is hit it raises :class:`GaveUp` at once, carrying the last ``Transient``, the
number of attempts and the time spent; the push turns that into a "not sent" status for the
batch's rows (their journal entries stay unconfirmed, so the next run sends them again).
:class:`~addin.connectors.connector.AuthFailed`, :class:`~addin.connectors.connector.Refused`
and every other exception go through untouched on the first occurrence: retrying them is useless.

The budget is per call. When a batch gives up the platform is most likely down or throttling
hard, so the caller should stop the push there rather than spend a budget on every batch.

Clock, sleep and random source are parameters, so tests run in no time and exactly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from addin.connectors.connector import ConnectorError, Transient

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to insist. The defaults suit an interactive push: at most 6 calls, 2 minutes."""

    #: calls in all, the first one included (1 = never retry)
    max_attempts: int = 6
    #: ceiling of the first wait, in seconds; it doubles at each failure
    base_delay: float = 1.0
    #: the ceiling never grows past this (a ``retry_after`` may: the platform asked for it)
    max_delay: float = 30.0
    #: seconds from the first call after which no new attempt starts
    budget: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.budget < 0:
            raise ValueError("delays and budget cannot be negative")

    def ceiling(self, failures: int) -> float:
        """The longest wait after the ``failures``-th failure (1, 2, ...), before jitter."""
        # min() before the power would overflow for a large count; 2**62 is plenty.
        return min(self.max_delay, self.base_delay * 2.0 ** min(failures - 1, 62))


DEFAULT_POLICY = RetryPolicy()


class GaveUp(ConnectorError):
    """The call still failed when a bound was hit: report its rows as not sent.

    ``last_error`` is the last :class:`Transient`, ``attempts`` the calls made, ``waited``
    the seconds spent from the first call to the decision (sleeps and calls).
    """

    def __init__(self, last_error: Transient, attempts: int, waited: float) -> None:
        super().__init__(
            f"Abandon après {attempts} tentative{'s' if attempts > 1 else ''} "
            f"en {waited:.0f} s : {last_error}",
            en=f"Gave up after {attempts} attempt{'s' if attempts > 1 else ''} "
            f"in {waited:.0f} s: {last_error.said('en')}",
        )
        self.last_error = last_error
        self.attempts = attempts
        self.waited = waited


#: told before each wait: the failure, the seconds about to be slept, the attempt that follows
OnWait = Callable[[Transient, float, int], None]


def retry(
    call: Callable[[], T],
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    on_wait: OnWait | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rand: Callable[[], float] = random.random,
) -> T:
    """``call()``'s result, calling again after each ``Transient``; :class:`GaveUp` at a bound.

    ``rand`` returns a float in ``[0, 1)``; ``clock`` is monotonic seconds.
    """
    start = clock()
    attempt = 1
    while True:
        try:
            return call()
        except Transient as error:
            elapsed = clock() - start
            if attempt >= policy.max_attempts:
                raise GaveUp(error, attempt, elapsed) from error
            delay = next_delay(policy, attempt, error.retry_after, rand)
            if elapsed + delay > policy.budget:
                raise GaveUp(error, attempt, elapsed) from error
            if on_wait is not None:
                on_wait(error, delay, attempt + 1)
            sleep(delay)
            attempt += 1


def next_delay(
    policy: RetryPolicy,
    failures: int,
    retry_after: float | None,
    rand: Callable[[], float] = random.random,
) -> float:
    """The wait after the ``failures``-th failure: ``retry_after`` when given, else jittered."""
    if retry_after is not None and retry_after >= 0:
        return float(retry_after)
    return rand() * policy.ceiling(failures)
