"""Retries on transient failures: backoff with full jitter, Retry-After, the bounds, pass-through.

A fake clock that sleeping advances stands in for time, so nothing here really waits and
every delay is checked exactly.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from addin.connectors.connector import AuthFailed, ConnectorError, Refused, Transient
from addin.connectors.retry import GaveUp, RetryPolicy, next_delay, retry


class FakeTime:
    """``clock`` and ``sleep`` sharing one counter; each call may also take time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class Flaky:
    """Raises the given errors in turn (each call lasting ``duration``), then returns 'ok'."""

    def __init__(self, time: FakeTime, errors: Sequence[Exception], duration: float = 0.0):
        self.time = time
        self.errors = list(errors)
        self.duration = duration
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        self.time.now += self.duration
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def run(
    flaky: Flaky,
    policy: RetryPolicy,
    rand: Callable[[], float] = lambda: 1.0,
) -> str:
    return retry(flaky, policy, sleep=flaky.time.sleep, clock=flaky.time.clock, rand=rand)


def busy(retry_after: float | None = None) -> Transient:
    return Transient("503 Service Unavailable", retry_after)


def test_success_at_first_call_does_not_wait() -> None:
    time = FakeTime()
    flaky = Flaky(time, [])
    assert run(flaky, RetryPolicy()) == "ok"
    assert (flaky.calls, time.sleeps) == (1, [])


def test_the_ceiling_doubles_up_to_max_delay() -> None:
    """With the random source at its top, each wait is the ceiling itself."""
    time = FakeTime()
    policy = RetryPolicy(max_attempts=8, base_delay=0.5, max_delay=5.0, budget=1000)
    flaky = Flaky(time, [busy() for _ in range(7)])
    assert run(flaky, policy) == "ok"
    assert time.sleeps == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert flaky.calls == 8


def test_jittered_delays_stay_within_zero_and_the_ceiling_and_spread() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=60.0)
    source = random.Random(20260301)
    for failures in range(1, 8):
        ceiling = min(60.0, 2.0 ** (failures - 1))
        drawn = [next_delay(policy, failures, None, source.random) for _ in range(500)]
        assert all(0.0 <= delay <= ceiling for delay in drawn)
        # full jitter: the draws cover the whole range, not a band near the ceiling
        assert min(drawn) < 0.1 * ceiling
        assert max(drawn) > 0.9 * ceiling


def test_each_wait_is_the_random_fraction_of_its_ceiling() -> None:
    time = FakeTime()
    fractions = iter([0.25, 0.5, 0.0])
    policy = RetryPolicy(max_attempts=4, base_delay=2.0, max_delay=100, budget=1000)
    flaky = Flaky(time, [busy(), busy(), busy()])
    assert run(flaky, policy, rand=lambda: next(fractions)) == "ok"
    assert time.sleeps == [0.5, 2.0, 0.0]


def test_retry_after_is_honoured_as_given_even_past_max_delay() -> None:
    time = FakeTime()
    policy = RetryPolicy(max_attempts=5, base_delay=1.0, max_delay=2.0, budget=1000)
    flaky = Flaky(time, [busy(retry_after=7), busy(), busy(retry_after=0)])
    assert run(flaky, policy, rand=lambda: 0.5) == "ok"
    assert time.sleeps == [7.0, 1.0, 0.0]


def test_a_retry_after_beyond_the_budget_gives_up_without_sleeping() -> None:
    time = FakeTime()
    policy = RetryPolicy(budget=60)
    flaky = Flaky(time, [busy(retry_after=3600)])
    with pytest.raises(GaveUp) as caught:
        run(flaky, policy)
    assert time.sleeps == []
    assert (caught.value.attempts, caught.value.waited) == (1, 0.0)
    assert caught.value.last_error.retry_after == 3600


