# SPDX-License-Identifier: BSD-2-Clause
"""Polling against a deadline: the one way the test library waits for state."""
import time


def wait_until(predicate, timeout=10.0, interval=0.05, message=None):
    """Poll predicate() until it returns a true value; return that value.

    The loop is bounded by the deadline (monotonic clock), not by a fixed
    sleep: it polls every interval seconds, never past the deadline, and
    makes one last poll at the deadline. On timeout it raises AssertionError
    naming message (a string, or a callable returning one so that expensive
    context such as a log tail is computed only on failure), the timeout,
    the number of polls and the last value returned.
    """
    if timeout < 0 or interval <= 0:
        raise ValueError("timeout must be >= 0 and interval > 0")
    deadline = time.monotonic() + timeout
    polls = 0
    while True:
        polls += 1
        value = predicate()
        if value:
            return value
        left = deadline - time.monotonic()
        if left <= 0:
            what = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout:g} s ({polls} polls): "
                                 f"{what or getattr(predicate, '__name__', 'condition')}; "
                                 f"last value {value!r}")
        time.sleep(min(interval, left))
