"""How long named parts of a request took, answered in a ``Server-Timing`` header.

For the benchmark only (``ACADEMY_BENCH_URLS``): a service records what a load test
needs to see from inside the server — such as how long a booking held its mentor's
lock — and the middleware adds it to the response. Without the middleware,
``record`` does nothing.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

_timings = ContextVar("server_timings", default=None)


def record(name, seconds):
    """Add ``name`` with its duration to this request's Server-Timing header."""
    timings = _timings.get()
    if timings is not None:
        timings.append((name, seconds))


@contextmanager
def measure(name):
    """Record how long the block took, whether it ends normally or with an error."""
    started = time.perf_counter()
    try:
        yield
    finally:
        record(name, time.perf_counter() - started)


class ServerTimingMiddleware:
    """Collect ``record`` calls of a request into its ``Server-Timing`` header (in ms),
    after ``app``: the whole request inside Django (its wait for a worker excluded), and
    ``cpu``: the processor time the worker spent on it (one request at a time)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started, cpu = time.perf_counter(), time.process_time()
        token = _timings.set([])
        try:
            response = self.get_response(request)
            timings = _timings.get()
        finally:
            _timings.reset(token)
        timings[:0] = [
            ("app", time.perf_counter() - started),
            ("cpu", time.process_time() - cpu),
        ]
        response["Server-Timing"] = ", ".join(
            f"{name};dur={seconds * 1000:.1f}" for name, seconds in timings
        )
        return response
