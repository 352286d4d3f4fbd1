"""Instruments for the benchmark (bench/timing.py), active only when INNOVATE_BENCH=1: a bare
view to compare the product with, and a middleware that reports each request's queries and
the time spent in SQL as response headers."""

import time

from django.db import connection
from django.http import HttpResponse


def bare(request):
    """The smallest Django view: the yardstick for every page's figures."""
    return HttpResponse("ok", content_type="text/plain")


class QueryTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stats = {"queries": 0, "sql": 0.0}

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                stats["sql"] += time.perf_counter() - started
                stats["queries"] += 1

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        if getattr(response, "streaming", False):
            # Headers leave before the body: they count the queries made before streaming.
            response["X-Bench-Streamed"] = "1"
        response["X-Bench-Queries"] = str(stats["queries"])
        response["X-Bench-SQL-ms"] = f"{stats['sql'] * 1000:.2f}"
        response["X-Bench-Total-ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        return response
