"""Run a function in many threads at once, each with its own database connection."""

import threading

from django.db import connection


def run_concurrently(func, args_list):
    """Call ``func(*args)`` for each args in threads released together.

    Returns the results (or raised exceptions) in order.
    """
    barrier = threading.Barrier(len(args_list))
    results = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait()
            results[index] = func(*args)
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