def test_the_budget_counts_the_calls_own_time_and_is_never_exceeded() -> None:
    """Each call takes 10 s (a timeout); waits 1, 2, 4, 8...: no attempt starts past 45 s."""
    time = FakeTime()
    policy = RetryPolicy(max_attempts=100, base_delay=1.0, max_delay=100, budget=45)
    errors = [busy() for _ in range(100)]
    flaky = Flaky(time, errors, duration=10.0)
    with pytest.raises(GaveUp) as caught:
        run(flaky, policy)
    # t=10 fail, sleep 1 → 11, call → 21 fail, sleep 2 → 23, call → 33 fail, sleep 4 → 37,
    # call → 47 fail: 47 + 8 > 45, give up.
    assert time.sleeps == [1.0, 2.0, 4.0]
    assert flaky.calls == 4
    assert caught.value.attempts == 4
    assert caught.value.waited == 47.0
    assert sum(time.sleeps) + 10.0 * (flaky.calls - 1) <= policy.budget


def test_max_attempts_counts_every_call_and_the_last_error_is_kept() -> None:
    time = FakeTime()
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, budget=1000)
    errors: list[Exception] = [busy(), Transient("429 Too Many Requests"), busy(), busy()]
    flaky = Flaky(time, errors)
    with pytest.raises(GaveUp) as caught:
        run(flaky, policy)
    assert flaky.calls == 3
    assert len(time.sleeps) == 2
    gave_up = caught.value
    assert gave_up.attempts == 3
    assert gave_up.last_error is gave_up.__cause__
    assert str(gave_up.last_error) == "503 Service Unavailable"
    assert str(gave_up) == "Abandon après 3 tentatives en 3 s : 503 Service Unavailable"
    # GaveUp is no Transient: a retry around a retry does not start again
    assert isinstance(gave_up, ConnectorError)
    assert not isinstance(gave_up, Transient)


def test_one_attempt_means_no_retry() -> None:
    time = FakeTime()
    flaky = Flaky(time, [busy()])
    with pytest.raises(GaveUp, match="Abandon après 1 tentative en 0 s"):
        run(flaky, RetryPolicy(max_attempts=1))
    assert flaky.calls == 1


@pytest.mark.parametrize(
    "error",
    [AuthFailed("Jeton refusé"), Refused("400 Bad Request"), ValueError("bug"), KeyError("k")],
)
def test_other_errors_pass_through_at_once(error: Exception) -> None:
    time = FakeTime()
    flaky = Flaky(time, [error])
    with pytest.raises(type(error)) as caught:
        run(flaky, RetryPolicy())
    assert caught.value is error
    assert (flaky.calls, time.sleeps) == (1, [])


def test_a_non_transient_error_after_retries_stops_them() -> None:
    time = FakeTime()
    flaky = Flaky(time, [busy(), busy(), Refused("422")])
    with pytest.raises(Refused):
        run(flaky, RetryPolicy(budget=1000))
    assert flaky.calls == 3
    assert len(time.sleeps) == 2


def test_on_wait_is_told_each_wait_before_it_happens() -> None:
    time = FakeTime()
    seen: list[tuple[str, float, int, int]] = []
    flaky = Flaky(time, [busy(retry_after=3), busy()])

    def on_wait(error: Transient, delay: float, next_attempt: int) -> None:
        seen.append((str(error), delay, next_attempt, len(time.sleeps)))

    result = retry(
        flaky,
        RetryPolicy(base_delay=1.0, budget=1000),
        on_wait=on_wait,
        sleep=time.sleep,
        clock=time.clock,
        rand=lambda: 1.0,
    )
    assert result == "ok"
    assert seen == [("503 Service Unavailable", 3.0, 2, 0), ("503 Service Unavailable", 2.0, 3, 1)]


def test_a_negative_retry_after_falls_back_to_backoff() -> None:
    policy = RetryPolicy(base_delay=4.0)
    assert next_delay(policy, 1, -5.0, lambda: 0.5) == 2.0
    assert next_delay(policy, 1, float("nan"), lambda: 0.5) == 2.0


def test_huge_failure_counts_do_not_overflow() -> None:
    assert RetryPolicy(max_delay=30.0).ceiling(10_000) == 30.0


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"base_delay": -1.0}, {"max_delay": -1.0}, {"budget": -1.0}],
)
def test_policies_that_make_no_sense_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_the_real_clock_and_sleep_are_the_defaults_and_zero_delays_do_not_wait() -> None:
    calls = iter([busy(retry_after=0), None])

    def call() -> str:
        error = next(calls)
        if error is not None:
            raise error
        return "ok"

    assert retry(call, RetryPolicy(budget=1.0)) == "ok"
